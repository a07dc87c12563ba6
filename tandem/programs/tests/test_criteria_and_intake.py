import uuid

import pytest
from django.test import Client
from django.utils import timezone

from tandem.core.tests.cast import make_member, make_organization, make_participant
from tandem.organizations.models import Membership, Role
from tandem.programs import eligibility
from tandem.programs.models import CriteriaVersion, Criterion, CriterionKind, SessionKind
from tandem.programs.services import (
    action_plan_save,
    attendance_set,
    criteria_current,
    criteria_publish,
    enrolment_create,
    intake_meeting_record,
    readiness,
    session_create,
)
from tandem.programs.tests.factories import (
    CMP_MENTEE_CRITERIA,
    make_program,
    qualified_mentee_fields,
)
from tandem.referrals.models import Referral
from tandem.referrals.services import referral_decide

pytestmark = pytest.mark.django_db


def test_each_criterion_is_met_not_met_or_unknown_from_the_record(home):
    program = make_program(home.organization, home.staff)
    version = criteria_publish(
        actor=home.staff, program=program, side="mentee", criteria=CMP_MENTEE_CRITERIA
    )
    person = make_participant(
        home.organization,
        immigration_status="temporary_resident",
        is_internationally_educated=True,
        clb_level=None,
        postal_code="J8X 4C8",
    )
    outcomes = [r.outcome for r in eligibility.evaluate(version.criteria.all(), person)]
    assert outcomes == ["not_met", "met", "unknown", "not_met", "unknown"]
    qualified = make_participant(home.organization, **qualified_mentee_fields())
    assert eligibility.qualifies(eligibility.evaluate(version.criteria.all(), qualified))


def test_membership_parent_program_and_yes_no_criteria_are_judged(home, elsewhere):
    employer = make_organization("employer-x", kind="employer")
    parent = make_program(home.organization, home.staff, slug="parent")
    program = make_program(home.organization, home.staff, kind="embedded", parent=parent)
    version = criteria_publish(
        actor=home.staff,
        program=program,
        side="mentee",
        criteria=[
            {"kind": CriterionKind.MEMBER_OF_ORGANIZATION, "organization": employer},
            {"kind": CriterionKind.PARENT_PROGRAM_PARTICIPANT, "program": parent},
            {"kind": CriterionKind.YES_NO, "question_en": "Ready?", "question_fr": "Prêt?"},
        ],
    )
    person = home.mentee
    criteria = list(version.criteria.all())
    assert [r.outcome for r in eligibility.evaluate(criteria, person)] == [
        "not_met",
        "not_met",
        "unknown",
    ]
    Membership.objects.create(
        user=home.mentee_user, organization=employer, role=Role.EMPLOYER_PARTNER
    )
    enrolment_create(actor=home.staff, program=parent, participant=person)
    answers = {str(criteria[2].key): True}
    assert eligibility.qualifies(eligibility.evaluate(criteria, person, answers))


def test_publishing_criteria_makes_a_new_version_and_keeps_keys_of_carried_criteria(home):
    program = make_program(home.organization, home.staff)
    first = criteria_publish(
        actor=home.staff,
        program=program,
        side="mentee",
        criteria=[{"kind": "yes_no", "question_en": "Q?", "question_fr": "Q ?"}],
    )
    key = first.criteria.get().key
    second = criteria_publish(
        actor=home.staff,
        program=program,
        side="mentee",
        criteria=[
            {"kind": "yes_no", "question_en": "Q?", "question_fr": "Q ?", "key": key},
            {"kind": "clb_at_least", "number": 6},
        ],
    )
    assert (first.number, second.number) == (2, 3)  # version 1 is the empty one at creation
    assert second.criteria.first().key == key
    assert first.criteria.count() == 1
    assert criteria_current(program=program, side="mentee") == second


def test_criteria_edits_do_not_change_past_decisions(home):
    program = make_program(home.organization, home.staff)
    criteria_publish(actor=home.staff, program=program, side="mentee", criteria=CMP_MENTEE_CRITERIA)
    person = make_participant(home.organization, **{**qualified_mentee_fields(), "clb_level": 4})
    referral = Referral.objects.create(participant=person, program=program, has_consent=True)
    version = criteria_current(program=program, side="mentee")
    clb = version.criteria.get(kind="clb_at_least")
    decision = referral_decide(
        actor=home.staff,
        referral=referral,
        outcome="returned",
        unmet_criteria=[clb],
        note="Language first.",
    )
    criteria_publish(
        actor=home.staff,
        program=program,
        side="mentee",
        criteria=[{"kind": "clb_at_least", "number": 3}],
    )
    decision.refresh_from_db()
    assert decision.criteria_version == version
    assert [str(c) for c in decision.unmet_criteria.all()] == [
        "Canadian Language Benchmark (CLB) 5 or higher"
    ]
    assert decision.evaluation[str(clb.key)] == "not_met"
    assert Criterion.objects.filter(version=version).count() == len(CMP_MENTEE_CRITERIA)


def test_staff_edit_criteria_on_a_page_without_code_and_outsiders_get_404(
    client: Client, home, elsewhere, no_mfa
):
    program = make_program(home.organization, home.staff)
    client.force_login(home.staff)
    url = f"/en/programs/{program.pk}/criteria/mentees/"
    assert client.get(url).status_code == 200
    form = {
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-0-kind": "clb_at_least",
        "criteria-0-number": "5",
        "criteria-1-kind": "province",
        "criteria-1-provinces": ["ON", "QC"],
        "note": "Ottawa and Gatineau",
    }
    response = client.post(url, form)
    assert response.status_code == 302
    version = criteria_current(program=program, side="mentee")
    assert [c.kind for c in version.criteria.all()] == ["clb_at_least", "province"]
    assert version.note == "Ottawa and Gatineau" and version.published_by == home.staff
    # A criterion missing what it needs is refused with a message, and nothing is published.
    bad = {**form, "criteria-0-number": ""}
    response = client.post(url, bad)
    assert response.status_code == 200
    assert "Give the minimum for this criterion." in response.content.decode()
    assert criteria_current(program=program, side="mentee") == version
    client.force_login(home.caseworker)
    assert client.get(url).status_code == 404
    client.force_login(elsewhere.staff)
    assert client.get(url).status_code == 404


def test_a_program_is_created_with_both_languages_and_a_first_version(
    client: Client, home, elsewhere, no_mfa
):
    client.force_login(home.admin)
    response = client.post(
        f"/en/programs/new/{home.organization.slug}/",
        {
            "name_en": "Career Mentoring",
            "name_fr": "Mentorat professionnel",
            "slug": "career",
            "kind": "open_access",
            "accepts_self_referrals": "on",
            "mentee_steps": ["needs_assessment", "action_plan"],
            "mentor_steps": ["mentor_orientation"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    program = home.organization.programs.get()
    assert program.required_steps("mentee") == ["needs_assessment", "action_plan"]
    assert CriteriaVersion.objects.filter(program=program).count() == 2
    client.force_login(home.caseworker)
    assert client.get(f"/en/programs/new/{home.organization.slug}/").status_code == 404
    client.force_login(elsewhere.admin)
    assert client.get(f"/en/programs/new/{home.organization.slug}/").status_code == 404
    assert client.get(f"/en/programs/{program.pk}/").status_code == 404


def test_an_embedded_program_must_name_its_parent(home):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_program(home.organization, home.staff, kind="embedded")


def test_a_mentee_becomes_ready_when_the_programs_required_steps_are_done(home):
    program = make_program(home.organization, home.staff)
    enrolment = enrolment_create(actor=home.staff, program=program, participant=home.mentee)
    assert not enrolment.is_ready
    assert [s.is_done for s in readiness(enrolment)] == [False, False, False]
    intake_meeting_record(actor=home.staff, enrolment=enrolment, met_on=timezone.localdate())
    session = session_create(
        actor=home.staff,
        program=program,
        kind=SessionKind.MENTEE_ORIENTATION,
        starts_at=timezone.now(),
    )
    attendance_set(actor=home.staff, session=session, enrolments=[enrolment])
    enrolment.refresh_from_db()
    assert not enrolment.is_ready
    action_plan_save(
        actor=home.staff,
        enrolment=enrolment,
        objective="A job in my field",
        steps=[{"description": "Update the résumé"}],
    )
    enrolment.refresh_from_db()
    assert enrolment.is_ready
    # Undoing a required step takes readiness away again.
    attendance_set(actor=home.staff, session=session, enrolments=[])
    enrolment.refresh_from_db()
    assert not enrolment.is_ready


def test_a_mentor_needs_two_workshops_only_when_the_program_requires_them(home):
    program = make_program(
        home.organization, home.staff, mentor_steps=["mentor_meeting", "mentor_workshop"]
    )
    mentor = make_participant(home.organization, role="mentor")
    enrolment = enrolment_create(actor=home.staff, program=program, participant=mentor)
    intake_meeting_record(actor=home.staff, enrolment=enrolment, met_on=timezone.localdate())
    first, second = (
        session_create(
            actor=home.staff, program=program, kind="mentor_workshop", starts_at=timezone.now()
        )
        for _ in range(2)
    )
    attendance_set(actor=home.staff, session=first, enrolments=[enrolment])
    enrolment.refresh_from_db()
    assert not enrolment.is_ready
    attendance_set(actor=home.staff, session=second, enrolments=[enrolment])
    enrolment.refresh_from_db()
    assert enrolment.is_ready


def test_intake_pages_work_for_program_staff_and_the_agency_reads_them(
    client: Client, home, elsewhere, no_mfa
):
    lead = make_organization("lead", kind="lead_agency")
    staff = make_member(lead, Role.PROGRAM_STAFF)
    program = make_program(lead, staff)
    enrolment = enrolment_create(actor=staff, program=program, participant=home.mentee)
    client.force_login(staff)
    url = f"/en/programs/enrolments/{enrolment.pk}/"
    assert (
        client.post(
            url,
            {
                "meeting-met_on": "2026-11-02",
                "meeting-notes": "Met",
                "meeting-notes_visibility": "staff",
                "meeting-submission": str(uuid.uuid4()),
            },
        ).status_code
        == 302
    )
    response = client.post(
        f"/en/programs/enrolments/{enrolment.pk}/plan/",
        {
            "objective": "Work as an engineer",
            "steps-TOTAL_FORMS": "2",
            "steps-INITIAL_FORMS": "0",
            "steps-0-description": "Résumé",
            "steps-0-due_on": "2026-12-01",
            "steps-1-description": "",
        },
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.action_plan.steps.count() == 1
    client.force_login(home.caseworker)
    page = client.get(url)
    assert page.status_code == 200 and "Work as an engineer" in page.content.decode()
    assert client.post(url, {"meeting-met_on": "2026-11-02"}).status_code == 404
    client.force_login(elsewhere.staff)
    assert client.get(url).status_code == 404


def test_the_program_list_does_not_grow_queries_with_programs(
    client: Client, home, no_mfa, django_assert_max_num_queries
):
    for _ in range(3):
        make_program(home.organization, home.staff)
    client.force_login(home.staff)
    with django_assert_max_num_queries(12):
        client.get("/en/programs/")
    for _ in range(5):
        make_program(home.organization, home.staff)
    with django_assert_max_num_queries(12):
        assert client.get("/en/programs/").status_code == 200


def test_an_internal_or_embedded_program_starts_with_the_criteria_its_type_implies(home):
    internal = make_program(home.organization, home.staff, kind="internal")
    (criterion,) = criteria_current(program=internal, side="mentee").criteria.all()
    assert (criterion.kind, criterion.organization) == ("member_of_organization", home.organization)
    assert home.mentee.organization == home.organization
    assert eligibility.qualifies(eligibility.evaluate([criterion], home.mentee))
    parent = make_program(home.organization, home.staff)
    embedded = make_program(home.organization, home.staff, kind="embedded", parent=parent)
    (criterion,) = criteria_current(program=embedded, side="mentee").criteria.all()
    assert (criterion.kind, criterion.program) == ("parent_program_participant", parent)


def test_editing_an_existing_criterion_carries_its_key_and_deleting_one_drops_it(
    client: Client, home, no_mfa
):
    program = make_program(home.organization, home.staff)
    first = criteria_publish(
        actor=home.staff,
        program=program,
        side="mentor",
        criteria=[
            {"kind": "years_experience_at_least", "number": 2},
            {"kind": "yes_no", "question_en": "Network?", "question_fr": "Réseau?"},
        ],
    )
    years, question = first.criteria.all()
    client.force_login(home.staff)
    url = f"/en/programs/{program.pk}/criteria/mentors/"
    page = client.get(url)
    assert page.context["formset"].initial_form_count() == 2
    response = client.post(
        url,
        {
            "criteria-TOTAL_FORMS": "3",
            "criteria-INITIAL_FORMS": "2",
            "criteria-0-key": str(years.key),
            "criteria-0-kind": "years_experience_at_least",
            "criteria-0-number": "3",
            "criteria-0-DELETE": "on",
            "criteria-1-key": str(question.key),
            "criteria-1-kind": "yes_no",
            "criteria-1-question_en": "Do you have a network?",
            "criteria-1-question_fr": "Avez-vous un réseau?",
            "criteria-2-kind": "",
        },
    )
    assert response.status_code == 302
    (kept,) = criteria_current(program=program, side="mentor").criteria.all()
    assert (kept.key, kept.question_fr) == (question.key, "Avez-vous un réseau?")
    assert first.criteria.count() == 2


def test_program_staff_edit_the_program_in_both_languages(client: Client, home, elsewhere, no_mfa):
    program = make_program(home.organization, home.staff, slug="cmp")
    client.force_login(home.staff)
    url = f"/en/programs/{program.pk}/edit/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name_en": "Career Mentoring",
            "name_fr": "Mentorat professionnel",
            "slug": "cmp",
            "kind": "open_access",
            "description_fr": "Trois mois de mentorat.",
            "mentee_steps": ["needs_assessment"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert (program.name_fr, program.mentee_steps) == (
        "Mentorat professionnel",
        ["needs_assessment"],
    )
    assert "Mentorat professionnel" in client.get(f"/fr/programs/{program.pk}/").content.decode()
    client.force_login(home.caseworker)
    assert client.get(url).status_code == 404
    assert client.get(f"/en/programs/{program.pk}/").status_code == 200  # may refer to it
    client.force_login(elsewhere.staff)
    assert client.get(f"/en/programs/{program.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("kind", "mentee_side", "mentor_side"),
    [
        # Seed 003: an employer-hosted program's mentors are its employees, its mentees come from
        # the network's agencies; an embedded program's mentees are the parent's participants.
        ("employer_hosted", [], [CriterionKind.MEMBER_OF_ORGANIZATION]),
        ("embedded", [CriterionKind.PARENT_PROGRAM_PARTICIPANT], []),
        (
            "internal",
            [CriterionKind.MEMBER_OF_ORGANIZATION],
            [CriterionKind.MEMBER_OF_ORGANIZATION],
        ),
        ("open_access", [], []),
    ],
)
def test_a_programs_type_implies_criteria_on_the_side_it_concerns(
    home, kind, mentee_side, mentor_side
):
    parent = make_program(home.organization, home.staff, slug=f"parent-{kind}")
    extra = {"parent": parent} if kind == "embedded" else {}
    program = make_program(home.organization, home.staff, kind=kind, **extra)
    kinds = {
        side: [c.kind for c in criteria_current(program=program, side=side).criteria.all()]
        for side in ("mentee", "mentor")
    }
    assert kinds == {"mentee": mentee_side, "mentor": mentor_side}
