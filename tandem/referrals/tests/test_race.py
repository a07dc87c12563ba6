"""Two program staff deciding the same referral at once, on PostgreSQL.

The decision locks the referral row, so the second decision waits, then finds the referral
already decided. The negative control takes the lock away (a plain read) and both decisions
land: the lock is what makes the difference.
"""

import time

import pytest

from tandem.core.tests import races
from tandem.core.tests.cast import make_member
from tandem.organizations.models import Role
from tandem.programs import eligibility
from tandem.programs.tests.factories import make_program
from tandem.referrals import services
from tandem.referrals.models import Referral, ReferralDecision

pytestmark = races.MARKS


@pytest.fixture
def slow_evaluation(monkeypatch):
    """Widens the window between reading the referral and writing the decision."""
    evaluate = eligibility.evaluate

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return evaluate(*args, **kwargs)

    monkeypatch.setattr(eligibility, "evaluate", slow)


def _race(home, outcomes):
    program = make_program(home.organization, home.staff)
    referral = Referral.objects.create(participant=home.mentee, program=program)
    staff = [
        make_member(home.organization, Role.PROGRAM_STAFF, email=f"judge{i}@example.org")
        for i in range(len(outcomes))
    ]

    def decide(index):
        return services.referral_decide(
            actor=staff[index],
            referral=referral,
            outcome=outcomes[index],
            unmet_criteria=[],
            note="Reason",
        )

    return referral, races.race(decide, len(outcomes))


def test_two_staff_deciding_at_once_record_one_decision(home, slow_evaluation):
    referral, results = _race(home, ["accepted", "returned"])
    assert sum(isinstance(r, services.ReferralError) for r in results) == 1
    assert ReferralDecision.objects.filter(referral=referral).count() == 1


def test_negative_control_without_the_row_lock_both_decisions_land(
    home, slow_evaluation, monkeypatch
):
    races.without_row_locks(monkeypatch)
    referral, results = _race(home, ["accepted", "returned"])
    assert not any(isinstance(r, Exception) for r in results), results
    assert ReferralDecision.objects.filter(referral=referral).count() == 2
