"""The client file's sections that other areas hold: participants shows the person's own record
and asks each registered area, through its own policy, what it adds (referrals: the person's
referrals; programs: the enrolments and where each stands). participants imports none of them.

    record.register("referrals", order=10, template="referrals/record_section.html",
                    context=referral_section)

`context(user, found)` receives the reader and the `ParticipantAccess` the record was opened
with, and returns the section's context, or None when the section has nothing to show this
reader. The template is included with that context as `section`.

`LINKS` holds the buttons to other areas' pages about the person, shown to the staff who may
change the record (privacy: consents and personal information), each reversed with the
participant's id.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tandem.accounts.models import User
from tandem.core.links import Links
from tandem.participants.access import ParticipantAccess

SectionContext = Callable[[User, ParticipantAccess], dict[str, Any] | None]


@dataclass(frozen=True)
class RecordSection:
    name: str
    order: int
    template: str
    context: SectionContext


@dataclass(frozen=True)
class ShownSection:
    template: str
    section: dict[str, Any]


_SECTIONS: dict[str, RecordSection] = {}
LINKS = Links()


def register(name: str, *, order: int, template: str, context: SectionContext) -> None:
    """Adds a section of the client file (from the app's `ready()`)."""
    found = _SECTIONS.get(name)
    if found is not None and found.context is not context:
        raise ValueError(f"record section {name!r} is already registered")
    _SECTIONS[name] = RecordSection(name, order, template, context)


def record_sections(user: User, found: ParticipantAccess) -> list[ShownSection]:
    """The sections this reader sees on this client file, in order."""
    shown = []
    for entry in sorted(_SECTIONS.values(), key=lambda s: s.order):
        context = entry.context(user, found)
        if context:
            shown.append(ShownSection(entry.template, context))
    return shown
