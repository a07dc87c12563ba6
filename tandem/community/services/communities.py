"""Communities, their members and spaces, and each member's notification preferences."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.community.access import community_members
from tandem.community.models import (
    Community,
    Frequency,
    Membership,
    MembershipStatus,
    Space,
    SpaceKind,
    SpacePreference,
)
from tandem.community.services import CommunityError
from tandem.core import audit
from tandem.organizations.access import organizations_of
from tandem.organizations.models import Organization

CREATED = audit.event("community.created", gettext_lazy("Community of practice created"))
CHANGED = audit.event("community.changed", gettext_lazy("Community of practice changed"))
TERMS_CHANGED = audit.event(
    "community.terms_changed", gettext_lazy("Community terms of reference changed")
)
ORGANIZATIONS_CHANGED = audit.event(
    "community.organizations_changed", gettext_lazy("Community member organizations changed")
)
INVITED = audit.event("community.member_invited", gettext_lazy("Invited to a community"))
REQUESTED = audit.event("community.join_requested", gettext_lazy("Asked to join a community"))
JOINED = audit.event(
    "community.member_joined", gettext_lazy("Joined a community (terms of reference agreed)")
)
DECIDED = audit.event(
    "community.request_decided", gettext_lazy("Request to join a community admitted or declined")
)
REMOVED = audit.event("community.member_removed", gettext_lazy("Removed from a community"))
LEFT = audit.event("community.member_left", gettext_lazy("Left a community"))
MODERATOR = audit.event(
    "community.moderator_changed", gettext_lazy("Community moderator named or relieved")
)
SPACE_CREATED = audit.event("community.space_created", gettext_lazy("Community space created"))
SPACE_MEMBERS = audit.event(
    "community.space_members_changed", gettext_lazy("Members of a community space changed")
)

MAX_NOTE = 1000
# Paths of the community pages that a community's short name would hide.
RESERVED_SLUGS = {"new"}


def _unique_handle(community: Community, user: User) -> str:
    base = slugify(user.get_full_name() or user.email.split("@")[0])[:50] or "member"
    taken = set(
        community.memberships.filter(handle__startswith=base).values_list("handle", flat=True)
    )
    handle, n = base, 2
    while handle in taken:
        handle, n = f"{base}-{n}", n + 1
    return handle


def _activate(membership: Membership, *, agreed_version: int, decided_by: User | None) -> None:
    now = timezone.now()
    membership.status = MembershipStatus.ACTIVE
    membership.terms_version = agreed_version
    membership.agreed_at = membership.agreed_at or now
    membership.joined_at = now
    membership.ended_at = None
    membership.decided_by = decided_by
    membership.handle = membership.handle or _unique_handle(membership.community, membership.user)
    membership.save()


@transaction.atomic
def community_create(
    *,
    actor: User,
    host: Organization,
    slug: str,
    name_en: str,
    name_fr: str,
    description_en: str = "",
    description_fr: str = "",
    terms_en: str,
    terms_fr: str,
) -> Community:
    """A new community hosted by `host` (where the actor is an admin or a network leader: the
    view offers only those); the actor is its first moderator, and agrees to the terms they
    wrote. It starts with one open space."""
    if slug in RESERVED_SLUGS or Community.objects.filter(slug=slug).exists():
        raise CommunityError(_("Another community already uses this short name."))
    community = Community.objects.create(
        slug=slug,
        host=host,
        name_en=name_en,
        name_fr=name_fr,
        description_en=description_en,
        description_fr=description_fr,
        terms_en=terms_en,
        terms_fr=terms_fr,
        created_by=actor,
    )
    community.organizations.add(host)
    founder = Membership(
        community=community,
        user=actor,
        organization=host,
        is_moderator=True,
        agreed_at=timezone.now(),
    )
    _activate(founder, agreed_version=community.terms_version, decided_by=actor)
    Space.objects.create(
        community=community,
        slug="general",
        name_en="General",
        name_fr="Général",
        description_en="Open to every member.",
        description_fr="Ouvert à tous les membres.",
    )
    audit.record(CREATED, actor=actor, target=community, about=[host])
    return community


@transaction.atomic
def community_update(
    *,
    actor: User,
    community: Community,
    name_en: str,
    name_fr: str,
    description_en: str,
    description_fr: str,
    terms_en: str,
    terms_fr: str,
) -> Community:
    """Names, description and terms; changed terms raise the version, and every member agrees
    to the new version before posting again."""
    terms_changed = (terms_en, terms_fr) != (community.terms_en, community.terms_fr)
    community.name_en, community.name_fr = name_en, name_fr
    community.description_en, community.description_fr = description_en, description_fr
    community.terms_en, community.terms_fr = terms_en, terms_fr
    if terms_changed:
        community.terms_version += 1
    community.save()
    audit.record(CHANGED, actor=actor, target=community)
    if terms_changed:
        audit.record(
            TERMS_CHANGED, actor=actor, target=community, data={"version": community.terms_version}
        )
        # The moderator who wrote them agrees to them.
        community.memberships.filter(user=actor).update(
            terms_version=community.terms_version, agreed_at=timezone.now()
        )
    return community


@transaction.atomic
def organizations_set(
    *, actor: User, community: Community, organizations: list[Organization]
) -> None:
    """The member organizations (the host always stays one). An organization taken out takes
    its people's access with it at once (access.py reads the list at every request)."""
    chosen = {o.pk for o in organizations} | {community.host_id}
    before = set(community.organizations.values_list("pk", flat=True))
    community.organizations.set(list(chosen))
    audit.record(
        ORGANIZATIONS_CHANGED,
        actor=actor,
        target=community,
        data={"added": sorted(chosen - before), "removed": sorted(before - chosen)},
    )


def _person_of_member_organization(
    community: Community, email: str
) -> tuple[User, Organization] | None:
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        return None
    organization = organizations_of(user).filter(communities=community).first()
    return None if organization is None else (user, organization)


@transaction.atomic
def member_invite(*, actor: User, community: Community, email: str, note: str = "") -> Membership:
    """Invites a person of a member organization, who joins by agreeing to the terms. The
    same refusal whether nobody has this address or its owner is elsewhere: a moderator learns
    nothing about people outside the community."""
    found = _person_of_member_organization(community, email)
    if found is None:
        raise CommunityError(
            _(
                "Nobody with this address works at a member organization of this community. "
                "Add their organization first, or check the address."
            )
        )
    user, organization = found
    membership = (
        Membership.objects.select_for_update().filter(community=community, user=user).first()
    )
    if membership is not None and membership.status == MembershipStatus.ACTIVE:
        raise CommunityError(_("This person is already a member."))
    if membership is None:
        membership = Membership(community=community, user=user)
    membership.organization = organization
    membership.status = MembershipStatus.INVITED
    membership.invited_by = actor
    membership.note = note[:MAX_NOTE]
    membership.save()
    audit.record(INVITED, actor=actor, target=membership, about=[community, user])
    from tandem.community.services import notify

    notify.invitation(membership)
    return membership


@transaction.atomic
def member_request(
    *, actor: User, community: Community, organization: Organization, note: str, agree: bool
) -> Membership:
    """A person of a member organization asks to join and agrees to the terms now; a moderator
    admits them (their agreement, and its version, are kept)."""
    if not agree:
        raise CommunityError(_("Agree to the terms of reference to ask to join."))
    if not organizations_of(actor).filter(pk=organization.pk, communities=community).exists():
        raise CommunityError(_("Choose one of your organizations that is a member."))
    membership = (
        Membership.objects.select_for_update().filter(community=community, user=actor).first()
    )
    if membership is not None and membership.status in (
        MembershipStatus.ACTIVE,
        MembershipStatus.REQUESTED,
    ):
        raise CommunityError(_("You have already asked, or you are already a member."))
    if membership is not None and membership.status == MembershipStatus.REMOVED:
        raise CommunityError(
            _("A moderator removed you from this community: ask a moderator to invite you.")
        )
    membership = membership or Membership(community=community, user=actor)
    membership.organization = organization
    membership.status = MembershipStatus.REQUESTED
    membership.note = note[:MAX_NOTE]
    membership.terms_version = community.terms_version
    membership.agreed_at = timezone.now()
    membership.save()
    audit.record(REQUESTED, actor=actor, target=membership, about=[community])
    from tandem.community.services import notify

    notify.request_to_moderators(membership)
    return membership


@transaction.atomic
def member_accept_invitation(*, actor: User, community: Community, agree: bool) -> Membership:
    """The invited person joins, agreeing to the current terms of reference."""
    if not agree:
        raise CommunityError(_("Agree to the terms of reference to join."))
    membership = (
        Membership.objects.select_for_update()
        .filter(community=community, user=actor, status=MembershipStatus.INVITED)
        .first()
    )
    if membership is None:
        raise CommunityError(_("This invitation is no longer open."))
    if not organizations_of(actor).filter(pk=membership.organization_id).exists():
        raise CommunityError(_("You no longer work at the organization you were invited from."))
    membership.agreed_at = timezone.now()
    _activate(membership, agreed_version=community.terms_version, decided_by=membership.invited_by)
    audit.record(JOINED, actor=actor, target=membership, about=[community])
    return membership


@transaction.atomic
def terms_agree(*, actor: User, membership: Membership) -> None:
    """A member agrees to the community's current terms (after they changed)."""
    membership.terms_version = membership.community.terms_version
    membership.agreed_at = timezone.now()
    membership.save(update_fields=["terms_version", "agreed_at"])
    audit.record(
        JOINED,
        actor=actor,
        target=membership,
        about=[membership.community],
        data={"version": membership.terms_version},
    )


@transaction.atomic
def request_decide(*, actor: User, membership: Membership, admit: bool) -> Membership:
    """A moderator admits or declines a request to join."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != MembershipStatus.REQUESTED:
        raise CommunityError(_("This request was already answered."))
    if admit:
        _activate(membership, agreed_version=membership.terms_version or 0, decided_by=actor)
    else:
        membership.status = MembershipStatus.DECLINED
        membership.decided_by = actor
        membership.save(update_fields=["status", "decided_by"])
    audit.record(
        DECIDED,
        actor=actor,
        target=membership,
        about=[membership.community, membership.user],
        data={"admitted": admit},
    )
    from tandem.community.services import notify

    notify.request_answered(membership, admitted=admit)
    return membership


@transaction.atomic
def member_remove(*, actor: User, membership: Membership, reason: str = "") -> None:
    """A moderator removes a member: access ends with this transaction (no session or cache
    keeps it). A person removing themselves leaves."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status not in (MembershipStatus.ACTIVE, MembershipStatus.INVITED):
        raise CommunityError(_("This person is not a member."))
    leaving = membership.user_id == actor.pk
    if membership.is_moderator and not (
        community_members(membership.community)
        .filter(is_moderator=True)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise CommunityError(_("Name another moderator first: a community needs one."))
    membership.status = MembershipStatus.LEFT if leaving else MembershipStatus.REMOVED
    membership.is_moderator = False
    membership.ended_at = timezone.now()
    membership.decided_by = None if leaving else actor
    membership.save(update_fields=["status", "is_moderator", "ended_at", "decided_by"])
    audit.record(
        LEFT if leaving else REMOVED,
        actor=actor,
        target=membership,
        about=[membership.community, membership.user],
        data={"reason": reason[:300]} if reason else None,
    )


@transaction.atomic
def moderator_set(*, actor: User, membership: Membership, is_moderator: bool) -> None:
    if membership.status != MembershipStatus.ACTIVE:
        raise CommunityError(_("Only a member can moderate."))
    if not is_moderator and not (
        community_members(membership.community)
        .filter(is_moderator=True)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise CommunityError(_("Name another moderator first: a community needs one."))
    membership.is_moderator = is_moderator
    membership.save(update_fields=["is_moderator"])
    audit.record(
        MODERATOR,
        actor=actor,
        target=membership,
        about=[membership.community, membership.user],
        data={"moderator": is_moderator},
    )


@transaction.atomic
def space_create(
    *,
    actor: User,
    community: Community,
    slug: str,
    name_en: str,
    name_fr: str,
    description_en: str = "",
    description_fr: str = "",
    kind: str = SpaceKind.OPEN,
    province: str = "",
) -> Space:
    if kind == SpaceKind.PROVINCE and not province:
        raise CommunityError(_("Choose the province of this space."))
    try:
        with transaction.atomic():
            space = Space.objects.create(
                community=community,
                slug=slug,
                name_en=name_en,
                name_fr=name_fr,
                description_en=description_en,
                description_fr=description_fr,
                kind=kind,
                province=province if kind == SpaceKind.PROVINCE else "",
            )
    except IntegrityError:
        raise CommunityError(_("Another space of this community uses this short name.")) from None
    audit.record(SPACE_CREATED, actor=actor, target=space, about=[community])
    return space


@transaction.atomic
def space_members_set(*, actor: User, space: Space, memberships: list[Membership]) -> None:
    """The members of a targeted space (an open space has none of its own)."""
    if space.is_open:
        raise CommunityError(_("Every member takes part in an open space."))
    chosen = [m for m in memberships if m.community_id == space.community_id]
    space.members.set(chosen)
    audit.record(
        SPACE_MEMBERS, actor=actor, target=space, data={"members": sorted(m.pk for m in chosen)}
    )


def province_members(space: Space) -> list[Membership]:
    """Members whose organization is in the space's province: what a moderator is offered
    first for a province's space."""
    return list(
        community_members(space.community).filter(
            Q(organization__province=space.province) & ~Q(organization__province="")
        )
    )


@transaction.atomic
def preferences_set(*, actor: User, membership: Membership, choices: dict[int, str]) -> None:
    """How the member hears of each space: {space id: frequency}."""
    for space_id, frequency in choices.items():
        if frequency not in Frequency.values:
            raise CommunityError(_("Choose how often to receive e-mail."))
        SpacePreference.objects.update_or_create(
            membership=membership, space_id=space_id, defaults={"frequency": frequency}
        )


def join_url(community: Community) -> str:
    return reverse("community:join", kwargs={"community_slug": community.slug})
