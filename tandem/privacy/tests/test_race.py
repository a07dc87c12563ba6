"""A legal hold placed at the very moment the retention sweep reaches a row about that person, on
PostgreSQL: the hold wins, because both take the person's row lock (`retention._lock_people`).

The privacy officer's hold is written and not yet committed when the sweep reaches the closed
pair's mentorship (its period long over): the sweep waits for the officer's transaction, then
reads the hold and leaves the pair's notes. The negative control runs the same two real services
with `select_for_update` made a no-op: the sweep reads no hold (it is not committed yet),
empties the notes, and the hold commits over a record already anonymised.

Lock order across several people: the sweep locks a row's people and a merge locks both records,
each in id order (`participants.locks`). With a hold open on the mentee, the sweep of the pair
waits for her row; staff then merge the pair's two records, and wait for it too, holding
nothing. The negative control runs the same real services with the merge locking in the model's
name order (as it did): the merge takes the mentor's row and waits for the mentee's, the sweep
takes hers and waits for his, and PostgreSQL kills one of them as a deadlock.

Finished task rows (core.taskrows): the sweep of a week-old mail to the mentee starts while the
officer's hold on her is written and not committed; the sweep locks the people its batch names
(privacy's `held_addresses`), waits, reads the hold and keeps the mail. The negative control,
without the row locks, reads no hold and deletes it.
"""

import threading
import time
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from tandem.core import retention
from tandem.core.tests import races
from tandem.core.tests.cast import make_member, make_organization, make_participant
from tandem.meetings.models import MeetingLog
from tandem.organizations.models import Role
from tandem.outcomes.services import mentorship_close
from tandem.outcomes.tests.factories import make_mentorship
from tandem.participants import duplicates
from tandem.participants.duplicates import MergeError, participants_merge
from tandem.participants.models import Participant
from tandem.privacy.models import LegalHold, Retired
from tandem.privacy.retention import _kind_sweep, hold_place
from tandem.programs.tests.factories import make_program

pytestmark = races.MARKS

NOTES = "Talked about her complaint"


def _closed_pair():
    lead = make_organization("lead", kind="lead_agency")
    staff = make_member(lead, Role.PROGRAM_STAFF, "staff@lead.org")
    officer = make_member(lead, Role.ORG_ADMIN, "admin@lead.org")
    program = make_program(lead, staff, slug="cmp")
    pair = make_mentorship(program, mentee=make_participant(lead))
    MeetingLog.objects.create(
        mentorship=pair, met_on=timezone.localdate(), minutes=60, mode="virtual", topics=NOTES
    )
    mentorship_close(
        actor=staff, mentorship=pair, kind="end_of_term", ended_on=timezone.localdate()
    )
    return pair, officer


class _Contenders:
    """The officer's transaction places the hold on the mentee and stays open `seconds`; the
    sweep of the mentorship kind starts as soon as the hold is written (ten years on: every
    period is over)."""

    def __init__(self, pair, officer, seconds: float) -> None:
        self.pair, self.officer, self.seconds = pair, officer, seconds
        self.written = threading.Event()

    def officer_places_a_hold(self) -> str:
        with transaction.atomic():
            hold_place(
                actor=self.officer, participant=self.pair.mentee, reason="Complaint under review"
            )
            self.written.set()
            time.sleep(self.seconds)
        return "placed"

    def sweep(self) -> tuple[int, int]:
        assert self.written.wait(20)
        later = timezone.now() + timedelta(days=3650)
        return _kind_sweep(
            retention.kind("mentorship"),
            self.pair.program.organization_id,
            retention.months_before(later, 84),
        )


def _hold_while_the_sweep_runs(pair, officer) -> list:
    two = _Contenders(pair, officer, seconds=2)
    return races.race(lambda index: two.sweep() if index else two.officer_places_a_hold(), 2)


def test_a_hold_placed_as_the_sweep_reaches_the_pair_keeps_its_notes():
    pair, officer = _closed_pair()
    placed, swept = _hold_while_the_sweep_runs(pair, officer)
    assert placed == "placed" and swept == (0, 0), swept
    assert LegalHold.objects.filter(participant=pair.mentee, released_at__isnull=True).exists()
    assert MeetingLog.objects.get(mentorship=pair).topics == NOTES
    assert not Retired.objects.filter(kind="mentorship", object_id=pair.pk).exists()


def test_negative_control_without_the_row_locks_the_sweep_anonymises_a_held_pair(monkeypatch):
    races.without_row_locks(monkeypatch)
    pair, officer = _closed_pair()
    placed, swept = _hold_while_the_sweep_runs(pair, officer)
    assert placed == "placed" and swept == (1, 0), swept
    # The hold is in force, and what it should have kept is gone.
    assert LegalHold.objects.filter(participant=pair.mentee, released_at__isnull=True).exists()
    assert MeetingLog.objects.get(mentorship=pair).topics == ""
    assert Retired.objects.filter(kind="mentorship", object_id=pair.pk).exists()


def _merge_while_the_sweep_waits(pair, officer) -> list:
    """The officer's hold on the mentee stays open three seconds; the sweep of the pair's
    mentorship starts at once (and waits for her row), staff's merge of the pair's two records a
    second later. The mentor's name sorts first and his id comes second: name order and id order
    differ."""
    Participant.objects.filter(pk=pair.mentee_id).update(family_name="Zimmer")
    Participant.objects.filter(pk=pair.mentor_id).update(family_name="Abbott")
    assert pair.mentee_id < pair.mentor_id
    three = _Contenders(pair, officer, seconds=3)

    def merge() -> str:
        assert three.written.wait(20)
        time.sleep(1)  # the sweep is waiting for the mentee's row by now
        try:
            participants_merge(actor=officer, kept=pair.mentee, merged=pair.mentor)
        except MergeError as error:
            return str(error)  # refused for its roles, once it held both rows
        return "merged"

    work = (three.officer_places_a_hold, three.sweep, merge)
    return races.race(lambda index: work[index](), 3)


def test_a_merge_and_the_sweep_lock_the_same_two_people_in_one_order():
    pair, officer = _closed_pair()
    placed, swept, merged = _merge_while_the_sweep_waits(pair, officer)
    assert placed == "placed" and swept == (0, 0), swept
    assert "a mentor's record are not merged" in merged, merged
    assert MeetingLog.objects.get(mentorship=pair).topics == NOTES  # the hold kept them


def test_negative_control_a_merge_locking_in_name_order_deadlocks_with_the_sweep(monkeypatch):
    def by_name(ids):  # what the merge did: the model's default ordering, family name first
        return {p.pk: p for p in Participant.objects.select_for_update().filter(pk__in=ids)}

    monkeypatch.setattr(duplicates, "people_lock", by_name)
    pair, officer = _closed_pair()
    placed, swept, merged = _merge_while_the_sweep_waits(pair, officer)
    assert placed == "placed"
    assert any("deadlock detected" in str(result) for result in (swept, merged)), (swept, merged)


# --- Finished task rows (core.taskrows) and a hold placed as the sweep reaches them -----------


def _mail_sent_to_a_mentee():
    """A mentee's mail, sent eight days ago (past the week successful rows are kept)."""
    from django_tasks_db.models import DBTaskResult

    from tandem.core.tasks import deliver_mail

    lead = make_organization("lead", kind="lead_agency")
    officer = make_member(lead, Role.ORG_ADMIN, "admin@lead.org")
    mentee = make_participant(lead, email="amina@example.org")
    result = deliver_mail.enqueue(
        {"to": [mentee.email], "from_email": "t@lead.org", "subject": "s", "body": "Your notes"}
    )
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim("a-worker")
    row.set_successful(deliver_mail.call(*row.args_kwargs["args"]))
    DBTaskResult.objects.filter(pk=row.pk).update(finished_at=timezone.now() - timedelta(days=8))
    return mentee, officer, row


def _hold_while_the_task_rows_go(mentee, officer) -> list:
    from tandem.core import taskrows

    written = threading.Event()

    def officer_places_a_hold() -> str:
        with transaction.atomic():
            hold_place(actor=officer, participant=mentee, reason="Complaint under review")
            written.set()
            time.sleep(2)
        return "placed"

    def sweep() -> dict[str, int]:
        assert written.wait(20)
        return taskrows.finished_tasks_purge(now=timezone.now())

    return races.race(lambda index: sweep() if index else officer_places_a_hold(), 2)


def test_a_hold_placed_as_the_task_rows_sweep_reaches_her_mail_keeps_it():
    from django_tasks_db.models import DBTaskResult

    mentee, officer, row = _mail_sent_to_a_mentee()
    placed, swept = _hold_while_the_task_rows_go(mentee, officer)
    assert placed == "placed" and swept == {"successful": 0, "failed": 0, "held": 1}, swept
    assert DBTaskResult.objects.filter(pk=row.pk).exists()


def test_negative_control_without_the_row_locks_the_task_rows_sweep_deletes_held_mail(
    monkeypatch,
):
    from django_tasks_db.models import DBTaskResult

    races.without_row_locks(monkeypatch)
    mentee, officer, row = _mail_sent_to_a_mentee()
    placed, swept = _hold_while_the_task_rows_go(mentee, officer)
    assert placed == "placed" and swept == {"successful": 1, "failed": 0, "held": 0}, swept
    assert LegalHold.objects.filter(participant=mentee, released_at__isnull=True).exists()
    assert not DBTaskResult.objects.filter(pk=row.pk).exists()
