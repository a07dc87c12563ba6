"""Review rounds: the owner invites hubs to review the draft, their people comment section by
section, the owner closes the round (or publishing closes it, crediting the reviewers)."""

from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from tandem.accounts.models import User
from tandem.community.access import community_members
from tandem.community.models import Membership
from tandem.core import audit
from tandem.core.mail import send_to_person
from tandem.library.models import (
    Resource,
    ReviewComment,
    ReviewInvitation,
    ReviewRound,
    Section,
)
from tandem.library.services.base import (
    COMMENTED,
    HUB_INVITED,
    ROUND_CLOSED,
    ROUND_OPENED,
    LibraryError,
)
from tandem.library.services.resources import draft_of
from tandem.organizations.models import Organization

MOST_HUBS_AT_ONCE = 50


def _check_hubs(resource: Resource, organizations: Iterable[Organization]) -> list[Organization]:
    hubs = list(organizations)
    if not hubs:
        raise LibraryError(_("Choose at least one hub to invite."))
    if len(hubs) > MOST_HUBS_AT_ONCE:
        raise LibraryError(
            _("Invite at most %(count)d hubs at once.") % {"count": MOST_HUBS_AT_ONCE}
        )
    members = set(resource.community.organizations.values_list("pk", flat=True))
    if any(hub.pk not in members for hub in hubs):
        raise LibraryError(_("Invite member organizations of the community."))
    return hubs


def _invite(actor: User, review: ReviewRound, hubs: list[Organization]) -> list[ReviewInvitation]:
    already = set(review.invitations.values_list("organization_id", flat=True))
    invited = [
        ReviewInvitation.objects.create(round=review, organization=hub, invited_by=actor)
        for hub in hubs
        if hub.pk not in already
    ]
    people: list[Membership] = list(
        community_members(review.resource.community)
        .filter(organization__in=[i.organization for i in invited])
        .exclude(user=actor)
        .select_related("user", "organization")
    )
    for invitation in invited:
        audit.record(
            HUB_INVITED, actor=actor, target=review.resource, about=[invitation.organization]
        )
    site = settings.SITE_URL.rstrip("/")
    for member in people:
        language = member.user.preferred_language
        with override(language):
            url = site + reverse("library:review", kwargs={"round_id": review.pk})
        send_to_person(
            email=member.user.email,
            language=language,
            template="library/mail/review_invitation",
            context={
                "person": member.user,
                "resource": review.resource,
                "hub": member.organization,
                "review": review,
                "url": url,
            },
        )
    return invited


@transaction.atomic
def round_open(
    *, actor: User, resource: Resource, organizations: Iterable[Organization], message: str = ""
) -> ReviewRound:
    """Opens a review round on the draft and invites the hubs; their members are told by mail,
    each in their language."""
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    draft = draft_of(resource)
    if draft is None:
        raise LibraryError(_("Start a new draft first: reviewers comment on a draft."))
    if not draft.sections.exists():
        raise LibraryError(_("Write the draft's sections first: reviewers comment by section."))
    if len(message) > 2000:
        raise LibraryError(_("Keep the message under 2,000 characters."))
    hubs = _check_hubs(resource, organizations)
    try:
        with transaction.atomic():
            review = ReviewRound.objects.create(
                resource=resource, version=draft, message=message, opened_by=actor
            )
    except IntegrityError as error:  # library_one_round
        raise LibraryError(_("A review round is already open on this resource.")) from error
    audit.record(ROUND_OPENED, actor=actor, target=resource, data={"version": draft.number})
    _invite(actor, review, hubs)
    return review


@transaction.atomic
def round_invite(
    *, actor: User, review: ReviewRound, organizations: Iterable[Organization]
) -> list[ReviewInvitation]:
    if not review.is_open:
        raise LibraryError(_("This review round is closed."))
    return _invite(actor, review, _check_hubs(review.resource, organizations))


@transaction.atomic
def round_close(*, actor: User, review: ReviewRound) -> ReviewRound:
    if review.is_open:
        review.closed_at = timezone.now()
        review.save(update_fields=["closed_at"])
        audit.record(ROUND_CLOSED, actor=actor, target=review.resource, data={"round": review.pk})
    return review


@transaction.atomic
def comment_add(
    *, actor: User, review: ReviewRound, section: Section, body: str, organization: Organization
) -> ReviewComment:
    """A reviewer's comment on one section of the draft under review, for the hub they were
    invited through (the caller checked the invitation: `access_resource(...).can_review`)."""
    review = ReviewRound.objects.select_for_update().get(pk=review.pk)
    if not review.is_open:
        raise LibraryError(_("This review round is closed."))
    if section.version_id != review.version_id:
        raise LibraryError(_("Comment on a section of the draft under review."))
    if not review.invitations.filter(organization=organization).exists():
        raise LibraryError(_("Your hub is not invited to this review."))
    body = body.strip()
    if not body:
        raise LibraryError(_("Write your comment."))
    comment = ReviewComment(
        round=review, section=section, author=actor, organization=organization, body=body
    )
    comment.full_clean()
    comment.save()
    audit.record(COMMENTED, actor=actor, target=review.resource, data={"section": section.position})
    return comment
