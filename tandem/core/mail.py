"""Every message to a person is rendered in their language and sent by the task queue."""

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def queue_rendered_mail(message: EmailMultiAlternatives) -> None:
    """Hands an already rendered message to the worker once the current transaction commits."""
    from tandem.core.tasks import deliver_mail

    payload = {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email or settings.DEFAULT_FROM_EMAIL,
        "to": list(message.to),
        "reply_to": list(message.reply_to),
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        # Text attachments only (calendar invitations): the payload is stored as JSON.
        "attachments": [
            [name, str(content), mimetype] for name, content, mimetype in message.attachments
        ],
    }
    transaction.on_commit(lambda: deliver_mail.enqueue(payload))


def render_message(
    *, email: str, language: str, template: str, context: dict[str, Any]
) -> EmailMultiAlternatives:
    """Renders `<template>_subject.txt`, `.txt` and `.html` in `language` into one message."""
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text, to=[email])
    message.attach_alternative(html, "text/html")
    return message


def send_to_person(
    *,
    email: str,
    language: str,
    template: str,
    context: dict[str, Any],
    attachments: list[tuple[str, str, str]] | None = None,
) -> None:
    """Renders the mail in `language` (see `render_message`) and queues it.

    `attachments` are `(filename, text content, mimetype)`, e.g. an .ics invitation.
    """
    message = render_message(email=email, language=language, template=template, context=context)
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    queue_rendered_mail(message)


def build_message(payload: dict[str, Any]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        reply_to=payload.get("reply_to") or None,
    )
    for content, mimetype in payload.get("alternatives", []):
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype in payload.get("attachments", []):
        message.attach(filename, content, mimetype)
    return message
