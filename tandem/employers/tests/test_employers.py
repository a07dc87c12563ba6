"""Employer and association partners through their pages and services: invitations (valid,
malformed, repeated, over the limit), the recruited mentor's status, the shortage list with
suppression, workplace terms and activities, a hire by a partner, career tracks, the program
type defaults, an employer-hosted program's coordinator, and the report section."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from tandem.core.tests.cast import make_member, make_organization, make_participant, occupation
from tandem.employers import services
from tandem.employers.models import (
    ActivityStatus,
    PartnerHire,
    PartnerInvitation,
    TrackPlacement,
    WorkplaceActivity,
    WorkplaceTerms,
)
from tandem.employers.tests.factories import hosting, make_partner
from tandem.matching.tests.factories import enrol, outsider_records, person
from tandem.organizations.models import OrganizationType, Partnership, PartnershipKind, Role
from tandem.programs.models import CriterionKind, ProgramType
from tandem.programs.services import criteria_current, criteria_publish
from tandem.programs.tests.factories import make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(home):
    employer = make_partner(home, "northern")
    employer.employer_user = make_member(employer, Role.EMPLOYER_PARTNER)
    return employer


@pytest.fixture
def program(home):
    occupation("21231")
    return make_program(home.organization, home.staff, slug="cmp")


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


# --- Invitations -----------------------------------------------------------------------------


def test_a_pasted_list_invites_the_valid_addresses_each_in_its_language_and_lists_the_rest(
    client: Client, partner, program, immediate_tasks, django_capture_on_commit_callbacks
):
    client.force_login(partner.employer_user)
    pasted = "\n".join(
        [
            "ana@example.org",
            "Luc@Example.org, fr",
            "not an address",
            "ana@example.org",
            "bo@example.org, de",
            "",
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/employers/partner/{partner.slug}/invite/",
            {"program": program.pk, "language": "en", "addresses": pasted},
        )
    assert response.status_code == 200
    result = response.context["result"]
    assert result.invited == ["ana@example.org", "luc@example.org"]
    assert [r.line for r in result.refused] == [
        "not an address",
        "ana@example.org",
        "bo@example.org, de",
    ]
    # The refused lines are back in the box, to be corrected.
    assert response.context["form"].initial["addresses"].splitlines()[0] == "not an address"
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"ana@example.org", "luc@example.org"}
    assert "invites you to mentor" in by_address["ana@example.org"].subject
    french = by_address["luc@example.org"]
    assert "vous invite" in french.subject
    link = re.search(r"https?://\S+", str(french.body))
    assert link is not None, french.body
    assert f"/fr/referrals/mentor/cmp/?partner={partner.slug}" in link.group(0)
    assert PartnerInvitation.objects.filter(partner=partner).count() == 2


def test_a_second_paste_does_not_mail_the_same_people_within_a_week(
    partner, program, django_capture_on_commit_callbacks
):
    actor = partner.employer_user
    with django_capture_on_commit_callbacks(execute=True):
        services.mentors_invite(
            actor=actor, partner=partner, program=program, text="a@example.org", language="en"
        )
        again = services.mentors_invite(
            actor=actor,
            partner=partner,
            program=program,
            text="a@example.org\nb@example.org",
            language="en",
        )
    assert again.invited == ["b@example.org"]
    assert [s.line for s in again.skipped] == ["a@example.org"]


def test_more_than_500_addresses_are_refused_whole_and_the_form_keeps_them(
    client: Client, partner, program
):
    client.force_login(partner.employer_user)
    pasted = "\n".join(f"p{i}@example.org" for i in range(501))
    response = client.post(
        f"/en/employers/partner/{partner.slug}/invite/",
        {"program": program.pk, "language": "en", "addresses": pasted},
    )
    assert response.status_code == 400
    assert "at most 500" in response.content.decode()
    assert response.context["form"]["addresses"].value() == pasted
    assert not PartnerInvitation.objects.exists()


def test_500_addresses_with_some_malformed_invite_the_valid_ones(
    partner, program, django_capture_on_commit_callbacks
):
    lines = [f"p{i}@example.org" if i % 50 else f"p{i}@" for i in range(500)]
    with django_capture_on_commit_callbacks(execute=False) as queued:
        result = services.mentors_invite(
            actor=partner.employer_user,
            partner=partner,
            program=program,
            text="\n".join(lines),
            language="fr",
        )
    assert (len(result.invited), len(result.refused)) == (490, 10)
    assert len(queued) == 490  # one mail each, sent by the worker after the commit


def test_the_mentor_application_opens_with_the_inviting_partner_chosen(
    client: Client, partner, program
):
    response = client.get(f"/en/referrals/mentor/cmp/?partner={partner.slug}")
    assert response.context["form"].initial["recruited_by"] == partner.pk
    stranger = make_organization("stranger", OrganizationType.EMPLOYER)
    response = client.get(f"/en/referrals/mentor/cmp/?partner={stranger.slug}")
    assert "recruited_by" not in response.context["form"].initial


# --- The partner's pages ---------------------------------------------------------------------


def test_the_partner_sees_its_mentors_status_but_never_a_mentee(
    client: Client, home, partner, program
):
    records = outsider_records(home)  # home's pool: a mentorship under way
    mentorship = records["mentorship"]
    hosting(mentorship, partner)
    applied = person(home, "mentor", recruited_by=partner, given_name="Zoe")
    oriented = person(home, "mentor", recruited_by=partner, given_name="Yan")
    enrol(program, oriented)
    client.force_login(partner.employer_user)
    response = client.get(f"/en/employers/partner/{partner.slug}/")
    page = response.content.decode()
    statuses = {row.mentor.pk: row.status for row in response.context["rows"]}
    assert statuses == {
        mentorship.mentor.pk: "mentoring",
        applied.pk: "applied",
        oriented.pk: "oriented",
    }
    assert mentorship.mentee.family_name not in page
    # Not the mentee's record, nor the mentorship page.
    assert client.get(f"/en/participants/{mentorship.mentee.pk}/").status_code == 404
    assert client.get(f"/en/mentoring/{mentorship.pk}/").status_code == 404


def test_a_partner_s_pages_are_closed_to_another_partner_and_to_the_lead_s_staff(
    client: Client, home, partner, no_mfa
):
    other = make_partner(home, "other-employer")
    client.force_login(make_member(other, Role.EMPLOYER_PARTNER))
    assert client.get(f"/en/employers/partner/{partner.slug}/").status_code == 404
    client.force_login(home.staff)
    assert client.get(f"/en/employers/partner/{partner.slug}/invite/").status_code == 404


def test_the_shortage_list_counts_live_waits_and_hides_small_counts(
    client: Client, home, partner, program, settings
):
    from tandem.reference.models import Industry

    settings.TANDEM_SMALL_CELL_THRESHOLD = 5
    software = Industry.objects.create(
        code="541510", level=6, title_en="Computer design", title_fr="CI"
    )
    for _ in range(6):
        enrol(program, person(home, "mentee", noc="21231", industry=software), days_waiting=20)
    for _ in range(2):
        enrol(program, person(home, "mentee", noc="31301"), days_waiting=40)
    client.force_login(partner.employer_user)
    occupations, industries = client.get(f"/en/employers/partner/{partner.slug}/").context[
        "shortage"
    ]
    cells = {row.label.split()[0]: row.cells[0] for row in occupations.body}
    # The small count is hidden, and so is the other one: the total (8) would give it back.
    assert cells["31301"].hidden and cells["31301"].value is None
    assert cells["21231"].hidden
    assert [c.value for c in occupations.rows[-1].cells] == [8]
    assert [(row.label, row.cells[0].value) for row in industries.body] == [
        ("541510 Computer design", 6)
    ]


# --- Workplace terms and activities ----------------------------------------------------------


@pytest.fixture
def pair(home, partner):
    from tandem.core.tests.cast import make_user

    mentorship = outsider_records(home)["mentorship"]
    mentor, mentee = mentorship.mentor, mentorship.mentee
    mentor.recruited_by = partner
    mentor.user = make_user("mentor.pair@example.org")
    mentor.save(update_fields=["recruited_by", "user"])
    mentee.user = make_user("mentee.pair@example.org")
    mentee.save(update_fields=["user"])
    return mentorship


def test_a_job_shadowing_day_is_requested_agreed_and_recorded_and_shows_on_the_page(
    client: Client, pair, partner
):
    client.force_login(pair.mentee.user)
    day = timezone.localdate() + timedelta(days=10)
    asked = {"kind": "job_shadowing", "planned_on": day.isoformat(), "host_detail": "Dev team"}
    refused = client.post(f"/en/employers/mentorship/{pair.pk}/activity/", asked)
    assert refused.status_code == 400 and "can host" in refused.content.decode()
    client.force_login(pair.mentor.user)
    response = client.post(
        "/en/employers/me/",
        {"record": pair.mentor.pk, "in_work_hours": "on", "hosts_activities": "on"},
    )
    assert response.status_code == 302
    assert WorkplaceTerms.objects.get(participant=pair.mentor).mentors_in_work_hours
    client.force_login(pair.mentee.user)
    assert client.post(f"/en/employers/mentorship/{pair.pk}/activity/", asked).status_code == 302
    activity = WorkplaceActivity.objects.get()
    assert (activity.status, activity.host) == (ActivityStatus.REQUESTED, partner)
    # The one who asked does not agree to their own request; the mentor does.
    response = client.post(f"/en/employers/activity/{activity.pk}/", {"what": "agree"})
    assert response.status_code == 400
    client.force_login(pair.mentor.user)
    client.post(f"/en/employers/activity/{activity.pk}/", {"what": "agree"})
    future = client.post(
        f"/en/employers/activity/{activity.pk}/", {"what": "held", "held_on": day.isoformat()}
    )
    assert future.status_code == 400 and "not a future day" in future.content.decode()
    today = timezone.localdate().isoformat()
    client.post(f"/en/employers/activity/{activity.pk}/", {"what": "held", "held_on": today})
    activity.refresh_from_db()
    assert (activity.status, str(activity.held_on)) == (ActivityStatus.HELD, today)
    page = client.get(f"/fr/mentoring/{pair.pk}/").content.decode()
    assert "Observation au poste de travail" in page and "Dev team" in page


def test_an_offer_for_a_past_day_is_refused(pair):
    hosting(pair)
    with pytest.raises(services.EmployersError):
        services.activity_propose(
            actor=pair.mentor.user,
            mentorship=pair,
            side="mentor",
            kind="tour",
            planned_on=timezone.localdate() - timedelta(days=1),
        )


# --- A hire by a partner, and the report section --------------------------------------------


def test_staff_record_a_hire_by_a_partner_and_the_report_counts_it(
    client: Client, home, pair, partner, no_mfa
):
    from tandem.outcomes.models import EmploymentOutcome

    hosting(pair, partner)
    WorkplaceActivity.objects.create(
        mentorship=pair,
        kind="tour",
        status=ActivityStatus.HELD,
        planned_on=timezone.localdate(),
        held_on=timezone.localdate(),
        host=partner,
    )
    employed = EmploymentOutcome.objects.create(
        participant=pair.mentee,
        source="staff",
        status="employed_in_field",
        recorded_at=timezone.now(),
    )
    searching = EmploymentOutcome.objects.create(
        participant=pair.mentee, source="staff", status="searching", recorded_at=timezone.now()
    )
    with pytest.raises(services.EmployersError):
        services.hire_record(actor=home.staff, outcome=searching, employer=partner)
    client.force_login(home.staff)
    response = client.post(
        f"/en/employers/mentorship/{pair.pk}/hire/",
        {"outcome": employed.pk, "employer": partner.pk},
    )
    assert response.status_code == 302
    assert PartnerHire.objects.get().employer == partner
    client.force_login(pair.mentor.user)
    assert client.get(f"/en/employers/mentorship/{pair.pk}/hire/").status_code == 404
    # A mentor the partner recruited this period, in an occupation where mentees wait.
    recruit = person(home, "mentor", recruited_by=partner, noc="21231")
    enrolment = enrol(pair.program, recruit)
    enrolment.accepted_at = timezone.now()
    enrolment.save(update_fields=["accepted_at"])
    for _ in range(3):
        enrol(pair.program, person(home, "mentee", noc="21231"))
    client.force_login(home.staff)
    response = client.get(f"/en/reports/programs/{pair.program_id}/?section=employer_partners")
    assert response.status_code == 200
    (table,) = [t for t in response.context["tables"] if t.key == "employer_partners"]
    (row,) = table.body
    # recruited (the pair's mentor and the new one, both accepted this period), mentoring,
    # in work hours, activities held, hired, recruited in a shortage occupation (both)
    assert row.label == partner.name
    assert [c.value for c in row.cells] == [2, 1, 1, 1, 1, 2]


# --- Career tracks ---------------------------------------------------------------------------


def test_staff_set_career_tracks_and_place_a_member(client: Client, home, program, no_mfa):
    member = person(home, "mentee")
    enrolment = enrol(program, member)
    client.force_login(home.staff)
    url = f"/en/employers/program/{program.pk}/tracks/"
    client.post(url, {"stages_form": "1", "stages": ["career_entry", "leader"]})
    tracks = {t.stage: t for t in program.career_tracks.all()}
    assert set(tracks) == {"career_entry", "leader"}
    client.post(
        url, {"placement_form": "1", "enrolment": enrolment.pk, "track": tracks["leader"].pk}
    )
    assert TrackPlacement.objects.get(enrolment=enrolment).track == tracks["leader"]
    other = make_program(home.organization, home.staff, slug="other")
    services.tracks_set(actor=home.staff, program=other, stages=["professional"])
    with pytest.raises(services.EmployersError):
        services.track_place(actor=home.staff, enrolment=enrolment, track=other.career_tracks.get())


# --- Employer-hosted programs ----------------------------------------------------------------


def test_program_types_imply_criteria_on_the_side_they_concern_and_staff_change_either(home):
    hosted = make_program(home.organization, home.staff, kind=ProgramType.EMPLOYER_HOSTED)
    kinds = {
        side: [c.kind for c in criteria_current(program=hosted, side=side).criteria.all()]
        for side in ("mentee", "mentor")
    }
    assert kinds == {"mentee": [], "mentor": [CriterionKind.MEMBER_OF_ORGANIZATION]}
    parent = make_program(home.organization, home.staff)
    embedded = make_program(home.organization, home.staff, kind=ProgramType.EMBEDDED, parent=parent)
    kinds = {
        side: [c.kind for c in criteria_current(program=embedded, side=side).criteria.all()]
        for side in ("mentee", "mentor")
    }
    assert kinds == {"mentee": [CriterionKind.PARENT_PROGRAM_PARTICIPANT], "mentor": []}
    internal = make_program(home.organization, home.staff, kind=ProgramType.INTERNAL)
    for side in ("mentee", "mentor"):
        (criterion,) = criteria_current(program=internal, side=side).criteria.all()
        assert criterion.kind == CriterionKind.MEMBER_OF_ORGANIZATION
    criteria_publish(
        actor=home.staff,
        program=hosted,
        side="mentee",
        criteria=[{"kind": "years_experience_at_least", "number": 1}],
    )
    criteria_publish(actor=home.staff, program=hosted, side="mentor", criteria=[])
    assert criteria_current(program=hosted, side="mentor").criteria.count() == 0
    assert criteria_current(program=hosted, side="mentee").criteria.count() == 1


def test_an_employer_s_coordinator_runs_only_its_own_program_and_the_lead_sees_its_figures(
    client: Client, home, partner, program, no_mfa
):
    coordinator = make_member(partner, Role.PROGRAM_STAFF, email="coord@example.org")
    hosted = make_program(
        partner, coordinator, slug="northern-internal", kind=ProgramType.EMPLOYER_HOSTED
    )
    agency = make_organization("agency")
    Partnership.objects.create(
        organization=partner, partner=agency, kind=PartnershipKind.SERVICE_DELIVERY
    )
    caseworker = make_member(agency, Role.CASEWORKER)
    client.force_login(coordinator)
    assert client.get(f"/en/matching/programs/{hosted.pk}/").status_code == 200
    assert client.get(f"/en/matching/programs/{program.pk}/").status_code == 404
    # The agency's caseworker refers a client to the employer's program.
    client.force_login(caseworker)
    client_record = make_participant(agency)
    assert (
        client.get(f"/en/referrals/client/{client_record.pk}/refer/{hosted.pk}/").status_code == 200
    )
    # The lead agency's staff read the program's figures, not its desk.
    home.organization.kind = OrganizationType.LEAD_AGENCY
    home.organization.save(update_fields=["kind"])
    client.force_login(home.staff)
    assert client.get(f"/en/reports/programs/{hosted.pk}/").status_code == 200
    assert client.get(f"/en/matching/programs/{hosted.pk}/").status_code == 404


def test_the_real_worker_sends_each_invitation_once_in_its_language(run_worker, home):
    from tandem.core.tests.cast import occupation as noc

    noc("21231")
    employer = make_partner(home, "worker-employer")
    grace = make_member(employer, Role.EMPLOYER_PARTNER)
    cmp = make_program(home.organization, home.staff, slug="cmp-worker")
    services.mentors_invite(
        actor=grace,
        partner=employer,
        program=cmp,
        text="ana@example.org\nluc@example.org, fr",
        language="en",
    )
    assert mail.outbox == []  # nothing is sent by the request
    run_worker()
    run_worker()
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert len(mail.outbox) == 2
    assert "invites you to mentor" in subjects["ana@example.org"]
    assert "vous invite" in subjects["luc@example.org"]
