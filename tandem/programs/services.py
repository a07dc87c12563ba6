"""Writes for programs: the program itself, its criteria (published as versions) and intake."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.core import audit
from tandem.organizations.models import Organization
from tandem.participants.models import Participant
from tandem.programs.models import (
    ActionPlan,
    ActionStep,
    Attendance,
    CriteriaVersion,
    Criterion,
    CriterionKind,
    Enrolment,
    IntakeMeeting,
    IntakePeriod,
    NotesVisibility,
    OrientationSession,
    Program,
    ProgramType,
    SessionKind,
    Side,
    Step,
)


class ProgramError(Exception):
    """A rule of the intake process was broken; the message is translated for the person."""


CRITERION_FIELDS = (
    "kind",
    "statuses",
    "provinces",
    "number",
    "organization",
    "program",
    "question_en",
    "question_fr",
)

PROGRAM_FIELDS = (
    "slug",
    "kind",
    "name_en",
    "name_fr",
    "description_en",
    "description_fr",
    "mentee_materials_en",
    "mentee_materials_fr",
    "mentor_materials_en",
    "mentor_materials_fr",
    "parent",
    "accepts_self_referrals",
    "accepts_mentor_applications",
    "mentee_steps",
    "mentor_steps",
    "is_active",
)


PROGRAM_CREATED = audit.event("program.created", gettext_lazy("Program created"))
PROGRAM_CHANGED = audit.event("program.changed", gettext_lazy("Program changed"))
CRITERIA_PUBLISHED = audit.event("criteria.published", gettext_lazy("Criteria published"))
ENROLLED = audit.event("enrolment.created", gettext_lazy("Enrolled in the program"))
INTAKE_MEETING = audit.event("intake_meeting.recorded", gettext_lazy("Intake meeting recorded"))
ACTION_PLAN_SAVED = audit.event("action_plan.saved", gettext_lazy("Action plan saved"))
TEAM_MEMBER_REMOVED = audit.event(
    "program_team.removed", gettext_lazy("Taken off the program's team")
)


@transaction.atomic
def program_create(
    *, actor: User, organization: Organization, m2m: dict[str, Any] | None = None, **fields: Any
) -> Program:
    program = Program(organization=organization, **fields)
    program.full_clean()
    program.save()
    for name, values in (m2m or {}).items():
        getattr(program, name).set(values)
    for side in Side.values:
        # Every program has a version to judge on from the start, with the criteria its type
        # implies (staff may edit them like any other).
        version = CriteriaVersion.objects.create(
            program=program, side=side, number=1, published_by=actor, note=_("First version")
        )
        Criterion.objects.bulk_create(
            Criterion(version=version, position=position, **values)
            for position, values in enumerate(_implied_criteria(program, side))
        )
    audit.record(PROGRAM_CREATED, actor=actor, target=program)
    return program


def _implied_criteria(program: Program, side: str) -> list[dict[str, Any]]:
    """The criteria a program's type implies, side by side (seed 003, recommendations 10-11):
    an internal program takes the operating organization's people on both sides; an
    employer-hosted one takes its employees as mentors, while its mentees come from the
    network's agencies; an embedded program takes the participants of its parent program as
    mentees, and its mentors from anywhere. Staff may edit either side like any criteria."""
    member = {"kind": CriterionKind.MEMBER_OF_ORGANIZATION, "organization": program.organization}
    if program.kind == ProgramType.INTERNAL:
        return [member]
    if program.kind == ProgramType.EMPLOYER_HOSTED:
        return [member] if side == Side.MENTOR else []
    if program.kind == ProgramType.EMBEDDED and program.parent_id and side == Side.MENTEE:
        return [{"kind": CriterionKind.PARENT_PROGRAM_PARTICIPANT, "program": program.parent}]
    return []


@transaction.atomic
def program_update(
    *, actor: User, program: Program, m2m: dict[str, Any] | None = None, **fields: Any
) -> Program:
    for name, value in fields.items():
        setattr(program, name, value)
    program.full_clean()
    program.save(update_fields=list(fields) or None)
    for name, values in (m2m or {}).items():
        getattr(program, name).set(values)
    audit.record(
        PROGRAM_CHANGED,
        actor=actor,
        target=program,
        data={"fields": sorted([*fields, *(m2m or {})])},
    )
    return program


@transaction.atomic
def intake_period_add(
    *, actor: User, program: Program, opens_on: date, closes_on: date
) -> IntakePeriod:
    if closes_on < opens_on:
        raise ProgramError(_("An intake period closes on or after the day it opens."))
    return IntakePeriod.objects.create(program=program, opens_on=opens_on, closes_on=closes_on)


@transaction.atomic
def intake_period_remove(*, actor: User, period: IntakePeriod) -> None:
    period.delete()


def criteria_current(*, program: Program, side: str) -> CriteriaVersion:
    version = (
        CriteriaVersion.objects.filter(program=program, side=side)
        .prefetch_related("criteria__organization", "criteria__program")
        .order_by("-number")
        .first()
    )
    if version is None:  # programs created outside program_create (admin, fixtures)
        version = CriteriaVersion.objects.create(program=program, side=side, number=1)
    return version


@transaction.atomic
def criteria_publish(
    *, actor: User, program: Program, side: str, criteria: list[dict[str, Any]], note: str = ""
) -> CriteriaVersion:
    """Publishes the next version of one side's criteria. Earlier versions stay as they were:
    decisions point to them. A criterion carried over keeps its `key`."""
    # Lock the program row so that two editors cannot both publish version N + 1.
    Program.objects.select_for_update().filter(pk=program.pk).first()
    last = CriteriaVersion.objects.filter(program=program, side=side).order_by("-number").first()
    version = CriteriaVersion.objects.create(
        program=program,
        side=side,
        number=(last.number + 1) if last else 1,
        note=note,
        published_by=actor,
    )
    rows = []
    for position, data in enumerate(criteria):
        values = {name: data.get(name) for name in CRITERION_FIELDS}
        values["statuses"] = list(values["statuses"] or [])
        values["provinces"] = list(values["provinces"] or [])
        values["question_en"] = values["question_en"] or ""
        values["question_fr"] = values["question_fr"] or ""
        _check_criterion(values, program)
        extra = {"key": data["key"]} if data.get("key") else {}
        rows.append(Criterion(version=version, position=position, **values, **extra))
    Criterion.objects.bulk_create(rows)
    audit.record(
        CRITERIA_PUBLISHED,
        actor=actor,
        target=program,
        data={"side": side, "version": version.number, "criteria": len(rows)},
    )
    return version


def _check_criterion(values: dict[str, Any], program: Program) -> None:
    kind = values["kind"]
    if kind == CriterionKind.IMMIGRATION_STATUS and not values["statuses"]:
        raise ProgramError(_("Choose at least one immigration status."))
    if kind == CriterionKind.PROVINCE and not values["provinces"]:
        raise ProgramError(_("Choose at least one province."))
    if kind in (CriterionKind.CLB_AT_LEAST, CriterionKind.YEARS_EXPERIENCE_AT_LEAST) and (
        values["number"] is None
    ):
        raise ProgramError(_("Give the minimum for this criterion."))
    if kind == CriterionKind.CLB_AT_LEAST and not 1 <= values["number"] <= 12:
        raise ProgramError(_("A CLB level is between 1 and 12."))
    if kind == CriterionKind.MEMBER_OF_ORGANIZATION and not values["organization"]:
        raise ProgramError(_("Choose the organization."))
    if kind == CriterionKind.PARENT_PROGRAM_PARTICIPANT:
        if not values["program"]:
            raise ProgramError(_("Choose the program."))
        if values["program"] == program:
            raise ProgramError(_("A program cannot require its own participation."))
    if kind == CriterionKind.YES_NO and not (values["question_en"] and values["question_fr"]):
        raise ProgramError(_("Write the question in English and in French."))


# --- Orientation and readiness ---------------------------------------------------------------


@dataclass(frozen=True)
class StepStatus:
    step: str
    is_done: bool

    @property
    def label(self) -> str:
        return str(Step(self.step).label)


def readiness(enrolment: Enrolment) -> list[StepStatus]:
    """The program's required steps for this person, each done or not."""
    attended = list(enrolment.attendances.values_list("session__kind", flat=True))
    has_meeting = enrolment.meetings.exists()
    plan = ActionPlan.objects.filter(enrolment=enrolment).first()
    done: dict[str, bool] = {
        Step.NEEDS_ASSESSMENT: has_meeting,
        Step.MENTOR_MEETING: has_meeting,
        Step.MENTEE_ORIENTATION: SessionKind.MENTEE_ORIENTATION in attended,
        Step.MENTOR_ORIENTATION: SessionKind.MENTOR_ORIENTATION in attended,
        Step.MENTOR_WORKSHOP: attended.count(SessionKind.MENTOR_WORKSHOP) >= 2,
        Step.ACTION_PLAN: plan is not None and bool(plan.objective) and plan.steps.exists(),
    }
    return [
        StepStatus(step, done.get(step, False))
        for step in enrolment.program.required_steps(enrolment.side)
    ]


def enrolment_refresh_readiness(*, enrolment: Enrolment) -> Enrolment:
    """Sets or clears `ready_at` from the required steps (called after every intake write)."""
    is_ready = all(status.is_done for status in readiness(enrolment))
    if is_ready and enrolment.ready_at is None:
        enrolment.ready_at = timezone.now()
        enrolment.save(update_fields=["ready_at"])
    elif not is_ready and enrolment.ready_at is not None:
        enrolment.ready_at = None
        enrolment.save(update_fields=["ready_at"])
    return enrolment


@transaction.atomic
def enrolment_create(*, actor: User, program: Program, participant: Participant) -> Enrolment:
    enrolment, created = Enrolment.objects.get_or_create(
        program=program, participant=participant, defaults={"side": participant.role}
    )
    if created:
        audit.record(ENROLLED, actor=actor, target=enrolment, about=[participant, program])
    return enrolment_refresh_readiness(enrolment=enrolment)


@transaction.atomic
def intake_meeting_record(
    *,
    actor: User,
    enrolment: Enrolment,
    met_on: date,
    notes: str = "",
    notes_visibility: str = NotesVisibility.STAFF,
    submission: uuid.UUID | None = None,
) -> IntakeMeeting:
    """Records a one-on-one meeting. `submission` is the form's one-time token: the same
    token twice (a double click, a resent POST) gives back the first meeting; the unique
    index settles two requests that race."""
    if submission is not None:
        found = IntakeMeeting.objects.filter(submission=submission, enrolment=enrolment).first()
        if found is not None:
            return found
    try:
        with transaction.atomic():
            meeting = IntakeMeeting.objects.create(
                enrolment=enrolment,
                met_on=met_on,
                notes=notes,
                notes_visibility=notes_visibility,
                staff=actor,
                submission=submission,
            )
    except IntegrityError:
        return IntakeMeeting.objects.get(submission=submission, enrolment=enrolment)
    # The notes stay on the meeting: the trail is read more widely than intake notes.
    audit.record(
        INTAKE_MEETING,
        actor=actor,
        target=meeting,
        about=[enrolment.participant],
        data={"met_on": met_on.isoformat()},
    )
    enrolment_refresh_readiness(enrolment=enrolment)
    return meeting


@transaction.atomic
def session_create(
    *, actor: User, program: Program, kind: str, starts_at: datetime, location=None
) -> OrientationSession:
    if location is not None and location.organization_id != program.organization_id:
        raise ProgramError(_("Choose one of the organization's service locations."))
    return OrientationSession.objects.create(
        program=program, kind=kind, starts_at=starts_at, location=location
    )


def _side_of_session(kind: str) -> str:
    return Side.MENTEE if kind == SessionKind.MENTEE_ORIENTATION else Side.MENTOR


@transaction.atomic
def attendance_set(
    *, actor: User, session: OrientationSession, enrolments: list[Enrolment]
) -> None:
    """Records who attended the session (replacing the earlier list)."""
    wanted = {e.pk: e for e in enrolments}
    for enrolment in wanted.values():
        if enrolment.program_id != session.program_id or enrolment.side != _side_of_session(
            session.kind
        ):
            raise ProgramError(_("Only the program's participants of that side can attend."))
    previous = {a.enrolment_id: a for a in session.attendances.all()}
    for pk, attendance in previous.items():
        if pk not in wanted:
            attendance.delete()
    for pk, enrolment in wanted.items():
        if pk not in previous:
            Attendance.objects.create(session=session, enrolment=enrolment, recorded_by=actor)
    touched = set(previous) | set(wanted)
    for enrolment in Enrolment.objects.filter(pk__in=touched).select_related("program"):
        enrolment_refresh_readiness(enrolment=enrolment)


@transaction.atomic
def action_plan_save(
    *, actor: User, enrolment: Enrolment, objective: str, steps: list[dict[str, Any]]
) -> ActionPlan:
    """Saves the mentee's action plan: the objective and its steps (description, dates)."""
    if not objective.strip():
        raise ProgramError(_("An action plan has an objective."))
    plan, _created = ActionPlan.objects.update_or_create(
        enrolment=enrolment, defaults={"objective": objective.strip()}
    )
    plan.steps.all().delete()
    ActionStep.objects.bulk_create(
        ActionStep(
            plan=plan,
            position=position,
            description=step["description"],
            due_on=step.get("due_on"),
            done_on=step.get("done_on"),
        )
        for position, step in enumerate(steps)
        if step.get("description")
    )
    audit.record(ACTION_PLAN_SAVED, actor=actor, target=plan, about=[enrolment.participant])
    enrolment_refresh_readiness(enrolment=enrolment)
    return plan


@transaction.atomic
def program_team_remove(*, actor: User, program: Program, user_id: int) -> None:
    """Takes a person off a program's team."""
    removed = program.staff.filter(pk=user_id).first()
    program.staff.remove(user_id)
    if removed is not None:
        audit.record(
            TEAM_MEMBER_REMOVED,
            actor=actor,
            target=program,
            about=[removed],
            data={"email": removed.email},
        )


def teams_held(user: User, organization: Organization) -> QuerySet[Program]:
    """The caseload part a facilitator hands over when leaving (organizations/caseload.py): the
    programs of this organization on whose team they are named."""
    return Program.objects.filter(staff=user, organization=organization)


def team_hand_over(program: Program, leaver: User, colleague: User) -> None:
    """A leaver's place on one program team goes to a colleague (run inside
    `organizations.services.caseload_hand_over`, which records the event)."""
    program.staff.remove(leaver)
    program.staff.add(colleague)
