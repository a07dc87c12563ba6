"""The reasons for a proposal read right to each person: the mentor is not told about "the mentor"."""

import pytest
from django_tasks_db.models import DBTaskResult

from tandem.core.tests.cast import make_user
from tandem.matching.engine.i18n import gettext_for
from tandem.matching.services.publishing import proposals_publish
from tandem.matching.tests.factories import enrol, person, proposal
from tandem.programs.tests.factories import make_program

pytestmark = pytest.mark.django_db


def test_the_mentor_is_told_he_speaks_french_and_the_mentee_that_the_mentor_does(
    home, django_capture_on_commit_callbacks, client, no_mfa
):
    program = make_program(home.organization, home.staff)
    program.staff.add(home.staff)
    mentee = person(home, "mentee", preferred_language="fr")
    mentor_user = make_user("mentor.fr@example.org", language="fr")
    mentor = person(
        home, "mentor", preferred_language="fr", user=mentor_user, email=mentor_user.email
    )
    enrol(program, mentee)
    enrol(program, mentor)
    about_mentor = gettext_for("fr")("The mentor speaks French")
    assert about_mentor == "Le mentor parle français"
    draft = proposal(
        program,
        mentee,
        mentor,
        is_accepted=True,
        sentences={"en": ["The mentor speaks French"], "fr": [about_mentor]},
        # Each criterion's sentence, as the engine stores it: the pair reads only those about
        # what the other person shared (languages are shared by default).
        contributions=[
            {
                "criterion": "language",
                "value": 1.0,
                "weight": 0.1,
                "contribution": 0.1,
                "sentences": {"en": "The mentor speaks French", "fr": about_mentor},
            }
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        proposals_publish(actor=home.staff, program=program)
    # The mail waits in the real queue; what the worker will send is its payload.
    queued = DBTaskResult.objects.filter(task_path__endswith="deliver_mail")
    by_address = {r.args_kwargs["args"][0]["to"][0]: r.args_kwargs["args"][0] for r in queued}
    to_mentor, to_mentee = by_address[mentor.email], by_address[mentee.email]
    assert "Vous parlez français, la langue que cette personne préfère" in to_mentor["body"]
    assert about_mentor not in to_mentor["body"]
    assert about_mentor in to_mentee["body"]
    client.force_login(mentor_user)
    page = client.get(f"/fr/matching/proposals/{draft.pk}/").content.decode()
    assert "Vous parlez français, la langue que cette personne préfère" in page
    assert about_mentor not in page
