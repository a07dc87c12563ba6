"""Referrals: who sees a referral, who decides it, who may send it again.

A referral names two parties, the referring side (the caseworker and their organization, or the
organization that holds the client's record) and the program's staff; the policy decides from
that relationship. It also grants the referring caseworker and the program's staff the record of
a client with an *active* referral (submitted or accepted), through their active memberships.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from tandem.accounts.models import User
from tandem.core.access import Action, accepts, one_or_404
from tandem.organizations.access import (
    active_memberships,
    client_record_roles,
    organizations_of,
    referrer_roles,
)
from tandem.participants.access import grants_participants, participants_visible_to
from tandem.participants.models import Participant
from tandem.programs.access import can_manage_program, programs_managed_by
from tandem.referrals.models import ACTIVE_STATUSES, Referral


def _referred_by(user: User) -> Q:
    """Referrals this person made, while they still refer for the organization they made them
    for (a leaver keeps none)."""
    return Q(
        referred_by=user, referring_organization__in=organizations_of(user, roles=referrer_roles())
    )


@grants_participants
def actively_referred(user: User) -> Q:
    """Clients with a submitted or accepted referral this person made or must decide."""
    referrals = Referral.objects.filter(status__in=ACTIVE_STATUSES).filter(
        _referred_by(user) | Q(program__in=programs_managed_by(user))
    )
    return Q(pk__in=referrals.values("participant_id"))


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    """Referrals of clients this person's organization holds or made, and referrals to the
    programs this person runs (whatever their status, so that decisions stay on record)."""
    if user.is_platform_admin:
        return Referral.objects.all()
    # The person's organizations and programs (a handful of ids, two small queries) are read
    # first, so that the referrals' own filter is lists of ids, cheapest test first. PostgreSQL
    # then plans it in 1 ms instead of 15 (nested subqueries), and for program staff never
    # builds the set of their organization's clients (15,000 ids at the load test's 50k): the
    # program test already holds. Counting 35k visible referrals: 25 ms instead of 130 at a load
    # of 10 (benchmarks/lists.py). The clients' organization stays a subquery on participants,
    # not a join, so the list walks referrals newest first and stops at a page.
    memberships = list(active_memberships(user).values_list("organization_id", "role"))
    holders = {org for org, role in memberships if role in client_record_roles()}
    referrers = {org for org, role in memberships if role in referrer_roles()}
    programs = list(programs_managed_by(user).values_list("pk", flat=True))
    held = Participant.objects.filter(organization_id__in=holders).values("pk")
    return Referral.objects.filter(
        Q(program_id__in=programs)
        | Q(referring_organization_id__in=holders)
        | Q(referred_by=user, referring_organization_id__in=referrers)
        | Q(participant_id__in=held)
    )


def _referring_side(user: User) -> QuerySet[Referral]:
    if user.is_platform_admin:
        return Referral.objects.all()
    holders = organizations_of(user, roles=referrer_roles())
    return Referral.objects.filter(
        _referred_by(user)
        | Q(referring_organization__in=holders)
        | Q(participant__organization__in=holders)
    )


@dataclass(frozen=True)
class ReferralAccess:
    referral: Referral
    can_decide: bool  # the program's staff (whatever the referral's status)
    is_referring_side: bool  # may withdraw it or send it again
    can_open_record: bool  # may open the client's full record


@accepts(Action.VIEW, Action.DECIDE, Action.RESUBMIT)
def access_referral(
    user: User, referral_id: int, *, action: Action = Action.VIEW
) -> ReferralAccess:
    """`decide`: the program's staff; `resubmit`: the referring side; `view`: both."""
    if action is Action.DECIDE:
        referrals = Referral.objects.filter(program__in=programs_managed_by(user))
    elif action is Action.RESUBMIT:
        referrals = _referring_side(user)
    else:
        referrals = referrals_visible_to(user)
    found = one_or_404(
        referrals.select_related(
            "participant", "participant__organization", "program", "program__organization"
        ),
        referral_id,
    )
    return ReferralAccess(
        referral=found,
        can_decide=can_manage_program(user, found.program),
        is_referring_side=_referring_side(user).filter(pk=found.pk).exists(),
        can_open_record=participants_visible_to(user).filter(pk=found.participant_id).exists(),
    )
