"""A legal hold placed at the very moment the retention sweep reaches a row about that person, on
PostgreSQL: the hold wins, because both take the person's row lock (`retention._lock_people`).

The privacy officer's hold is written and not yet committed when the sweep reaches the closed
pair's mentorship (its period long over): the sweep waits for the officer's transaction, then
reads the hold and leaves the pair's notes. The negative control runs the same two real services
with `select_for_update` made a no-op: the sweep reads no hold (it is not committed yet),
empties the notes, and the hold commits over a record already anonymised.
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


def _hold_while_the_sweep_runs(pair, officer) -> list:
    """The officer's transaction places the hold and stays open two seconds; the sweep of the
    mentorship kind starts as soon as the hold is written (ten years on: every period is over)."""
    written = threading.Event()

    def officer_places_a_hold() -> str:
        with transaction.atomic():
            hold_place(actor=officer, participant=pair.mentee, reason="Complaint under review")
            written.set()
            time.sleep(2)
        return "placed"

    def sweep() -> tuple[int, int]:
        assert written.wait(20)
        later = timezone.now() + timedelta(days=3650)
        return _kind_sweep(
            retention.kind("mentorship"),
            pair.program.organization_id,
            retention.months_before(later, 84),
        )

    return races.race(lambda index: sweep() if index else officer_places_a_hold(), 2)


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
