"""A group's life: created in a group or peer mentoring program (run by the lead agency or a partner
with its own coordinator), staff notes, and its end (sessions to come cancelled, members told)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.circles.models import Circle, CircleKind, CircleNote
from tandem.circles.services.base import CircleError, active_people, keeps_place
from tandem.circles.services.sessions import circle_session_cancel
from tandem.core import audit
from tandem.matching import notify
from tandem.organizations.models import Membership, Partnership
from tandem.participants.models import Participant, ParticipantRole
from tandem.programs.models import Program, ProgramType

FORMED = audit.event("circle.formed", gettext_lazy("Mentoring group created"))
NOTED = audit.event("circle.noted", gettext_lazy("Staff note written on a group"))
ENDED = audit.event("circle.ended", gettext_lazy("Mentoring group ended"))
CIRCLE_FIELDS = (
    "name_en",
    "name_fr",
    "occupation",
    "industry",
    "language",
    "mode",
    "place",
    "link",
    "mentee_capacity",
    "mentor_capacity",
    "run_by",
    "coordinator",
)
KIND_OF_PROGRAM = {ProgramType.GROUP: CircleKind.GROUP, ProgramType.PEER: CircleKind.PEER}


def _check_coordinator(program: Program, run_by: Any, coordinator: User | None) -> None:
    if run_by is None:
        if coordinator is not None:
            raise CircleError(_("A coordinator belongs to the partner organization that runs it."))
        return
    if not Partnership.objects.filter(
        Q(organization=program.organization_id, partner=run_by)
        | Q(organization=run_by, partner=program.organization_id)
    ).exists():
        raise CircleError(
            _("%(partner)s is not a partner of %(organization)s.")
            % {"partner": run_by.name, "organization": program.organization.name}
        )
    if coordinator is None:
        raise CircleError(_("Name the coordinator of the partner organization."))
    if not Membership.objects.filter(
        user=coordinator, organization=run_by, is_active=True
    ).exists():
        raise CircleError(
            _("%(person)s is not a member of %(partner)s.")
            % {"person": coordinator.email, "partner": run_by.name}
        )


@transaction.atomic
def circle_create(*, actor: User, program: Program, **fields: Any) -> Circle:
    kind = KIND_OF_PROGRAM.get(ProgramType(program.kind))
    if kind is None:
        raise CircleError(_("Groups belong to a group mentoring or peer mentoring program."))
    if not fields.get("occupation") and not fields.get("industry"):
        raise CircleError(_("Choose the group's occupation group or industry."))
    _check_coordinator(program, fields.get("run_by"), fields.get("coordinator"))
    data = {name: fields[name] for name in CIRCLE_FIELDS if name in fields}
    circle = Circle.objects.create(program=program, kind=kind, created_by=actor, **data)
    audit.record(FORMED, actor=actor, target=circle, about=[program])
    return circle


@transaction.atomic
def circle_note_add(*, actor: User, circle: Circle, text: str) -> CircleNote:
    note = CircleNote.objects.create(circle=circle, text=text, author=actor)
    audit.record(NOTED, actor=actor, target=circle)
    return note


@transaction.atomic
def circle_end(*, actor: User, circle: Circle) -> Circle:
    """Ends a group: its sessions to come are cancelled (members told, calendars updated), no
    one can join it and it leaves the members' home pages. Mentees keep their place and waiting
    time in the one-to-one pool, as they did all along; the figures keep what was held."""
    circle = Circle.objects.select_for_update().get(pk=circle.pk)
    if circle.ended_at is not None:
        return circle
    coming = circle.sessions.filter(
        event__starts_at__gt=timezone.now(), event__cancelled_at__isnull=True
    ).select_related("event", "circle", "circle__program")
    for session in coming:
        circle_session_cancel(actor=actor, session=session, ended=True)
    circle.ended_at = timezone.now()
    circle.save(update_fields=["ended_at"])
    audit.record(ENDED, actor=actor, target=circle, about=[circle.program])
    members = active_people(circle)

    def write(person: Participant) -> dict[str, Any]:
        return {
            "subject": _("The group %(group)s has ended") % {"group": circle.name},
            "paragraphs": [
                _(
                    "The group %(group)s of %(program)s has ended. Thank you for taking part: "
                    "the sessions you attended stay on your history."
                )
                % {"group": circle.name, "program": circle.program.name},
                keeps_place() if person.role == ParticipantRole.MENTEE else "",
            ],
        }

    notify.notify_people(members, write)
    return circle
