"""Every message to a person is rendered in their language and sent by the task queue."""

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.template import Context, engines
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import slugify


def queue_rendered_mail(message: EmailMultiAlternatives) -> None:
    """Hands an already rendered message to the worker with the current transaction.

    With the queue in this database (django-tasks-db, production) the mail's task row is written
    in the caller's transaction: it commits with whatever marks the mail sent (a reminder's row,
    a digest's date), so a worker stopped or killed between the two cannot leave a record marked
    sent whose mail was never queued, and a rollback queues nothing. Another backend (tests'
    immediate one) gets it once the transaction commits."""
    from django_tasks_db.backend import DatabaseBackend

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
    if isinstance(deliver_mail.get_backend(), DatabaseBackend):
        deliver_mail.enqueue(payload)
    else:
        transaction.on_commit(lambda: deliver_mail.enqueue(payload))


def render_text(template_name: str, context: dict[str, Any]) -> str:
    """Renders a plain-text template (subject or text body) without HTML escaping.

    Autoescaping is for HTML: in a text part it turns "Centre d'accueil" into
    "Centre d&#x27;accueil". A text part is never read as HTML, and the subject is flattened to one
    line before it becomes a header, so nothing needs escaping. The HTML part keeps autoescaping.
    """
    template = engines["django"].get_template(template_name)
    # The Django backend's wrapper hides the engine's template, which takes a Context.
    return template.template.render(Context(context, autoescape=False))  # type: ignore[attr-defined]


def render_message(
    *, email: str, language: str, template: str, context: dict[str, Any]
) -> EmailMultiAlternatives:
    """Renders `<template>_subject.txt`, `.txt` and `.html` in `language` into one message."""
    with translation.override(language):
        subject = render_text(f"{template}_subject.txt", context).strip()
        text = render_text(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    # One line, but the no-break spaces French typography puts before « : » stay.
    subject = re.sub(r"[ \t\r\n]+", " ", subject)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[email])
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


class EmlFileBackend(BaseEmailBackend):
    """Development mail: one `.eml` file per message, named by time, recipient and subject.

    A mail program opens them as they would arrive (HTML part, calendar attachments and all), and
    `ls var/mail/` reads like an inbox: `20260315-101502-amira-example-org-your-introduction.eml`.
    """

    def __init__(self, file_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.directory = Path(file_path or str(getattr(settings, "EMAIL_FILE_PATH", "var/mail")))

    def send_messages(self, email_messages) -> int:
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            recipient = slugify(message.recipients()[0].replace("@", "-").replace(".", "-"))[:60]
            subject = slugify(str(message.subject))[:60] or "no-subject"
            stem = f"{datetime.now():%Y%m%d-%H%M%S}-{recipient}-{subject}"  # noqa: DTZ005 - local time reads best
            content = message.message().as_bytes()
            for n in range(1000):
                path = self.directory / (f"{stem}.eml" if n == 0 else f"{stem}-{n}.eml")
                try:
                    # "x": never overwrite a message written in the same second to the same person.
                    with open(path, "xb") as handle:
                        handle.write(content)
                    break
                except FileExistsError:
                    continue
            sent += 1
        return sent
