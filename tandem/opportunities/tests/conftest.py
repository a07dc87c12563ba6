import pytest

from tandem.core.tests.cast import make_member, make_participant, make_user
from tandem.opportunities.tests.factories import make_employer, make_opportunity, postal_area
from tandem.organizations.models import Role


@pytest.fixture
def board(home, elsewhere):
    """An employer with one of its people and an open virtual opportunity; `home`'s caseworker
    is the job developer of `home`'s mentee, who has an account."""
    postal_area()
    employer = make_employer("acme")
    people = make_member(employer, Role.EMPLOYER_PARTNER, email="hr@acme.example.org")
    opportunity = make_opportunity(employer)
    return {"employer": employer, "employer_person": people, "opportunity": opportunity}


@pytest.fixture
def other_seeker(elsewhere):
    user = make_user("seeker.other@example.org")
    return make_participant(elsewhere.organization, user=user)


@pytest.fixture
def immediate_tasks(settings):
    """Mail is rendered and sent at commit, so a test reads it from the outbox."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
