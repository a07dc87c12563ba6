"""The demo tells a story a person can follow: a history since the last closed fiscal year began,
everyone with a name of their own, and enough people that the funder's report of that year, once
published, shows figures instead of "x"."""

from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from tandem.demo.network import LOGINS, MENTEE_NAMES, MENTOR_NAMES


def test_no_given_name_and_no_family_name_is_used_twice():
    given = [g for g, _f in MENTEE_NAMES + MENTOR_NAMES] + [login.first_name for login in LOGINS]
    family = [f for _g, f in MENTEE_NAMES + MENTOR_NAMES] + [login.last_name for login in LOGINS]
    assert [n for n, c in Counter(given).items() if c > 1] == []
    assert [n for n, c in Counter(family).items() if c > 1] == []


def test_the_demo_spreads_its_history_from_the_start_of_the_last_closed_fiscal_year(demo_network):
    from tandem.meetings.models import MeetingLog
    from tandem.mentorships.models import Mentorship, MentorshipStatus
    from tandem.outcomes.models import EmploymentOutcome, FollowUp
    from tandem.participants.models import Participant
    from tandem.referrals.models import Referral
    from tandem.reports.selectors import fiscal_year

    now = timezone.now()
    current = fiscal_year(timezone.localdate())
    closed = fiscal_year(current.starts_on - timedelta(days=1))
    referrals = list(Referral.objects.values_list("submitted_at", flat=True))
    first = timezone.localtime(min(referrals)).date()
    assert closed.starts_on <= first <= closed.starts_on + timedelta(days=14)
    months = {(d.year, d.month) for d in referrals}
    span = (now.year - first.year) * 12 + now.month - first.month + 1
    assert len(months) >= span - 2  # a month without referrals here and there at most
    # Every month of the closed fiscal year had referrals: its report is complete.
    in_closed = [d for d in referrals if closed.start <= d < closed.end]
    assert len({(d.year, d.month) for d in in_closed}) >= 11
    matches = list(Mentorship.objects.values_list("confirmed_at", flat=True))
    assert len({(d.year, d.month) for d in matches}) >= span - 6
    assert all(closed.start <= d <= now for d in matches)
    statuses = Counter(Mentorship.objects.values_list("status", flat=True))
    assert statuses[MentorshipStatus.COMPLETED] >= 10
    assert statuses[MentorshipStatus.ENDED_EARLY] >= 2
    assert statuses[MentorshipStatus.ACTIVE] >= 3
    # Meetings logged on the days the mentorships ran, none in the future.
    assert MeetingLog.objects.filter(met_on__gt=timezone.localdate()).count() == 0
    assert MeetingLog.objects.count() >= 100
    # Follow-ups already due were sent, most answered with an outcome; none waits overdue.
    due = FollowUp.objects.filter(due_at__lte=now)
    assert due.count() >= 10 and not due.filter(sent_at__isnull=True).exists()
    assert due.filter(answered_at__isnull=False).count() > due.count() / 2
    assert EmploymentOutcome.objects.filter(source="follow_up").count() >= 5
    # Everyone's name is their own.
    names = list(Participant.objects.values_list("given_name", "family_name"))
    assert len(names) == len(set(names)) >= 60


def test_the_funders_published_report_of_the_closed_fiscal_year_shows_figures(demo_network):
    """The report a funder reads: the last closed fiscal year, published (reports/snapshots.py),
    small cells suppressed."""
    from tandem.organizations.models import Organization
    from tandem.reports.snapshots import (
        closed_fiscal_years,
        funder_figures,
        funder_headline,
        published_years,
    )

    network = Organization.objects.get(slug="capital-welcome")
    year = closed_fiscal_years()[0]
    assert published_years(network) == [year]  # the demo published it
    figures = funder_figures(network, year, language="en")
    assert figures is not None
    cells = [
        cell
        for table in figures.tables
        for row in table.rows
        for cell in row.cells
        if cell.kind == "count"
    ]
    threshold = settings.TANDEM_SMALL_CELL_THRESHOLD
    shown = [c for c in cells if not c.hidden and (c.value or 0) >= threshold]
    assert len(shown) >= 20, f"{len(shown)} figures shown, {sum(c.hidden for c in cells)} hidden"
    # The funder's home reads the same year: its headline figures are numbers, not "x".
    published = funder_headline(network, language="en")
    assert published is not None and published.year == year
    shown_headlines = {
        h.label for h in published.headlines if not h.cell.hidden and h.cell.value is not None
    }
    assert {"Referrals received", "Matches made", "Mentors accepted"} <= shown_headlines


def test_a_visitor_finds_a_running_group_and_a_peer_mentor_who_met_a_job_seeker(demo_network):
    """Group and peer mentoring (tandem/demo/circles.py): a group formed from the suggestions
    that has met for three weeks, with attendance and feedback, sessions to come, a group run by
    a partner's coordinator, and a briefed peer mentor who held a conversation."""
    from tandem.accounts.models import User
    from tandem.circles import selectors
    from tandem.circles.models import Circle, PeerConversation, SessionFeedback
    from tandem.events.models import Participation

    group = Circle.objects.get(name_en="Software and data careers")
    sessions = list(group.sessions.select_related("event"))
    now = timezone.now()
    held = [s for s in sessions if s.event.starts_at < now]
    assert len(held) == 3 and len(sessions) == 6
    assert group.members.filter(role="mentee").count() == 8  # filled by construction
    for session in held:
        guests = Participation.objects.filter(event=session.event, cancelled_at__isnull=True)
        assert guests.count() >= 9 and not guests.filter(attended=None).exists()
        assert guests.filter(attended=True).count() >= guests.count() - 2
        assert SessionFeedback.objects.filter(session=session).exists()
    # Amina and Daniel, the demo's mentee and mentor, see it on their home page.
    amina = selectors.own_circles(user=User.objects.get(email="mentee@tandem.demo"))
    assert [c.circle for c in amina] == [group]
    assert amina[0].next is not None and len(amina[0].feedback_due) == 1
    assert selectors.own_circles(user=User.objects.get(email="mentor@tandem.demo"))
    partner_run = Circle.objects.get(run_by__slug="onite")
    leader = User.objects.get(email="leader@tandem.demo")
    assert list(selectors.circles_run_by(user=leader)) == [partner_run]
    assert partner_run.members.filter(role="mentee").exists() and partner_run.sessions.count() == 2
    held_talk = PeerConversation.objects.get(status="held")
    assert held_talk.held == 2 and held_talk.peer.is_ready
