"""Group and peer mentoring in the browser (issue 19), in English and in French, axe-core on every
page visited: staff form a group from the suggestions, members receive invitations in their
language, attendance is taken, a mentee answers the feedback, and a peer mentor is invited from an
alumni outcome. One lean test: the demo network is loaded once."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.browser.conftest import assert_accessible, sign_in, visit

pytestmark = pytest.mark.browser


def submit(page, label: str, button: str | None = None) -> None:
    if button:
        page.get_by_role("button", name=button, exact=True).click()
    else:
        page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert_accessible(page, label)


def test_a_group_from_suggestions_to_feedback_and_a_peer_mentor_from_an_alumnus(
    page, live_server, demo_network, settings
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    from tandem.accounts.models import User
    from tandem.circles.models import Circle, PeerMentor
    from tandem.core.tests.cast import make_participant
    from tandem.matching.tests.factories import enrol
    from tandem.outcomes.models import EmploymentOutcome
    from tandem.participants.models import Participant
    from tandem.programs.models import Program

    staff = User.objects.get(email="staff@tandem.demo")
    lead = staff.memberships.first().organization
    pool = Program.objects.filter(organization=lead, kind="open_access").first()
    waiting = make_participant(lead, given_name="Wafa", family_name="Haddad", languages="en;ar")
    enrol(pool, waiting, days_waiting=60)
    # The demo's group program (tandem/demo/circles.py), where staff now form a second group.
    groups = Program.objects.get(organization=lead, slug="group-mentoring")
    mentee = Participant.objects.get(user__email="mentee@tandem.demo")
    base = live_server.url

    # Staff, in English: the program's groups, a new group, members from the suggestions.
    sign_in(page, base, "staff@tandem.demo")
    visit(page, f"{base}/en/programs/{groups.pk}/", "group program")
    page.get_by_role("link", name="Groups and peer mentors").click()
    assert_accessible(page, "groups of the program")
    page.get_by_role("link", name="Create a group").click()
    assert_accessible(page, "new group form")
    page.get_by_label("Name (English)").fill("Software and IT")
    page.get_by_label("Name (French)").fill("Logiciel et TI")
    page.get_by_label("Occupation group (NOC 2021 code)").fill("9")  # no such NOC group
    page.get_by_label(re.compile(r"^Place:")).fill("Room 3, 100 Rideau St")
    submit(page, "new group form with an error")
    assert "No NOC 2021 group has this code." in page.locator("main").inner_text()
    page.get_by_label("Occupation group (NOC 2021 code)").fill(waiting.occupation_id[:2])
    page.get_by_label(re.compile(r"^Language")).select_option("en")
    submit(page, "group page")
    circle = Circle.objects.filter(name_en="Software and IT").first()
    assert circle is not None, page.locator("main").inner_text()
    page.get_by_label(re.compile("Wafa Haddad")).check()
    submit(page, "group page after adding from suggestions", "Add the mentees chosen")
    assert "1 person added" in page.locator(".messages").inner_text()
    page.get_by_label(re.compile("Find a person")).fill(mentee.family_name)
    submit(page, "search for a person", "Search")
    page.get_by_label(re.compile(mentee.full_name)).check()
    submit(page, "group page after adding by hand", "Add")

    # A session: every member is invited in their language, with a calendar file.
    mail.outbox.clear()
    page.get_by_role("link", name="Schedule a session").click()
    assert_accessible(page, "new session form")
    # Not at the hour of the demo's groups (18:00 and 12:00), which the mentee belongs to.
    starts = (timezone.localtime() + timedelta(days=2)).replace(hour=10, minute=0)
    page.get_by_label("Date and time").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Topic (English)").fill("Résumés for the Canadian market")
    page.get_by_label("Topic (French)").fill("Le CV pour le marché canadien")
    submit(page, "group page after a session")
    invitations = {m.to[0]: m for m in mail.outbox if m.attachments}
    assert invitations[waiting.email].subject.startswith("Invitation: Software and IT: session 1")
    assert invitations[mentee.email].subject.startswith("Invitation\u00a0: Logiciel et TI")
    assert "SUMMARY:Logiciel et TI\u00a0: séance 1" in invitations[mentee.email].attachments[0][1]

    # The session took place: attendance.
    session = circle.sessions.get()
    event = session.event
    # Two hours ago: after she joined, so the home page asks her for feedback.
    back = event.starts_at - (timezone.now() - timedelta(hours=2))
    event.starts_at, event.ends_at = event.starts_at - back, event.ends_at - back
    event.save(update_fields=["starts_at", "ends_at"])
    page.get_by_role("link", name="Session 1").click()
    assert_accessible(page, "session attendance")
    page.get_by_label(re.compile(mentee.full_name)).check()
    submit(page, "group page after attendance")
    assert "Attendance was saved." in page.locator(".messages").inner_text()

    # The mentee, in French: the home page asks for feedback; the group page shows names only
    # with consent.
    page.context.clear_cookies()
    sign_in(page, base, "mentee@tandem.demo", language="fr")
    visit(page, f"{base}/fr/", "mentee home")
    # She also has a session of the demo's group to answer for: this one is the new group's.
    page.locator(f"main a[href='/fr/groups/sessions/{session.pk}/feedback/']").click()
    assert_accessible(page, "feedback form")
    page.get_by_label("Très utile").check()
    page.get_by_label("Quels thèmes aimeriez-vous aborder la prochaine fois?").fill("Les entrevues")
    submit(page, "group page for a member")
    text = page.locator("main").inner_text()
    assert "Un membre qui garde son nom privé" in text and "Wafa" not in text

    # Peer mentoring, staff in French: an alumnus employed in their field is invited.
    peers = Program.objects.get(organization=lead, slug="peer-mentoring")  # the demo's
    alumnus = make_participant(
        lead, given_name="Olu", family_name="Adeyemi", preferred_language="fr"
    )
    EmploymentOutcome.objects.create(
        participant=alumnus, source="staff", status="employed_in_field", recorded_at=timezone.now()
    )
    page.context.clear_cookies()
    sign_in(page, base, "staff@tandem.demo", language="fr")
    visit(page, f"{base}/fr/groups/program/{peers.pk}/peers/", "peer mentors in French")
    page.get_by_label(re.compile("Olu Adeyemi")).check()
    mail.outbox.clear()
    submit(page, "peer mentors after the invitation")
    assert PeerMentor.objects.filter(participant=alumnus, program=peers).exists()
    assert mail.outbox[0].to == [alumnus.email]
    assert "expérience" in mail.outbox[0].subject
    page.get_by_role("link", name="Olu Adeyemi").click()
    assert_accessible(page, "peer mentor page in French")
