"""Every long sweep honours a stopping worker (core/sweeps.py): asked to stop after its first
item, the sweep as registered returns with the rest undone, and the next run finishes the rest
without doing or mailing anything twice.

The stop is requested as the worker's SIGTERM handler does (`sweeps.request_stop`), right after
the first item of the sweep's loop: a loop that does not go through `sweeps.each` runs on to the
end and fails the first assertion. Mail is counted as the worker would find it, the queued
(READY) `deliver_mail` tasks (the queue is this database: core/mail.py writes them in the item's
transaction). The whole sweep run by the real worker is tested with the follow-ups
(outcomes/tests/test_sweep_shutdown.py)."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tandem.community.models import Membership as CommunityMembership
from tandem.community.services import threads
from tandem.community.tests.factories import make_world
from tandem.connectors.models import ConnectorReminder
from tandem.connectors.tests.factories import (
    connector_program,
    held_meeting,
    make_connector,
    make_newcomer,
)
from tandem.core import sweeps
from tandem.core.tasks import deliver_mail
from tandem.core.tests.cast import make_member, make_organization, make_participant
from tandem.meetings.models import Reminder
from tandem.organizations.models import OrganizationType, Partnership, PartnershipKind
from tandem.outcomes.tests.factories import make_mentorship
from tandem.outcomes.tests.fixtures import lifecycle  # noqa: F401
from tandem.privacy.models import Anonymisation, RetentionKind, RetentionPeriod
from tandem.reports import snapshots
from tandem.reports.models import ReportKind, ReportSnapshot


@dataclass
class Case:
    sweep: str  # its name in the registry
    items: int  # how many are due
    done: Callable[[], int]  # how many are done, read from what the sweep records
    mails: int  # how many mails the items ask for in all


def queued_mail() -> list[str]:
    """Recipient and subject of every mail queued so far."""
    return sorted(
        f"{row.args_kwargs['args'][0]['to'][0]} {row.args_kwargs['args'][0]['subject']}"
        for row in DBTaskResult.objects.filter(task_path=deliver_mail.module_path, status="READY")
    )


@pytest.fixture
def pairs_due_a_reminder(lifecycle):  # noqa: F811
    """Three pairs three weeks in with no meeting logged: both people of each are reminded."""
    for _ in range(2):
        make_mentorship(lifecycle.program, mentee=make_participant(lifecycle.lead))
    return Case(
        "reminders",
        items=3,
        done=Reminder.objects.values("mentorship").distinct().count,
        mails=6,
    )


@pytest.fixture
def members_due_a_digest(db):
    """Two members of a community, each due a daily digest (nothing to tell: the mark moves)
    and a weekly one (the other's post)."""
    world = make_world("stops")
    memberships = {m.user_id: m for m in world.community.memberships.all()}
    CommunityMembership.objects.update(joined_at=timezone.now() - timedelta(days=30))
    for user in (world.moderator, world.member):
        threads.thread_start(
            actor=user,
            membership=memberships[user.pk],
            space=world.open_space,
            title=f"A question from {user.email}",
            body="Ideas welcome",
        )
    marked = CommunityMembership.objects.filter

    return Case(
        "community_digests",
        items=4,
        done=lambda: (
            marked(daily_digest_at__isnull=False).count()
            + marked(weekly_digest_at__isnull=False).count()
        ),
        mails=2,
    )


@pytest.fixture
def records_past_retention(db):
    """Three records of an organization that keeps them a year, untouched for two."""
    organization = make_organization("retains")
    RetentionPeriod.objects.create(organization=organization, kind=RetentionKind.RECORD, months=12)
    people = [make_participant(organization) for _ in range(3)]
    type(people[0]).objects.filter(pk__in=[p.pk for p in people]).update(
        updated_at=timezone.now() - timedelta(days=730)
    )
    return Case("privacy_retention", items=3, done=Anonymisation.objects.count, mails=0)


@pytest.fixture
def networks_due_their_funder_years(db, monkeypatch):
    """Two networks with a funder, last fiscal year not published yet (one year, not ten: each
    is counted in both languages, and one is enough to see where the sweep stopped)."""
    monkeypatch.setattr(snapshots, "YEARS_BACK", 1)
    funder = make_organization("stops-funder", OrganizationType.FUNDER)
    for slug in ("stops-east", "stops-west"):
        Partnership.objects.create(
            organization=make_organization(slug, OrganizationType.LEAD_AGENCY),
            partner=funder,
            kind=PartnershipKind.FUNDING,
        )
    published = ReportSnapshot.objects.filter(kind=ReportKind.FUNDER)
    return Case(
        "reports",
        items=2,
        done=published.values("scope_key").distinct().count,
        mails=0,
    )


@pytest.fixture
def connectors_due_a_reminder(db):
    """Three connectors, each with a meeting held ten days ago and nobody named since: each is
    reminded once to name their contacts."""
    program = connector_program(make_organization("stops-connect"))
    for n in range(3):
        newcomer = make_participant(program.organization)
        make_newcomer(program, newcomer)
        held_meeting(
            program,
            newcomer,
            make_connector(program, email=f"connector{n}@stops.example.org"),
            starts_at=timezone.now() - timedelta(days=10),
            held_on=timezone.localdate() - timedelta(days=10),
        )
    return Case("connector_reminders", items=3, done=ConnectorReminder.objects.count, mails=3)


@pytest.fixture
def tasks_finished_long_ago(db, monkeypatch):
    """Three mails sent (their rows recorded as the worker records them) eight days ago: read
    and deleted one batch at a time."""
    from tandem.core import taskrows

    monkeypatch.setattr(taskrows, "BATCH", 1)
    for n in range(3):
        result = deliver_mail.enqueue({"to": [f"p{n}@stops.example.org"], "subject": "s"})
        row = DBTaskResult.objects.get(pk=result.id)
        row.claim("a-worker")
        row.set_successful(1)
    sent = DBTaskResult.objects.filter(status="SUCCESSFUL")
    sent.update(finished_at=timezone.now() - timedelta(days=8))
    return Case("task_rows", items=3, done=lambda: 3 - sent.count(), mails=0)


@pytest.fixture
def case(request, db) -> Case:
    return request.getfixturevalue(request.param)


@pytest.fixture
def stop_after_the_first_item(monkeypatch):
    """`sweeps.each` as the sweeps call it, with the worker asked to stop once the first item
    is done (as SIGTERM arriving during it). Turned off for the next run."""
    asking = {"on": True}
    each = sweeps.each

    def each_then_stop[T](items: Iterable[T]) -> Iterator[T]:
        for item in each(items):
            yield item
            if asking["on"]:
                sweeps.request_stop()

    monkeypatch.setattr(sweeps, "each", each_then_stop)
    yield asking
    sweeps.stop_cleared()


@pytest.mark.parametrize(
    "case",
    [
        "pairs_due_a_reminder",
        "members_due_a_digest",
        "records_past_retention",
        "networks_due_their_funder_years",
        "connectors_due_a_reminder",
        "tasks_finished_long_ago",
    ],
    indirect=True,
)
def test_a_sweep_asked_to_stop_leaves_early_and_the_next_run_does_the_rest_once(
    case, stop_after_the_first_item
):
    (sweep,) = [s for s in sweeps.registered() if s.name == case.sweep]
    now = timezone.now()
    sweep.run(now=now)
    assert case.done() == 1  # it left after the first item: the others wait
    first_mail = queued_mail()

    stop_after_the_first_item["on"] = False
    sweeps.stop_cleared()  # the next worker
    sweep.run(now=now + timedelta(minutes=5))
    assert case.done() == case.items
    mail = queued_mail()
    assert len(mail) == len(set(mail))  # nothing mailed twice
    assert set(first_mail) <= set(mail) and len(mail) == case.mails
    sweep.run(now=now + timedelta(minutes=10))
    assert queued_mail() == mail and case.done() == case.items  # and then nothing more


def test_a_partner_s_invitations_asked_to_stop_leave_the_rest_queued_and_mail_each_once(
    db, mailoutbox, stop_after_the_first_item
):
    """Not a sweep, but a loop of up to 100 mails through SMTP in one task (employers/services
    `invitations_send`): asked to stop after the first, it leaves, and the rest wait in a task
    of their own that the next worker runs, mailing nobody twice."""
    from tandem.employers import services as employers
    from tandem.employers.models import PartnerInvitation
    from tandem.employers.tasks import partner_invitations_send
    from tandem.employers.tests.factories import make_partner
    from tandem.organizations.models import Role
    from tandem.programs.tests.factories import make_program

    home = make_organization("stops-lead")
    staff = make_member(home, Role.PROGRAM_STAFF)
    partner = make_partner(type("Side", (), {"organization": home}), "stops-employer")
    employers.mentors_invite(
        actor=make_member(partner, Role.EMPLOYER_PARTNER),
        partner=partner,
        program=make_program(home, staff, slug="stops-cmp"),
        text="ana@example.org\nluc@example.org, fr\nbo@example.org",
        language="en",
    )
    ids = list(PartnerInvitation.objects.order_by("pk").values_list("pk", flat=True))
    queued = DBTaskResult.objects.filter(task_path=partner_invitations_send.module_path)
    queued.delete()  # the request's own task: this test runs its function as the worker would

    assert partner_invitations_send.call(ids) == 1  # it left after the first mail
    assert [m.to for m in mailoutbox] == [["ana@example.org"]]
    (rest,) = queued
    assert rest.args_kwargs["args"][0] == ids[1:]

    stop_after_the_first_item["on"] = False
    sweeps.stop_cleared()  # the next worker
    assert partner_invitations_send.call(*rest.args_kwargs["args"]) == 2
    assert sorted(m.to[0] for m in mailoutbox) == [
        "ana@example.org",
        "bo@example.org",
        "luc@example.org",
    ]
    assert partner_invitations_send.call(ids) == 0  # and then nothing more
    assert len(mailoutbox) == 3 and queued.count() == 1
