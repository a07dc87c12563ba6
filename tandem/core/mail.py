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
    }
    transaction.on_commit(lambda: deliver_mail.enqueue(payload))


def send_to_person(*, email: str, language: str, template: str, context: dict[str, Any]) -> None:
    """Renders `<template>_subject.txt`, `.txt` and `.html` in `language` and queues the mail."""
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text, to=[email])
    message.attach_alternative(html, "text/html")
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
    return message
