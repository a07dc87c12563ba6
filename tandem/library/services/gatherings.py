"""Gatherings of a community: create and edit (both languages), cancel, register under the places
guard, record attendance, file materials into the repertoire; the roster of spokespersons."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.community.models import Community, Membership, Space
from tandem.core import audit
from tandem.library.models import (
    Gathering,
    GatheringKind,
    Registration,
    Resource,
    ResourceKind,
    Spokesperson,
)
from tandem.library.services.announcements import gathering_announced, gathering_changed
from tandem.library.services.base import (
    ATTENDANCE,
    GATHERING_CANCELLED,
    GATHERING_CREATED,
    GATHERING_EDITED,
    REGISTERED,
    SPOKESPERSON_ADDED,
    SPOKESPERSON_REMOVED,
    UNREGISTERED,
    LibraryError,
)
from tandem.library.services.resources import SectionText, resource_create, version_publish

GATHERING_FIELDS = (
    "kind",
    "theme",
    "title_en",
    "title_fr",
    "description_en",
    "description_fr",
    "starts_at",
    "ends_at",
    "mode",
    "place",
    "link",
    "capacity",
)
# What a change of is mailed to who heard of the gathering (with an updated calendar file).
WHEN_AND_WHERE = ("starts_at", "ends_at", "mode", "place")
# Contenders for the last places try again this many times when another took the place they
# counted as free (the unique index refused theirs) before being told the gathering is full.
PLACE_ATTEMPTS = 5


def _check(fields: dict[str, Any]) -> None:
    starts_at: datetime = fields["starts_at"]
    ends_at: datetime = fields["ends_at"]
    if ends_at <= starts_at:
        raise LibraryError(_("A gathering ends after it starts."))
    if fields.get("theme") and fields.get("kind") != GatheringKind.LEADERSHIP_WORKSHOP:
        raise LibraryError(_("Only a leadership workshop has a theme."))


@transaction.atomic
def gathering_create(
    *,
    actor: User,
    community: Community,
    speakers: Iterable[Spokesperson] = (),
    space: Space | None = None,
    **fields: Any,
) -> Gathering:
    """`space`: the space it is announced in; its readers are mailed once this commits
    (`announcements`). Without one, the gathering is listed on the community's page only."""
    data = {name: fields[name] for name in GATHERING_FIELDS if name in fields}
    _check(data)
    if space is not None and (space.community_id != community.pk or space.is_archived):
        raise LibraryError(_("Announce the gathering in a space of this community."))
    gathering = Gathering(community=community, organizer=actor, space=space, **data)
    gathering.full_clean(exclude=["community", "space"])
    gathering.save()
    gathering.speakers.set([s for s in speakers if s.community_id == community.pk])
    audit.record(GATHERING_CREATED, actor=actor, target=gathering, about=[community])
    if space is not None:
        gathering_announced(gathering)
    return gathering


@transaction.atomic
def gathering_update(
    *, actor: User, gathering: Gathering, speakers: Iterable[Spokesperson] = (), **fields: Any
) -> Gathering:
    gathering = Gathering.objects.select_for_update().get(pk=gathering.pk)
    data = {name: fields.get(name, getattr(gathering, name)) for name in GATHERING_FIELDS}
    _check(data)
    taken = gathering.registrations.filter(place__isnull=False).count()
    capacity = data["capacity"]
    if capacity is not None and capacity < taken:
        raise LibraryError(
            _("%(count)d people hold a place: keep at least that many places.") % {"count": taken}
        )
    if capacity is not None and gathering.registrations.filter(place__gt=capacity).exists():
        raise LibraryError(_("Places above the new number are held: keep the places as they are."))
    if capacity is not None:
        # Places become limited: people registered while they were not take the free places in
        # the order they registered, under this lock (or the change is refused).
        unplaced = list(
            gathering.registrations.filter(
                place__isnull=True, registered_at__isnull=False, cancelled_at__isnull=True
            ).order_by("registered_at", "pk")
        )
        free = free_places(gathering.pk, capacity)
        if len(unplaced) > len(free):
            raise LibraryError(
                _("%(count)d people are registered: keep at least that many places.")
                % {"count": taken + len(unplaced)}
            )
        for registration, place in zip(unplaced, free, strict=False):
            registration.place = place
            registration.save(update_fields=["place"])
    moved = any(data[name] != getattr(gathering, name) for name in WHEN_AND_WHERE)
    # Mailed while it is still to come: people may still plan around it (and a cancelled one is
    # not announced again).
    mailed = moved and not gathering.is_cancelled and gathering.starts_at > timezone.now()
    for name, value in data.items():
        setattr(gathering, name, value)
    if mailed:
        gathering.sequence += 1
    gathering.full_clean(exclude=["community"])
    gathering.save()
    gathering.speakers.set([s for s in speakers if s.community_id == gathering.community_id])
    audit.record(GATHERING_EDITED, actor=actor, target=gathering)
    if mailed:
        gathering_changed(gathering)
    return gathering


@transaction.atomic
def gathering_cancel(*, actor: User, gathering: Gathering) -> Gathering:
    gathering = Gathering.objects.select_for_update().get(pk=gathering.pk)
    if gathering.cancelled_at is None:
        gathering.cancelled_at = timezone.now()
        gathering.sequence += 1
        gathering.save(update_fields=["cancelled_at", "sequence"])
        audit.record(GATHERING_CANCELLED, actor=actor, target=gathering)
        gathering_changed(gathering)
    return gathering


def free_places(gathering_id: int, capacity: int) -> list[int]:
    taken = set(
        Registration.objects.filter(gathering_id=gathering_id, place__isnull=False).values_list(
            "place", flat=True
        )
    )
    return [place for place in range(1, capacity + 1) if place not in taken]


def _full() -> LibraryError:
    return LibraryError(_("This gathering is full: every place is taken."))


def gathering_register(
    *, actor: User, gathering: Gathering, membership: Membership
) -> Registration:
    """Registers the person (through the hub of their community membership).

    With limited places each registration takes the lowest free numbered place. The gathering's
    row is locked while counting, and the partial unique index on (gathering, place) is the
    backstop: a contender whose place was taken meanwhile tries the next one, and is told the
    gathering is full when none is left. Never more people than places."""
    for _attempt in range(PLACE_ATTEMPTS):
        try:
            with transaction.atomic():
                return _register_once(actor, gathering, membership)
        except IntegrityError:
            continue  # another registration took this place first: count again
    raise _full()


def _register_once(actor: User, gathering: Gathering, membership: Membership) -> Registration:
    locked = Gathering.objects.select_for_update().get(pk=gathering.pk)
    if locked.is_cancelled:
        raise LibraryError(_("This gathering is cancelled."))
    if locked.starts_at <= timezone.now():
        raise LibraryError(_("Registration is closed: the gathering has started."))
    current = Registration.objects.filter(gathering=locked, user=actor).first()
    if current is not None and current.is_registered:
        return current
    place = None
    if locked.capacity is not None:
        free = free_places(locked.pk, locked.capacity)
        if not free:
            raise _full()
        place = free[0]
    registration = current or Registration(gathering=locked, user=actor)
    registration.organization_id = membership.organization_id
    registration.place = place
    registration.registered_at, registration.cancelled_at = timezone.now(), None
    registration.save()
    audit.record(REGISTERED, actor=actor, target=locked, data={"place": place})
    return registration


@transaction.atomic
def gathering_unregister(*, actor: User, gathering: Gathering) -> None:
    registration = Registration.objects.filter(gathering=gathering, user=actor).first()
    if registration is not None and registration.is_registered:
        registration.cancelled_at = timezone.now()
        registration.place = None  # the place goes back to the gathering
        registration.save(update_fields=["cancelled_at", "place"])
        audit.record(UNREGISTERED, actor=actor, target=gathering)


@transaction.atomic
def attendance_record(
    *, actor: User, gathering: Gathering, present: Iterable[int], absent: Iterable[int]
) -> int:
    """Who came, among the people registered (ids of registrations)."""
    if gathering.starts_at > timezone.now():
        raise LibraryError(_("Record attendance once the gathering has started."))
    rows = gathering.registrations.filter(registered_at__isnull=False)
    changed = 0
    for attended, ids in ((True, list(present)), (False, list(absent))):
        changed += rows.filter(pk__in=ids).update(attended=attended, attendance_recorded_by=actor)
    audit.record(ATTENDANCE, actor=actor, target=gathering, data={"recorded": changed})
    return changed


@transaction.atomic
def material_add(
    *,
    actor: User,
    gathering: Gathering,
    membership: Membership,
    tags: dict[str, list[str]],
    sections: list[SectionText] | None = None,
    **fields: Any,
) -> Resource:
    """Files a gathering's material (slides, notes, a recording's link) into the repertoire, as
    a resource published at once (it was presented already; a later version may follow)."""
    if gathering.starts_at > timezone.now():
        raise LibraryError(_("Materials are filed once the gathering has taken place."))
    upload = fields.pop("upload", None)
    language = fields.pop("language", "en")
    if upload is None and (fields.get("link_en") or fields.get("link_fr")):
        fields["kind"] = ResourceKind.LINK  # a recording or a page elsewhere: a link
    resource = resource_create(
        actor=actor,
        community=gathering.community,
        organization=membership.organization,
        tags=tags,
        sections=sections,
        gathering=gathering,
        **fields,
    )
    if upload is not None:
        from tandem.library.services.resources import file_attach

        file_attach(actor=actor, resource=resource, language=language, upload=upload)
    version_publish(actor=actor, resource=resource)
    return resource


@transaction.atomic
def spokesperson_add(
    *, actor: User, membership: Membership, expertise_en: str, expertise_fr: str, languages: str
) -> Spokesperson:
    """A member puts themself on their community's roster (once)."""
    found = Spokesperson.objects.filter(community=membership.community, user=actor).first()
    found = found or Spokesperson(community=membership.community, user=actor)
    found.organization = membership.organization
    found.expertise_en, found.expertise_fr = expertise_en, expertise_fr
    found.languages, found.is_available = languages, True
    found.full_clean(exclude=["community", "user", "organization"])
    found.save()
    audit.record(SPOKESPERSON_ADDED, actor=actor, target=found, about=[membership.community])
    return found


@transaction.atomic
def spokesperson_remove(*, actor: User, spokesperson: Spokesperson) -> None:
    audit.record(
        SPOKESPERSON_REMOVED, actor=actor, target=spokesperson, about=[spokesperson.community]
    )
    spokesperson.delete()
