"""A proposal a person can judge: what the other person does, their experience, how they can
help in their own words, and what happens after answering; the mentor's list names the person."""

from django.utils import timezone

from tandem.core.tests.cast import make_user
from tandem.matching.models import ProfileSharing, ProposalStatus
from tandem.matching.tests.factories import person, program_for, proposal


def test_the_mentee_sees_what_the_mentor_does_and_how_he_can_help_by_default(home, client, no_mfa):
    program = program_for(home)
    mentor_user = make_user("daniel@example.org")
    mentor = person(
        home,
        "mentor",
        given_name="Daniel",
        family_name="Wong",
        user=mentor_user,
        goals="I review résumés and run mock interviews for developers.",
        years_experience=14,
    )
    published = proposal(
        program,
        home.mentee,
        mentor,
        status=ProposalStatus.PUBLISHED,
        published_at=timezone.now(),
        expires_at=timezone.now() + timezone.timedelta(days=10),
    )
    client.force_login(home.mentee_user)
    html = client.get(f"/en/matching/proposals/{published.pk}/").content.decode()
    assert "How they can help" in html
    assert "I review résumés and run mock interviews for developers." in html
    assert "Years of experience" in html and ">14<" in html
    assert "What happens after you answer" in html
    assert "Wong" not in html  # the family name is never shared
    # The mentor's own list of proposals names the person proposed to him.
    client.force_login(mentor_user)
    html = client.get("/en/matching/").content.decode()
    assert f">{home.mentee.given_name}<" in html
    # A person who chose to share less is shown by what they shared.
    ProfileSharing.objects.create(participant=home.mentee, fields=["occupation"])
    html = client.get("/en/matching/").content.decode()
    assert home.mentee.occupation.title in html
