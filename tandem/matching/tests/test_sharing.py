"""The pair reads "why this match" only from what the other person shared; staff read it all;
the mentor does not read the mentee's family name on the mentoring pages."""

import pytest
from django.urls import reverse

from tandem.core.tests.cast import make_user
from tandem.matching.models import Proposal, ProposalStatus
from tandem.matching.services.drafts import proposal_create_manual
from tandem.matching.services.profile_sharing import sharing_update
from tandem.matching.services.publishing import proposals_publish
from tandem.matching.tests.factories import enrol, person, program_for
from tandem.mentorships.models import Mentorship

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(home):
    """A published proposal for two people in the same occupation, same area, same slots, and
    a mentor with years of experience; neither shares anything but the defaults until a test
    says so."""
    program = program_for(home)
    mentee = person(home, "mentee", given_name="Amina", family_name="Hiddenfamily")
    mentor = person(home, "mentor", given_name="Daniel", family_name="Secretname")
    mentee.user = make_user(f"amina{mentee.pk}@example.org")
    mentor.user = make_user(f"daniel{mentor.pk}@example.org")
    mentee.save()
    mentor.save()
    enrol(program, mentee)
    enrol(program, mentor)
    proposal_create_manual(actor=home.staff, program=program, mentee=mentee, mentor=mentor)
    proposals_publish(actor=home.staff, program=program)
    proposal = Proposal.objects.get(program=program, status=ProposalStatus.PUBLISHED)
    return proposal, mentee, mentor


def reasons_on_page(client, user, proposal) -> str:
    client.force_login(user)
    response = client.get(reverse("matching:proposal", args=[proposal.pk]))
    assert response.status_code == 200
    return " ".join(response.context["sentences"] + response.context["rule_sentences"])


def staff_reasons(proposal) -> str:
    return " ".join(proposal.sentences["en"])


def test_with_nothing_shared_the_other_reads_no_reason_about_them_and_staff_read_all(
    home, pair, client, no_mfa
):
    proposal, mentee, mentor = pair
    everything = staff_reasons(proposal)
    assert "Same occupation" in everything and "years of experience" in everything
    for person_ in (mentee, mentor):
        sharing_update(actor=person_.user, participant=person_, fields=[])
    # The mentor reads nothing about the mentee's occupation, area, languages, slots.
    text = reasons_on_page(client, mentor.user, proposal)
    for leak in ("occupation", "NOC", "km", "postal area", "Shares", "prefer", "speaks", "goals"):
        assert leak not in text, leak
    # The mentee reads nothing about the mentor, not even the experience sentence.
    text = reasons_on_page(client, mentee.user, proposal)
    assert "experience" not in text and "occupation" not in text
    # Staff keep the full reasons on the same page.
    client.force_login(home.staff)
    page = client.get(reverse("matching:proposal", args=[proposal.pk]))
    assert " ".join(page.context["sentences"]) == everything


def test_what_the_other_shares_is_given_as_a_reason(pair, client, no_mfa):
    proposal, mentee, mentor = pair
    sharing_update(actor=mentee.user, participant=mentee, fields=["given_name", "occupation"])
    sharing_update(actor=mentor.user, participant=mentor, fields=["experience"])
    assert "Same occupation" in reasons_on_page(client, mentor.user, proposal)
    text = reasons_on_page(client, mentee.user, proposal)
    assert "years of experience" in text and "Same occupation" not in text


def test_the_proposal_mail_carries_only_the_shared_reasons(
    home, django_capture_on_commit_callbacks
):
    program = program_for(home)
    mentee = person(home, "mentee", given_name="Amina")
    mentor = person(home, "mentor", given_name="Daniel")
    sharing_update(actor=home.staff, participant=mentee, fields=[])
    enrol(program, mentee)
    enrol(program, mentor)
    proposal_create_manual(actor=home.staff, program=program, mentee=mentee, mentor=mentor)
    with django_capture_on_commit_callbacks(execute=True):
        proposals_publish(actor=home.staff, program=program)
    from django_tasks_db.models import DBTaskResult

    mails = [r.args_kwargs for r in DBTaskResult.objects.filter(task_path__endswith="deliver_mail")]
    to_mentor = next(m["args"][0] for m in mails if m["args"][0]["to"] == [mentor.email])
    assert "Same occupation" not in to_mentor["body"] and "km" not in to_mentor["body"]
    assert "Same occupation" in " ".join(Proposal.objects.get().sentences["en"])


def test_the_mentor_reads_the_mentees_given_name_only_on_the_mentoring_pages(
    home, pair, client, no_mfa
):
    proposal, mentee, mentor = pair
    mentorship = Mentorship.objects.create(
        program=proposal.program,
        mentor=mentor,
        mentee=mentee,
        proposal=proposal,
        status="active",
        mentor_slot=1,
        mentor_capacity=mentor.capacity,
    )
    client.force_login(mentor.user)
    for url in (
        reverse("meetings:detail", args=[mentorship.pk]),
        reverse("mentorships:detail", args=[mentorship.pk]),
    ):
        page = client.get(url).content.decode()
        assert "Amina" in page and "Hiddenfamily" not in page, url
    sharing_update(actor=mentee.user, participant=mentee, fields=[])
    page = client.get(reverse("meetings:detail", args=[mentorship.pk])).content.decode()
    assert "Amina" not in page and "your mentee" in page
    client.force_login(home.staff)
    page = client.get(reverse("meetings:detail", args=[mentorship.pk])).content.decode()
    assert "Hiddenfamily" in page
