"""Writes for the opportunities board: post and close an opportunity, apply or refer, accept or
decline under the places guard, record that it took place and its outcomes, feedback from both
sides, saved searches. Every write is atomic, takes `actor=` and records a named audit event;
mail goes to each person in their own language once the transaction commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Field
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tandem.accounts.models import User
from tandem.core import audit
from tandem.core.mail import send_to_person
from tandem.organizations.models import Organization
from tandem.participants.models import Participant

from .models import (
    LONGEST_DAYS,
    Application,
    ApplicationStatus,
    ClosedBecause,
    Feedback,
    FeedbackSide,
    Opportunity,
    OpportunityStatus,
    SavedSearch,
    join_codes,
    labels_of,
)

POSTED = audit.event("opportunity.posted", gettext_lazy("Opportunity posted"))
CHANGED = audit.event("opportunity.changed", gettext_lazy("Opportunity changed"))
CLOSED = audit.event("opportunity.closed", gettext_lazy("Opportunity closed"))
EXPIRED = audit.event(
    "opportunity.expired", gettext_lazy("Opportunity closed when its dates passed")
)
APPLIED = audit.event("opportunity.applied", gettext_lazy("Applied to an opportunity"))
REFERRED = audit.event("opportunity.referred", gettext_lazy("Referred to an opportunity"))
ACCEPTED = audit.event(
    "opportunity.accepted", gettext_lazy("Application to an opportunity accepted")
)
DECLINED = audit.event(
    "opportunity.declined", gettext_lazy("Application to an opportunity declined")
)
WITHDRAWN = audit.event(
    "opportunity.withdrawn", gettext_lazy("Application to an opportunity withdrawn")
)
HAPPENED = audit.event("opportunity.happened", gettext_lazy("Opportunity took place"))
FEEDBACK = audit.event("opportunity.feedback", gettext_lazy("Feedback on an opportunity"))
DIGEST = audit.event("opportunity.digest_sent", gettext_lazy("New opportunities sent by e-mail"))

OPPORTUNITY_FIELDS = (
    "kind",
    "title_en",
    "title_fr",
    "occupation",
    "industry",
    "mode",
    "province",
    "postal_area",
    "starts_on",
    "ends_on",
    "availability_en",
    "availability_fr",
    "places",
    "language",
    "accessibility_en",
    "accessibility_fr",
    "learning_en",
    "learning_fr",
)


class OpportunityError(Exception):
    """A rule of the board was broken; the message is translated for the person."""


class OpportunityFullError(OpportunityError):
    pass


def link(name: str, language: str, **kwargs: Any) -> str:
    with translation.override(language):
        return settings.SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs)


def check_dates(starts_on: dt.date, ends_on: dt.date) -> None:
    if starts_on < timezone.localdate():
        raise OpportunityError(_("The first day has passed: choose today or a later day."))
    check_span(starts_on, ends_on)


def check_span(starts_on: dt.date, ends_on: dt.date) -> None:
    if ends_on < starts_on:
        raise OpportunityError(_("The last day comes before the first day."))
    if (ends_on - starts_on).days > LONGEST_DAYS:
        raise OpportunityError(
            _("A short opportunity lasts %(days)d days at most.") % {"days": LONGEST_DAYS}
        )


@transaction.atomic
def opportunity_post(
    *,
    actor: User,
    employer: Organization,
    posted_by: Organization | None = None,
    accommodations: Iterable[str] = (),
    **fields: Any,
) -> Opportunity:
    unknown = set(fields) - set(OPPORTUNITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    check_dates(fields["starts_on"], fields["ends_on"])
    opportunity = Opportunity(
        employer=employer,
        posted_by=posted_by,
        accommodations=join_codes(accommodations),
        created_by=actor,
        **fields,
    )
    opportunity.full_clean()
    opportunity.save()
    audit.record(POSTED, actor=actor, target=opportunity, about=[employer])
    return opportunity


# What a job-seeker relies on when they apply: a change to one of these is told by e-mail to
# everyone waiting for an answer or accepted (titles, descriptions, occupation and places are
# not: they correct or widen the offer without changing what the person agreed to).
MATERIAL = ("kind", "mode", "province", "postal_area", "starts_on", "ends_on", "language")
LIVE = (ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED)


@dataclass(frozen=True)
class OpportunityChange:
    opportunity: Opportunity
    changed: list[str]  # field names
    material: list[str]  # those told to the applicants ("accommodations" included)
    told: int  # mails queued


def check_changed_dates(before: Opportunity, starts_on: dt.date, ends_on: dt.date) -> None:
    """An edit keeps dates that have passed as they are (an opportunity under way can still
    have its description corrected), but any date it moves must be today or later."""
    today = timezone.localdate()
    if starts_on != before.starts_on and min(starts_on, before.starts_on) < today:
        raise OpportunityError(
            _("The first day has passed: it cannot move, and a new one must be today or later.")
        )
    if ends_on != before.ends_on and ends_on < today:
        raise OpportunityError(_("The last day must be today or later."))
    check_span(starts_on, ends_on)


@transaction.atomic
def opportunity_change(
    *,
    actor: User,
    opportunity: Opportunity,
    accommodations: Iterable[str] = (),
    **fields: Any,
) -> OpportunityChange:
    """The employer, or a hub that runs the opportunity, changes it while it is open. The
    employer and the site that posted it stay. Under the row lock that acceptances take:
    places never drop below the people accepted (their numbered places are packed into the
    new range), and the people waiting or accepted are told of a material change, each in
    their own language, with their job developer when one referred them."""
    unknown = set(fields) - set(OPPORTUNITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if locked.status != OpportunityStatus.OPEN:
        raise OpportunityError(_("A closed opportunity cannot be changed: post a new one instead."))
    before = Opportunity.objects.get(pk=locked.pk)
    check_changed_dates(before, fields["starts_on"], fields["ends_on"])
    taken = sorted(places_taken(locked.pk))
    if fields["places"] < len(taken):
        raise OpportunityError(
            ngettext(
                "%(count)d person is already accepted: offer at least %(count)d place.",
                "%(count)d people are already accepted: offer at least %(count)d places.",
                len(taken),
            )
            % {"count": len(taken)}
        )
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.accommodations = join_codes(accommodations)
    locked.full_clean(exclude=["created_by"])  # kept as it was (empty on imported rows)
    compared = [*OPPORTUNITY_FIELDS, "accommodations"]
    changed = [
        name
        for name in compared
        if locked.serializable_value(name) != before.serializable_value(name)
    ]
    if not changed:
        return OpportunityChange(opportunity=locked, changed=[], material=[], told=0)
    locked.save(update_fields=changed)
    if locked.places < before.places:
        _pack_places(locked, taken)
    material = [name for name in changed if name in (*MATERIAL, "accommodations")]
    told = _tell_applicants(before, locked, material) if material else 0
    audit.record(
        CHANGED,
        actor=actor,
        target=locked,
        about=[locked.employer],
        data={"changed": changed, "told": told},
    )
    return OpportunityChange(opportunity=locked, changed=changed, material=material, told=told)


def _pack_places(opportunity: Opportunity, taken: list[int]) -> None:
    """Fewer places: an accepted application numbered above the new count moves to a free
    number within it (there are enough, checked above), so that `free_places` counts right.
    Called under the opportunity's row lock, which every acceptance takes first."""
    free = [place for place in range(1, opportunity.places + 1) if place not in taken]
    for place in (p for p in taken if p > opportunity.places):
        Application.objects.filter(opportunity=opportunity, place=place).update(place=free.pop(0))


def label(name: str) -> Any:
    field = Opportunity._meta.get_field(name)
    assert isinstance(field, Field), name
    return field.verbose_name


def _changes_for_mail(
    before: Opportunity, after: Opportunity, material: list[str]
) -> list[tuple[str, str, str]]:
    """(what, before, after) rows in the current language (the recipient's)."""
    from tandem.core.dates import day

    def shown(record: Opportunity, name: str) -> str:
        if name in ("starts_on", "ends_on"):
            return day(getattr(record, name))
        if name == "accommodations":
            return "; ".join(labels_of(record.accommodations)) or "—"
        if name == "postal_area":
            area = record.postal_area
            return f"{area.place_name} ({area.fsa})" if area is not None else "—"
        return str(getattr(record, f"get_{name}_display")())

    return [
        (
            str(label(name)).capitalize(),
            shown(before, name),
            shown(after, name),
        )
        for name in material
    ]


def _tell_applicants(before: Opportunity, after: Opportunity, material: list[str]) -> int:
    """Each person waiting or accepted, and the job developer who referred them, hears what
    changed in their own language; nobody's accommodation needs are in the mail."""
    told = 0
    live = after.applications.filter(status__in=LIVE).select_related("participant", "referred_by")
    for application in live:
        person = application.participant
        recipients: list[tuple[str, str, bool]] = []
        if person.email:
            recipients.append((person.email, person.preferred_language or "en", True))
        developer = application.referred_by
        if developer is not None and developer.is_active and developer.email:
            recipients.append((developer.email, developer.preferred_language or "en", False))
        for email, language, is_person in recipients:
            with translation.override(language):
                changes = _changes_for_mail(before, after, material)
            send_to_person(
                email=email,
                language=language,
                template="opportunities/mail/changed",
                context={
                    "person": person,
                    "is_person": is_person,
                    "application": application,
                    "opportunity": after,
                    "changes": changes,
                    "url": link(
                        "opportunities:application", language, application_id=application.pk
                    ),
                },
            )
            told += 1
    return told


@transaction.atomic
def opportunity_close(*, actor: User, opportunity: Opportunity) -> Opportunity:
    locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if locked.status != OpportunityStatus.OPEN:
        raise OpportunityError(_("This opportunity is already closed."))
    locked.status = OpportunityStatus.CLOSED
    locked.closed_because = ClosedBecause.BY_EMPLOYER
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_because", "closed_at"])
    audit.record(CLOSED, actor=actor, target=locked)
    return locked


def places_taken(opportunity_id: int) -> set[int]:
    places = Application.objects.filter(opportunity_id=opportunity_id, place__isnull=False)
    return {place for place in places.values_list("place", flat=True) if place is not None}


def free_places(opportunity_id: int, places: int) -> list[int]:
    taken = places_taken(opportunity_id)
    return [place for place in range(1, places + 1) if place not in taken]


def _full_message() -> str:
    return _("This opportunity is full: every place offered is taken.")


def _closed_message() -> str:
    return _("This opportunity is closed: it takes no more applications.")


@transaction.atomic
def application_submit(
    *,
    actor: User,
    opportunity: Opportunity,
    participant: Participant,
    message: str = "",
    shares_accommodations: bool = False,
    accommodations_needed: Iterable[str] = (),
    accommodation_note: str = "",
) -> Application:
    """The person applies, or their job developer refers them (`actor` is then not the person).
    Only what the person agreed to share with this employer is kept on the application."""
    locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if locked.status != OpportunityStatus.OPEN or locked.ends_on < timezone.localdate():
        raise OpportunityError(_closed_message())
    if not free_places(locked.pk, locked.places):
        raise OpportunityFullError(_full_message())
    if (
        locked.applications.filter(participant=participant)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .exists()
    ):
        raise OpportunityError(
            _("%(person)s has already applied to this opportunity.")
            % {"person": participant.full_name}
        )
    codes = join_codes(accommodations_needed) if shares_accommodations else ""
    note = accommodation_note.strip() if shares_accommodations else ""
    referred = participant.user_id != actor.pk
    application = Application.objects.create(
        opportunity=locked,
        participant=participant,
        referred_by=actor if referred else None,
        message=message.strip(),
        shares_accommodations=shares_accommodations and bool(codes or note),
        accommodations_needed=codes,
        accommodation_note=note,
        created_by=actor,
    )
    _tell_employer(application)
    # The event says what was shared, never the needs themselves.
    audit.record(
        REFERRED if referred else APPLIED,
        actor=actor,
        target=application,
        about=[participant, locked],
        data={"shares_accommodations": application.shares_accommodations},
    )
    return application


def _tell_employer(application: Application) -> None:
    """The employer's people hear of a new application in their own language; the mail names
    the person and links to the page, and never carries accommodation details."""
    from tandem.organizations.models import Membership, Role

    people = Membership.objects.filter(
        organization=application.opportunity.employer_id,
        organization__is_active=True,
        is_active=True,
        user__is_active=True,
        role__in=[Role.EMPLOYER_PARTNER, Role.ORG_ADMIN],
    ).select_related("user")
    for membership in people:
        user = membership.user
        language = user.preferred_language or "en"
        send_to_person(
            email=user.email,
            language=language,
            template="opportunities/mail/applied",
            context={
                "application": application,
                "opportunity": application.opportunity,
                "person": application.participant,
                "url": link("opportunities:application", language, application_id=application.pk),
            },
        )


def _tell_person(application: Application, template: str) -> None:
    person = application.participant
    language = person.preferred_language or "en"
    send_to_person(
        email=person.email,
        language=language,
        template=f"opportunities/mail/{template}",
        context={
            "person": person,
            "application": application,
            "opportunity": application.opportunity,
            "url": link("opportunities:application", language, application_id=application.pk),
        },
    )


def application_accept(*, actor: User, application: Application) -> Application:
    """Gives the application a numbered place under the row lock; the unique index on
    (opportunity, place) is the backstop if two acceptances ever met without it."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                opportunity = Opportunity.objects.select_for_update().get(
                    pk=application.opportunity_id
                )
                current = Application.objects.select_for_update().get(pk=application.pk)
                if current.status != ApplicationStatus.SUBMITTED:
                    raise OpportunityError(_("This application has already been answered."))
                if opportunity.status != OpportunityStatus.OPEN:
                    raise OpportunityError(_closed_message())
                free = free_places(opportunity.pk, opportunity.places)
                if not free:
                    raise OpportunityFullError(_full_message())
                current.status = ApplicationStatus.ACCEPTED
                current.place = free[0]
                current.places_when_accepted = opportunity.places
                current.decided_by = actor
                current.decided_at = timezone.now()
                current.save(
                    update_fields=[
                        "status",
                        "place",
                        "places_when_accepted",
                        "decided_by",
                        "decided_at",
                    ]
                )
                audit.record(
                    ACCEPTED, actor=actor, target=current, about=[current.participant, opportunity]
                )
                _tell_person(current, "accepted")
                return current
        except IntegrityError:
            continue  # another acceptance took this place first: look again
    raise OpportunityFullError(_full_message())


@transaction.atomic
def application_decline(*, actor: User, application: Application, reason: str) -> Application:
    reason = reason.strip()
    if not reason:
        raise OpportunityError(_("Say why, so that the person and their job developer know."))
    current = Application.objects.select_for_update().get(pk=application.pk)
    if current.status != ApplicationStatus.SUBMITTED:
        raise OpportunityError(_("This application has already been answered."))
    current.status = ApplicationStatus.DECLINED
    current.decision_reason = reason
    current.decided_by = actor
    current.decided_at = timezone.now()
    current.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    audit.record(DECLINED, actor=actor, target=current, about=[current.participant])
    _tell_person(current, "declined")
    return current


@transaction.atomic
def application_withdraw(*, actor: User, application: Application) -> Application:
    current = Application.objects.select_for_update().get(pk=application.pk)
    if current.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED):
        raise OpportunityError(_("Only a waiting or accepted application can be withdrawn."))
    current.status = ApplicationStatus.WITHDRAWN
    current.place = None  # the place goes back to the opportunity
    current.save(update_fields=["status", "place"])
    audit.record(WITHDRAWN, actor=actor, target=current, about=[current.participant])
    return current


@transaction.atomic
def application_happened(
    *,
    actor: User,
    application: Application,
    happened_on: dt.date,
    hired: bool = False,
    further_opportunity: bool = False,
    reference: bool = False,
) -> Application:
    current = Application.objects.select_for_update().get(pk=application.pk)
    if current.status not in (ApplicationStatus.ACCEPTED, ApplicationStatus.HAPPENED):
        raise OpportunityError(_("Only an accepted application can take place."))
    if happened_on > timezone.localdate():
        raise OpportunityError(_("This date is in the future: record it once it took place."))
    current.status = ApplicationStatus.HAPPENED
    current.happened_on = happened_on
    current.led_to_hire = hired
    current.led_to_further_opportunity = further_opportunity
    current.led_to_reference = reference
    current.save(
        update_fields=[
            "status",
            "happened_on",
            "led_to_hire",
            "led_to_further_opportunity",
            "led_to_reference",
        ]
    )
    audit.record(
        HAPPENED,
        actor=actor,
        target=current,
        about=[current.participant],
        data={"hired": hired, "further": further_opportunity, "reference": reference},
    )
    return current


@transaction.atomic
def feedback_give(
    *,
    actor: User,
    application: Application,
    side: str,
    learned: str,
    accessible: str = "",
    would_host_again: bool | None = None,
) -> Feedback:
    if application.status != ApplicationStatus.HAPPENED:
        raise OpportunityError(_("Feedback is given once the opportunity took place."))
    if not learned.strip():
        raise OpportunityError(_("Write what you learned."))
    if Feedback.objects.filter(application=application, side=side).exists():
        raise OpportunityError(_("This feedback has already been given. Thank you."))
    feedback = Feedback.objects.create(
        application=application,
        side=side,
        learned=learned.strip(),
        accessible=accessible if side == FeedbackSide.JOB_SEEKER else "",
        would_host_again=would_host_again if side == FeedbackSide.EMPLOYER else None,
        written_by=actor,
    )
    audit.record(
        FEEDBACK,
        actor=actor,
        target=application,
        about=[application.participant],
        data={"side": side},
    )
    return feedback


@transaction.atomic
def saved_search_create(*, actor: User, name: str, query: str) -> SavedSearch:
    if actor.opportunity_searches.count() >= 20:
        raise OpportunityError(_("You can keep 20 searches: delete one first."))
    return SavedSearch.objects.create(
        user=actor, name=name.strip()[:100], query=query[:1000], checked_until=timezone.now()
    )


@transaction.atomic
def saved_search_delete(*, actor: User, search: SavedSearch) -> None:
    search.delete()
