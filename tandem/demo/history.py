"""The Career Mentoring Program's past, so that lists, homes and reports have a history to show:
a cohort of earlier mentees referred month after month by the agencies since the first day of
the last fiscal year that has ended (April 1), each accepted, matched some weeks later,
introduced, meeting every other week; those whose term is over are closed (most at the end of
the term, a few early), answer the exit survey, and the follow-ups already due were sent and
mostly answered. The most recent matches are still under way. Dates come from the demo clock
(clock.py): weekdays, office hours.

The closed fiscal year is therefore complete, from its first month to its last, and is what a
funder reads once it is published (reports/snapshots.py); the year under way fills up to about
two months ago (the referrals of the last weeks are programs.py's).

Everything a person would see is written through the services (referral decisions, closures,
exit surveys, outcomes); only the moments are moved back afterwards, since the services stamp
"now". The cohort's size is what the funder report needs for figures to be published rather
than suppressed (TANDEM_SMALL_CELL_THRESHOLD, 5 by default)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import F
from django.utils import timezone

from tandem.demo.clock import demo_at
from tandem.reports.selectors import fiscal_year

# A referral every SPACING_DAYS from April 1 of each year, at most PER_YEAR a year; none in the
# last RECENT_DAYS (the current referrals, the pool and the drafts are the other demo modules').
SPACING_DAYS = 17
PER_YEAR = 20
RECENT_DAYS = 61
# Weeks each mentee waited for a match, in turn (capped so that nobody is matched in the future).
WAITS = [5, 7, 4, 6, 8, 5, 3, 6, 9, 4, 5, 7, 4, 6]
# How the mentorships whose term is over ended, in turn; "early:<reason>" ends after a few weeks.
ENDINGS = [
    "end_of_term",
    "end_of_term",
    "mutual_agreement",
    "early:mentee_employed",
    "end_of_term",
    "end_of_term",
    "mutual_agreement",
    "end_of_term",
    "early:relocation",
    "end_of_term",
    "end_of_term",
    "mutual_agreement",
    "end_of_term",
    "early:mentee_unavailable",
]
# What each closed mentee answered on leaving (and at the follow-ups), in turn.
EMPLOYMENT = [
    ("employed_in_field", "employed_in_field"),
    ("searching", "employed_related"),
    ("employed_related", "employed_related"),
    ("searching", "searching"),
    ("employed_in_field", "employed_in_field"),
    ("school", "employed_in_field"),
    ("other_job", "employed_related"),
]
TERM_WEEKS = 13


@dataclass(frozen=True)
class Past:
    """One earlier mentee: referred `days_ago`, matched after `wait_weeks`, how it ended
    ("active": still under way)."""

    days_ago: int
    wait_weeks: int
    ending: str


def cohort(today: date) -> list[Past]:
    """The earlier mentees, oldest first: from April 1 of the last closed fiscal year to
    RECENT_DAYS ago (31 of them on December 6, 2026; between 18 and 38 whatever the day)."""
    current = fiscal_year(today).starts_on
    found: list[Past] = []
    for year_start in (current.replace(year=current.year - 1), current):
        for k in range(PER_YEAR):
            days_ago = (today - (year_start + timedelta(days=5 + SPACING_DAYS * k))).days
            if days_ago < RECENT_DAYS:
                break
            index = len(found)
            wait = min(WAITS[index % len(WAITS)], (days_ago - 30) // 7)
            ending = ENDINGS[index % len(ENDINGS)]
            started_ago = days_ago - 7 * wait - 10
            weeks = _weeks(index, ending)
            if started_ago - 7 * weeks < 7:  # its term (or early end) is not a week past
                ending = "active"
            found.append(Past(days_ago, wait, ending))
    return found


def _weeks(index: int, ending: str) -> int:
    """How many weeks a mentorship ran: the term, or a few weeks when it ended early."""
    return (3 + index % 4) if ending.startswith("early:") else TERM_WEEKS


def demo_load_history() -> None:
    from tandem.meetings.models import MeetingLog
    from tandem.mentorships.models import (
        Agreement,
        IntroductionMeeting,
        Mentorship,
        MentorshipStatus,
    )
    from tandem.organizations.models import Membership
    from tandem.outcomes import services as outcomes
    from tandem.outcomes.models import Closure, EmploymentOutcome, ExitSurvey, FollowUp
    from tandem.participants.models import Participant
    from tandem.programs.models import Enrolment, Program
    from tandem.referrals.models import Referral, ReferralDecision
    from tandem.referrals.services import referral_decide, referral_submit

    program = Program.objects.filter(slug="career-mentoring").first()
    if program is None:
        return
    staff = program.staff.first()
    # Each agency's caseworker refers its clients; an agency without one, through the lead.
    referrers = {
        m.organization_id: m.user
        for m in Membership.objects.filter(role="caseworker").select_related("user")
    }
    past = list(
        Participant.objects.filter(role="mentee", external_id__startswith="MTE-1").order_by(
            "external_id"
        )
    )
    mentors = list(
        Participant.objects.filter(role="mentor", external_id__gte="MTR-010").order_by(
            "external_id"
        )
    )
    if staff is None or not past or not mentors:
        return
    today = timezone.localdate()
    now = timezone.now()
    past_cohort = cohort(today)
    # The mentors were recruited for the cohort, in the week its first mentee was referred (the
    # closed fiscal year's report counts them), and stay ready for new mentees.
    joined = demo_at(-past_cohort[0].days_ago, 10)
    Enrolment.objects.bulk_create(
        Enrolment(
            program=program, participant=m, side="mentor", accepted_at=joined, ready_at=joined
        )
        for m in mentors
    )
    for index, (mentee, story) in enumerate(zip(past, past_cohort, strict=False)):
        days_ago, wait_weeks, ending = story.days_ago, story.wait_weeks, story.ending
        mentor = mentors[index % len(mentors)]
        referred_at = demo_at(-days_ago, 9 + index % 7, 15 * (index % 4))
        decided_at = demo_at(-days_ago + 6, 10 + index % 5)
        confirmed_at = demo_at(-days_ago + 7 * wait_weeks, 11 + index % 5)
        started_on = (confirmed_at + timedelta(days=10)).date()
        # Eligible, as the caseworker checked before referring.
        mentee.immigration_status = "permanent_resident"
        mentee.is_internationally_educated = mentee.completed_job_search_workshop = True
        mentee.province, mentee.clb_level = "ON", max(mentee.clb_level or 0, 6)
        mentee.save(
            update_fields=[
                "immigration_status",
                "is_internationally_educated",
                "completed_job_search_workshop",
                "province",
                "clb_level",
            ]
        )
        referral = referral_submit(
            actor=referrers.get(mentee.organization_id, staff),
            participant=mentee,
            program=program,
            note=(
                "Prête ou prêt à rencontrer une personne d’expérience de son domaine."
                if mentee.preferred_language == "fr"
                else "Ready to meet a professional of the field."
            ),
            answers={},
            has_consent=True,
        )
        referral_decide(
            actor=staff, referral=referral, outcome="accepted", unmet_criteria=[], note=""
        )
        Referral.objects.filter(pk=referral.pk).update(
            submitted_at=referred_at, created_at=referred_at
        )
        ReferralDecision.objects.filter(referral=referral).update(decided_at=decided_at)
        Enrolment.objects.filter(program=program, participant=mentee).update(accepted_at=decided_at)

        is_active = ending == "active"
        weeks = _weeks(index, ending)
        mentorship = Mentorship.objects.create(
            program=program,
            mentor=mentor,
            mentee=mentee,
            status=MentorshipStatus.ACTIVE,
            mentor_slot=1,  # one mentee at a time each: the cohort's matches never overlap
            mentor_capacity=max(mentor.capacity, 1),
            confirmed_by=staff,
            started_on=started_on,
            expected_end_on=started_on + timedelta(weeks=TERM_WEEKS),
        )
        Mentorship.objects.filter(pk=mentorship.pk).update(confirmed_at=confirmed_at)
        introduction_at = demo_at((started_on - today).days - 3, 12 + index % 4)
        IntroductionMeeting.objects.create(
            mentorship=mentorship,
            starts_at=introduction_at,
            mode="virtual" if index % 3 else "in_person",
            place="" if index % 3 else "Capital Welcome Centre",
            link="https://meet.example.org/tandem-intro" if index % 3 else "",
            scheduled_by=staff,
            held_at=introduction_at + timedelta(minutes=45),
        )
        Agreement.objects.create(
            mentorship=mentorship,
            starts_on=started_on,
            expected_end_on=started_on + timedelta(weeks=TERM_WEEKS),
            hours_target=13,
            minutes_per_week=60,
            goals=mentee.goals,
            confidentiality=(
                "Ce dont nous parlons reste entre nous et l’équipe du programme."
                if mentee.preferred_language == "fr"
                else "What we talk about stays between us and the program staff."
            ),
            created_by=staff,
        )
        last_day = min(started_on + timedelta(weeks=weeks), today - timedelta(days=1))
        MeetingLog.objects.bulk_create(
            MeetingLog(
                mentorship=mentorship,
                met_on=started_on + timedelta(weeks=week, days=1 + index % 3),
                minutes=60 + 30 * (week % 3 == 0),
                mode="in_person" if week % 4 == 0 else "virtual",
                topics=(
                    "Plan de recherche d’emploi, candidatures, pratique d’entrevue."
                    if mentee.preferred_language == "fr"
                    else "Job-search plan, applications, interview practice."
                ),
                logged_by=mentor.user or staff,
            )
            for week in range(0, weeks, 2)
            if started_on + timedelta(weeks=week, days=1 + index % 3) <= last_day
        )
        if is_active:
            continue
        kind, _sep, reason = ending.partition(":")
        outcomes.mentorship_close(
            actor=staff,
            mentorship=mentorship,
            kind=kind,
            ended_on=last_day,
            early_reason=reason,
        )
        closed_at = demo_at((last_day - today).days + 2, 15)
        Closure.objects.filter(mentorship=mentorship).update(closed_at=closed_at)
        at_exit, later = EMPLOYMENT[index % len(EMPLOYMENT)]
        if reason == "mentee_employed":
            at_exit = later = "employed_in_field"
        outcomes.exit_survey_submit(
            actor=staff,
            mentorship=mentorship,
            participant=mentee,
            employment={"status": at_exit, "interviews_granted": 1 + index % 4},
            satisfaction=4 + index % 2,
            objectives_met="yes" if kind != "early" else "partly",
            would_recommend=index % 5 != 3,
            what_helped="",
            what_to_improve="",
        )
        ExitSurvey.objects.filter(mentorship=mentorship).update(submitted_at=closed_at)
        EmploymentOutcome.objects.filter(mentorship=mentorship).update(recorded_at=closed_at)
        # Follow-ups already due: sent on their day, most answered within a week.
        for follow_up in FollowUp.objects.filter(mentorship=mentorship, due_at__lte=now):
            FollowUp.objects.filter(pk=follow_up.pk).update(
                sent_at=F("due_at"), expires_at=F("due_at") + timedelta(days=30)
            )
            if (index + follow_up.months) % 4 == 0:
                continue  # no answer: the link expired
            answered_at = follow_up.due_at + timedelta(days=2 + index % 5)
            outcomes.outcome_record(
                actor=staff,
                participant=mentee,
                source="follow_up",
                status=later,
                interviews_granted=2 + index % 3,
                employed_on=(answered_at - timedelta(days=20)).date()
                if later.startswith("employed")
                else None,
                mentorship=mentorship,
                follow_up=follow_up,
                now=answered_at,
            )
            FollowUp.objects.filter(pk=follow_up.pk).update(answered_at=answered_at)
