"""A seeded network for report tests: a lead agency running a program, two referring agencies, an
employer that recruits mentors, a funder, and every kind of record the reports count.

Built through the other apps' services where they exist (programs, referrals, events) and their
models otherwise. `scale` multiplies every group, so that a test can show that the number of
queries of a page does not grow with the data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from tandem.accounts.models import User
from tandem.core.tests.cast import make_member, make_organization, make_participant, occupation
from tandem.events.models import Participation
from tandem.events.tests.factories import make_event
from tandem.matching.engine.model import CRITERIA
from tandem.matching.models import Proposal, ProposalStatus
from tandem.mentorships.models import IntroductionMeeting, Mentorship, MentorshipStatus
from tandem.organizations.models import Organization, OrganizationType, Partnership, Role
from tandem.participants.models import Participant
from tandem.programs.models import Criterion, CriterionKind, Enrolment, Program, Side
from tandem.programs.services import criteria_publish
from tandem.programs.tests.factories import make_program, qualified_mentee_fields
from tandem.referrals.models import Referral, ReferralSource
from tandem.referrals.services import referral_decide, referral_submit, referral_withdraw

# Two unit groups in two major groups (21: natural and applied sciences; 11: business).
SOFTWARE, ACCOUNTING = "21231", "11100"


@dataclass
class Network:
    lead: Organization
    agencies: list[Organization]
    employer: Organization
    funder_organization: Organization
    staff: User
    admin: User
    funder: User
    employer_partner: User
    program: Program
    mentees: list[Participant] = field(default_factory=list)
    mentors: list[Participant] = field(default_factory=list)
    mentorships: list[Mentorship] = field(default_factory=list)


_counter = {"n": 0}


def _slug(prefix: str) -> str:
    _counter["n"] += 1
    return f"{prefix}-{_counter['n']}"


def make_network() -> Network:
    lead = make_organization(_slug("lead"), OrganizationType.LEAD_AGENCY)
    agencies = [make_organization(_slug("agency")) for _ in range(2)]
    employer = make_organization(_slug("employer"), OrganizationType.EMPLOYER)
    funder_organization = make_organization(_slug("fund"), OrganizationType.FUNDER)
    for agency in agencies:
        Partnership.objects.create(organization=lead, partner=agency, kind="service_delivery")
    Partnership.objects.create(organization=lead, partner=employer, kind="employer")
    Partnership.objects.create(organization=lead, partner=funder_organization, kind="funding")
    staff = make_member(lead, Role.PROGRAM_STAFF, f"staff.{lead.slug}@example.org")
    admin = make_member(lead, Role.ORG_ADMIN, f"admin.{lead.slug}@example.org")
    funder = make_member(
        funder_organization, Role.FUNDER, f"funder.{funder_organization.slug}@example.org"
    )
    employer_partner = make_member(
        employer, Role.EMPLOYER_PARTNER, f"partner.{employer.slug}@example.org"
    )
    program = make_program(lead, staff, slug=_slug("cmp"))
    criteria_publish(
        actor=staff,
        program=program,
        side=Side.MENTEE,
        criteria=[
            {"kind": CriterionKind.CLB_AT_LEAST, "number": 5},
            {"kind": CriterionKind.JOB_SEARCH_WORKSHOP},
        ],
    )
    return Network(
        lead,
        agencies,
        employer,
        funder_organization,
        staff,
        admin,
        funder,
        employer_partner,
        program,
    )


def _at(days_ago: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days_ago)


def _contributions(strong: set[str]) -> list[dict[str, Any]]:
    return [
        {
            "criterion": c,
            "value": 0.9 if c in strong else 0.1,
            "weight": 0.1,
            "contribution": 0.09 if c in strong else 0.01,
        }
        for c in CRITERIA
    ]


def seed_program(network: Network, *, scale: int = 1) -> Network:
    """Records in every state, dated within the last 60 days (inside any default period)."""
    staff, program = network.staff, network.program
    clb, workshop = Criterion.objects.filter(
        version__program=program, version__side=Side.MENTEE
    ).order_by("-version__number", "position")[:2]
    caseworkers = [
        make_member(a, Role.CASEWORKER, f"cw.{a.slug}@example.org") for a in network.agencies
    ]

    def mentee(agency: Organization, code: str) -> Participant:
        person = make_participant(
            agency, occupation=occupation(code), external_id=_slug("m"), **qualified_mentee_fields()
        )
        network.mentees.append(person)
        return person

    def refer(agency_index: int, code: str) -> Referral:
        agency = network.agencies[agency_index]
        return referral_submit(
            actor=caseworkers[agency_index],
            participant=mentee(agency, code),
            program=program,
            note="Ready",
            answers={},
            has_consent=True,
        )

    accepted: list[Referral] = []
    for _ in range(scale):
        # Agency 0: six accepted (software), two returned (one for CLB, one for CLB and workshop)
        for _i in range(6):
            referral = refer(0, SOFTWARE)
            referral_decide(
                actor=staff, referral=referral, outcome="accepted", unmet_criteria=[], note=""
            )
            accepted.append(referral)
        referral_decide(
            actor=staff,
            referral=refer(0, SOFTWARE),
            outcome="returned",
            unmet_criteria=[clb],
            note="",
        )
        referral_decide(
            actor=staff,
            referral=refer(0, ACCOUNTING),
            outcome="returned",
            unmet_criteria=[clb, workshop],
            note="",
        )
        # Agency 1: three accepted (accounting), one returned with a note only, one waiting, one
        # withdrawn.
        for _i in range(3):
            referral = refer(1, ACCOUNTING)
            referral_decide(
                actor=staff, referral=referral, outcome="accepted", unmet_criteria=[], note=""
            )
            accepted.append(referral)
        referral_decide(
            actor=staff,
            referral=refer(1, ACCOUNTING),
            outcome="returned",
            unmet_criteria=[],
            note="Moved",
        )
        refer(1, SOFTWARE)
        referral_withdraw(actor=caseworkers[1], referral=refer(1, SOFTWARE))
        # One self-referral, accepted.
        person = mentee(network.lead, SOFTWARE)
        self_referral = Referral.objects.create(
            participant=person,
            program=program,
            source=ReferralSource.SELF,
            status="accepted",
            has_consent=True,
        )
        Enrolment.objects.create(program=program, participant=person, side=Side.MENTEE)
        accepted.append(self_referral)

        # Mentors: three recruited by the employer, two directly; software and accounting.
        mentors = []
        for index in range(5):
            recruited = network.employer if index < 3 else None
            mentor = make_participant(
                network.lead,
                role="mentor",
                occupation=occupation(SOFTWARE if index % 2 == 0 else ACCOUNTING),
                external_id=_slug("t"),
                recruited_by=recruited,
                capacity=2,
            )
            Enrolment.objects.create(
                program=program, participant=mentor, side=Side.MENTOR, ready_at=_at(40)
            )
            mentors.append(mentor)
        network.mentors += mentors

        # Mentorships for the first eight accepted mentees; the rest wait (ready).
        enrolments = {
            e.participant_id: e for e in Enrolment.objects.filter(program=program, side=Side.MENTEE)
        }
        plan = [
            # status, mentor index, referral-to-match days, intro held after days, strong criteria
            (MentorshipStatus.COMPLETED, 0, 10, 5, {"occupation", "goals"}),
            (MentorshipStatus.COMPLETED, 0, 20, 10, {"occupation"}),
            (MentorshipStatus.COMPLETED, 2, 40, None, {"occupation", "language"}),
            (MentorshipStatus.ENDED_EARLY, 2, 70, 20, {"language"}),
            (MentorshipStatus.ACTIVE, 1, 100, 3, {"occupation"}),
            (MentorshipStatus.ACTIVE, 3, 5, 40, set()),
            (MentorshipStatus.INTRODUCTION, 4, 12, None, {"goals"}),
            (MentorshipStatus.CANCELLED, 4, 15, None, set()),
        ]
        for referral, (status, mentor_index, wait, intro, strong) in zip(
            accepted[-10:], plan, strict=False
        ):
            referral.submitted_at = _at(50 + wait)
            referral.save(update_fields=["submitted_at"])
            mentor = mentors[mentor_index]
            proposal = Proposal.objects.create(
                program=program,
                mentee=referral.participant,
                mentor=mentor,
                status=ProposalStatus.CONFIRMED,
                score=0.3 + 0.1 * len(strong) + 0.05 * (status == MentorshipStatus.COMPLETED),
                contributions=_contributions(strong),
            )
            is_active = status in (MentorshipStatus.ACTIVE, MentorshipStatus.INTRODUCTION)
            mentorship = Mentorship.objects.create(
                program=program,
                mentor=mentor,
                mentee=referral.participant,
                status=status,
                proposal=proposal,
                mentor_slot=(
                    Mentorship.objects.filter(
                        mentor=mentor, status__in=["introduction", "active"]
                    ).count()
                    + 1
                )
                if is_active
                else None,
                mentor_capacity=mentor.capacity,
                started_on=(_at(45)).date(),
                ended_on=_at(5).date()
                if status in (MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY)
                else None,
            )
            Mentorship.objects.filter(pk=mentorship.pk).update(confirmed_at=_at(50))
            if intro is not None:
                IntroductionMeeting.objects.create(
                    mentorship=mentorship,
                    starts_at=_at(50 - intro),
                    held_at=_at(50 - intro),
                    mode="virtual",
                )
            enrolments[referral.participant_id].ready_at = _at(55)
            enrolments[referral.participant_id].save(update_fields=["ready_at"])
            network.mentorships.append(mentorship)
        # The accepted mentees without a mentorship are ready and waiting.
        Enrolment.objects.filter(program=program, side=Side.MENTEE, ready_at__isnull=True).update(
            ready_at=_at(30)
        )

        # Events: a networking evening three mentees and one mentor came to, a panel with one.
        evening = make_event(
            program, staff, starts_at=_at(20), ends_at=_at(20) + dt.timedelta(hours=2)
        )
        panel = make_event(
            program, staff, kind="panel", starts_at=_at(10), ends_at=_at(10) + dt.timedelta(hours=2)
        )
        people = network.mentees[-10:]
        for person in people[:3]:
            Participation.objects.create(event=evening, participant=person, attended=True)
        Participation.objects.create(event=evening, participant=people[3], attended=False)
        Participation.objects.create(event=evening, participant=mentors[0], attended=True)
        Participation.objects.create(event=panel, participant=people[0], attended=True)
        seed_outcomes(network, network.mentorships[-8:])
    return network


def seed_outcomes(network: Network, mentorships: list[Mentorship]) -> None:
    """Exit and follow-up outcomes, exit surveys and check-ins for the four ended mentorships
    (three completed, one ended early) of one round of `seed_program`."""
    from tandem.meetings.models import CheckIn
    from tandem.outcomes.models import EmploymentOutcome, ExitSurvey, FollowUp

    ended = [m for m in mentorships if m.status in ("completed", "ended_early")]
    first, second, third, early = ended

    def outcome(mentorship, status, *, days_ago, employed_after=None, months=None):
        follow_up = None
        if months:
            follow_up = FollowUp.objects.create(
                mentorship=mentorship,
                participant=mentorship.mentee,
                months=months,
                due_at=_at(days_ago),
                answered_at=_at(days_ago),
            )
        EmploymentOutcome.objects.create(
            participant=mentorship.mentee,
            mentorship=mentorship,
            source="follow_up" if months else "exit",
            follow_up=follow_up,
            status=status,
            employed_on=mentorship.started_on + dt.timedelta(days=employed_after)
            if employed_after is not None
            else None,
            recorded_at=_at(days_ago),
        )

    outcome(first, "employed_in_field", days_ago=5, employed_after=20)
    outcome(first, "employed_in_field", days_ago=1, employed_after=20, months=3)
    outcome(second, "searching", days_ago=5)
    # A later entry outside a follow-up replaces the first as the outcome at exit.
    outcome(second, "employed_related", days_ago=4, employed_after=30)
    outcome(second, "employed_related", days_ago=1, employed_after=30, months=3)
    outcome(third, "school", days_ago=5)
    outcome(early, "other_job", days_ago=5, employed_after=50)
    for mentorship, score in ((first, 5), (second, 4), (third, 3), (early, 2)):
        ExitSurvey.objects.create(
            mentorship=mentorship,
            participant=mentorship.mentee,
            satisfaction=score,
            objectives_met="yes",
            would_recommend=score >= 4,
        )
    ExitSurvey.objects.create(
        mentorship=first,
        participant=first.mentor,
        satisfaction=5,
        objectives_met="yes",
        would_recommend=True,
    )
    for score in (4, 4, 5):
        CheckIn.objects.create(
            mentorship=first,
            participant=first.mentee,
            held_on=_at(20).date(),
            how_it_is_going="Well",
            satisfaction=score,
        )


def outsider_report_run(side) -> Any:
    """A report file asked for by the outsider's staff (URL-access test)."""
    from tandem.programs.tests.factories import outsider_records
    from tandem.reports.models import ReportRun

    cached = getattr(side, "_report_run", None)
    if cached is not None:
        return cached
    program = outsider_records(side)["program"]
    today = timezone.localdate()
    run = ReportRun.objects.create(
        kind="program",
        format="xlsx",
        program=program,
        starts_on=today,
        ends_on=today,
        language="en",
        requested_by=side.staff,
    )
    side._report_run = run
    return run


def publish_this_fiscal_year(network: Network, monkeypatch) -> int:
    """Moves the clock past the end of this fiscal year (every record seeded above is in it)
    and publishes it to the network's funders; returns the year's first year."""
    from tandem.reports.selectors import fiscal_year
    from tandem.reports.snapshots import funder_publish

    year = fiscal_year(timezone.localdate())
    later = timezone.make_aware(dt.datetime.combine(year.ends_on, dt.time(12)))
    later += dt.timedelta(days=10)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert funder_publish(actor=network.admin, organization=network.lead, year=year.starts_on.year)
    return year.starts_on.year
