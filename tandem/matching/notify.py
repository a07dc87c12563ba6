"""Messages to people about proposals and mentorships, each in the recipient's language.

Every message is one short notice: a subject, a few whole sentences and one link. The sentences
are written here, inside `translation.override(recipient's language)`, and rendered by the
`matching/mail/notice` templates.
"""

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tandem.core.mail import send_to_person
from tandem.programs.access import program_staff


def absolute(url_name: str, **kwargs: Any) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(url_name, kwargs=kwargs)


def notify(
    *,
    email: str,
    language: str,
    name: str,
    write: Callable[[], dict[str, Any]],
    attachments: list[tuple[str, str, str]] | None = None,
) -> None:
    """`write()` runs in the recipient's language and returns subject, paragraphs, link."""
    with translation.override(language):
        content = write()
    send_to_person(
        email=email,
        language=language,
        template="matching/mail/notice",
        context={"name": name, **content},
        attachments=attachments,
    )


def notify_staff(program, write: Callable[[], dict[str, Any]]) -> None:
    for user in program_staff(program):
        notify(
            email=user.email,
            language=user.preferred_language or "en",
            name=user.first_name or user.email,
            write=write,
        )


def notify_people(people: Iterable, write: Callable[[Any], dict[str, Any]]) -> None:
    """`people` are Participants; `write(person)` runs in each one's language."""
    for person in people:
        notify(
            email=person.email,
            language=person.preferred_language,
            name=person.given_name,
            write=partial(write, person),
        )
