"""Demo programs for the Ottawa network of tandem/demo/network.py: the open-access Career Mentoring
Program of the lead agency with the criteria of seed 003, an employer's internal program, and
referrals in every state so that each demo login has something to look at."""

import random
from datetime import date, timedelta
from typing import Any

from tandem.accounts.models import User
from tandem.demo.clock import demo_at
from tandem.organizations.models import Organization
from tandem.participants.models import Participant
from tandem.programs import services
from tandem.programs.models import CriterionKind, OrientationSession, SessionKind
from tandem.referrals.models import Referral, ReferralDecision, ReferralSource
from tandem.referrals.services import referral_decide, referral_submit

CMP_MENTEE: list[dict[str, Any]] = [
    {
        "kind": CriterionKind.IMMIGRATION_STATUS,
        "statuses": ["permanent_resident", "convention_refugee"],
    },
    {"kind": CriterionKind.INTERNATIONALLY_EDUCATED},
    {"kind": CriterionKind.CLB_AT_LEAST, "number": 5},
    {"kind": CriterionKind.PROVINCE, "provinces": ["ON"]},
    {"kind": CriterionKind.JOB_SEARCH_WORKSHOP},
]
CMP_MENTOR: list[dict[str, Any]] = [
    {"kind": CriterionKind.YEARS_EXPERIENCE_AT_LEAST, "number": 2},
    {
        "kind": CriterionKind.YES_NO,
        "question_en": "Do you have a professional network in your field?",
        "question_fr": "Avez-vous un réseau professionnel dans votre domaine?",
    },
    {
        "kind": CriterionKind.YES_NO,
        "question_en": "Can you commit to at least three months, one hour a week?",
        "question_fr": "Pouvez-vous vous engager pour au moins trois mois, une heure par semaine?",
    },
]


RETURNED_NOTES = {
    # fate: (English, French): a decision note is written in the language of the person's file.
    "return_clb": (
        "Language classes first, then send the referral again.",
        "D’abord des cours de langue, puis envoyez la référence de nouveau.",
    ),
    "return_status": (
        "The program is funded for permanent residents and refugees only.",
        (
            "Le programme est financé seulement pour les personnes ayant la résidence "
            "permanente ou le statut de réfugié au sens de la Convention."
        ),
    ),
}


def _returned_note(fate: str, language: str) -> str:
    english, french = RETURNED_NOTES[fate]
    return french if language == "fr" else english


def demo_load_programs() -> None:
    rng = random.Random(4)
    orgs = {o.slug: o for o in Organization.objects.all()}
    lead = orgs["capital-welcome"]
    staff = User.objects.get(email="staff@tandem.demo")
    cmp = services.program_create(
        actor=staff,
        organization=lead,
        slug="career-mentoring",
        kind="open_access",
        name_en="Career Mentoring Program",
        name_fr="Programme de mentorat professionnel",
        description_en=(
            "Job-ready skilled immigrants meet an established professional of their field for "
            "three months, at least one hour a week, guided by an action plan."
        ),
        description_fr=(
            "Les personnes immigrantes qualifiées et prêtes à l’emploi rencontrent une personne "
            "d’expérience de leur domaine pendant trois mois, au moins une heure par semaine, "
            "en suivant un plan d’action."
        ),
        mentee_materials_en=(
            "You meet our staff one-on-one, attend an orientation session and write your "
            "action plan before we propose a mentor."
        ),
        mentee_materials_fr=(
            "Vous rencontrez notre équipe individuellement, assistez à une séance d’orientation et "
            "rédigez votre plan d’action avant qu’on vous propose un mentor."
        ),
        mentor_materials_en=(
            "Share your network and your knowledge of the Canadian workplace. Orientation "
            "training is provided; two half-day workshops are optional."
        ),
        mentor_materials_fr=(
            "Partagez votre réseau et votre connaissance du milieu de travail canadien. Une "
            "formation d’orientation est offerte; deux ateliers d’une demi-journée sont "
            "facultatifs."
        ),
        m2m={"staff": [staff], "locations": list(lead.locations.all())},
    )
    services.criteria_publish(
        actor=staff,
        program=cmp,
        side="mentee",
        criteria=CMP_MENTEE,
        note="Criteria of the Career Mentoring Program",
    )
    services.criteria_publish(
        actor=staff,
        program=cmp,
        side="mentor",
        criteria=CMP_MENTOR,
        note="Criteria of the Career Mentoring Program",
    )
    internal = services.program_create(
        actor=staff,
        organization=lead,
        slug="northern-lights-internal",
        kind="employer_hosted",
        name_en="Northern Lights internal mentoring",
        name_fr="Mentorat interne Aurores boréales",
        description_en="Mentoring among the employees of Northern Lights Software.",
        description_fr="Mentorat au sein du personnel de Logiciels Aurores boréales.",
        accepts_self_referrals=False,
        m2m={"staff": [staff]},
    )
    for side in ("mentee", "mentor"):
        services.criteria_publish(
            actor=staff,
            program=internal,
            side=side,
            criteria=[
                {
                    "kind": CriterionKind.MEMBER_OF_ORGANIZATION,
                    "organization": orgs["northern-lights"],
                }
            ],
            note="Employees of Northern Lights Software",
        )

    # What eligibility is judged on, for the demo mentees.
    statuses = ["permanent_resident"] * 5 + ["convention_refugee", "temporary_resident"]
    for mentee in Participant.objects.filter(role="mentee"):
        mentee.immigration_status = rng.choice(statuses)
        mentee.is_internationally_educated = rng.random() < 0.9
        mentee.completed_job_search_workshop = rng.random() < 0.7
        mentee.save(
            update_fields=[
                "immigration_status",
                "is_internationally_educated",
                "completed_job_search_workshop",
            ]
        )
    qualified = {
        "immigration_status": "permanent_resident",
        "is_internationally_educated": True,
        "completed_job_search_workshop": True,
        "province": "ON",
    }
    caseworkers = {
        "rideau-employment": User.objects.get(email="caseworker@tandem.demo"),
        "vanier-newcomers": User.objects.get(email="caseworker2@tandem.demo"),
    }
    mentees = list(
        Participant.objects.filter(
            role="mentee", organization__slug__in=list(caseworkers)
        ).order_by("external_id")
    )
    amina = Participant.objects.get(email="mentee@tandem.demo")
    plan = [
        (amina, "accept"),
        (mentees[1], "accept"),
        (mentees[2], "submit"),
        (mentees[3], "submit"),
        (mentees[4], "return_clb"),
        (mentees[5], "return_status"),
    ]
    for step, (participant, fate) in enumerate(plan):
        fields = dict(qualified)
        if fate == "return_clb":
            fields["clb_level"] = 4
        elif fate == "return_status":
            fields["immigration_status"] = "temporary_resident"
        else:
            fields["clb_level"] = max(participant.clb_level or 0, 6)
        for name, value in fields.items():
            setattr(participant, name, value)
        participant.save(update_fields=list(fields))
        referral = referral_submit(
            actor=caseworkers[participant.organization.slug],
            participant=participant,
            program=cmp,
            note=(
                "A terminé notre atelier de recherche d’emploi; prête ou prêt à rencontrer une "
                "personne d’expérience de son domaine."
                if participant.preferred_language == "fr"
                else "Completed our job-search workshop; ready to meet a professional of the field."
            ),
            answers={},
            has_consent=True,
        )
        # Sent over the last weeks, the undecided ones most recently (Amina's is moved back with
        # the pool's in matching.py).
        sent = demo_at(-(2 + 3 * step) if fate == "submit" else -(12 + 4 * step), 9 + step)
        Referral.objects.filter(pk=referral.pk).update(submitted_at=sent, created_at=sent)
        if fate == "accept":
            referral_decide(
                actor=staff, referral=referral, outcome="accepted", unmet_criteria=[], note=""
            )
        elif fate.startswith("return"):
            version = services.criteria_current(program=cmp, side="mentee")
            kind = (
                CriterionKind.CLB_AT_LEAST
                if fate == "return_clb"
                else (CriterionKind.IMMIGRATION_STATUS)
            )
            referral_decide(
                actor=staff,
                referral=referral,
                outcome="returned",
                unmet_criteria=list(version.criteria.filter(kind=kind)),
                note=_returned_note(fate, participant.preferred_language),
            )
            ReferralDecision.objects.filter(referral=referral).update(
                decided_at=sent + timedelta(days=3)
            )

    # Mentors who applied on the public form, two accepted.
    mentor_version = services.criteria_current(program=cmp, side="mentor")
    answers = {str(c.key): True for c in mentor_version.criteria.filter(kind=CriterionKind.YES_NO)}
    mentors = list(Participant.objects.filter(role="mentor").order_by("external_id")[:4])
    for index, mentor in enumerate(mentors):
        referral = Referral.objects.create(
            participant=mentor,
            program=cmp,
            source=ReferralSource.MENTOR_APPLICATION,
            answers=answers,
            has_consent=True,
            note=mentor.goals,
            submitted_at=demo_at(-(30 + 9 * index), 19),  # sent from home, in the evening
        )
        if index < 2:
            referral_decide(
                actor=staff, referral=referral, outcome="accepted", unmet_criteria=[], note=""
            )

    # Intake under way for Amina: needs assessment done, orientation booked, an action plan.
    enrolment = amina.enrolments.get(program=cmp)
    services.intake_meeting_record(
        actor=staff,
        enrolment=enrolment,
        met_on=date.today() - timedelta(days=7),  # noqa: DTZ011 - a calendar day for the demo
        notes="Solide formation technique; souhaite se joindre à une équipe produit.",
    )
    OrientationSession.objects.create(
        program=cmp,
        kind=SessionKind.MENTEE_ORIENTATION,
        starts_at=demo_at(5, 10),
        location=lead.locations.first(),
    )
    services.action_plan_save(
        actor=staff,
        enrolment=enrolment,
        objective=(
            "Trouver un poste en génie logiciel dans une équipe produit canadienne d’ici six mois."
        ),
        steps=[
            {"description": "Adapter le curriculum vitæ aux usages canadiens"},
            {"description": "Participer à deux activités de réseautage"},
            {"description": "Faire trois entrevues d’information"},
        ],
    )
