"""Demo data for the matching desk: a ready pool, a run of drafts, a published proposal for the
demo mentee and mentor, and one active mentorship. Copes with whatever programs exist: with no
program, it creates nothing."""

from datetime import timedelta

from django.utils import timezone

from tandem.demo.clock import demo_at
from tandem.participants.models import Participant


def demo_load_matching() -> None:
    from tandem.matching.models import Proposal, ProposalStatus
    from tandem.matching.services.base import settings_update
    from tandem.matching.services.drafts import proposal_create_manual
    from tandem.matching.services.explanations import explain_any_pair, explanation_fields
    from tandem.matching.services.publishing import proposals_publish
    from tandem.matching.services.runs import run_execute, run_start
    from tandem.mentorships import services as mentorships
    from tandem.mentorships.models import Acknowledgement, MentorshipStatus
    from tandem.programs.models import Enrolment, Program
    from tandem.referrals.models import (
        DecisionOutcome,
        Referral,
        ReferralDecision,
        ReferralStatus,
    )
    from tandem.referrals.services import referral_decide

    program = (
        Program.objects.filter(is_active=True, slug="career-mentoring").first()
        or Program.objects.filter(is_active=True).first()
    )
    if program is None:
        return
    staff = program.staff.first()
    if staff is None:
        return
    now = timezone.now()
    mentees = list(Participant.objects.filter(role="mentee").order_by("external_id")[:14])
    mentors = list(Participant.objects.filter(role="mentor").order_by("external_id")[:10])
    referred = dict(
        Referral.objects.filter(program=program).values_list("participant_id", "status")
    )
    for days, person in enumerate(mentees + mentors):
        if referred.get(person.pk, ReferralStatus.ACCEPTED) != ReferralStatus.ACCEPTED:
            continue  # waiting for a decision, or returned to the agency: not in the program
        if person.pk not in referred and person.organization_id != program.organization_id:
            # A client of another agency comes in as in real life: a referral, accepted.
            referral_decide(
                actor=staff,
                referral=Referral.objects.create(
                    participant=person,
                    program=program,
                    referring_organization=person.organization,
                    note=(
                        "Prête ou prêt à rencontrer une personne d’expérience de son domaine."
                        if person.preferred_language == "fr"
                        else "Ready to meet a professional of the field."
                    ),
                    has_consent=True,
                ),
                outcome=DecisionOutcome.ACCEPTED,
                unmet_criteria=[],
                note="",
            )
        enrolment, _created = Enrolment.objects.get_or_create(
            program=program, participant=person, defaults={"side": person.role}
        )
        if enrolment.ready_at is None and enrolment.side == person.role:
            enrolment.ready_at = now - timedelta(days=3 + 4 * (days % 12))
            # Referred, accepted, then ready: in that order, weeks before today.
            enrolment.accepted_at = enrolment.ready_at - timedelta(days=5)
            enrolment.save(update_fields=["ready_at", "accepted_at"])
            referral = Referral.objects.filter(
                program=program, participant=person, status=ReferralStatus.ACCEPTED
            ).first()
            if referral is not None:
                sent = demo_at((enrolment.accepted_at - now).days - 6, 10 + days % 6)
                Referral.objects.filter(pk=referral.pk).update(submitted_at=sent, created_at=sent)
                ReferralDecision.objects.filter(referral=referral).update(
                    decided_at=enrolment.accepted_at
                )
    settings_update(actor=staff, program=program, reminder_after_days=5)

    daniel = Participant.objects.filter(email="mentor@tandem.demo").first()
    amina = Participant.objects.filter(email="mentee@tandem.demo").first()
    if daniel is None or amina is None:
        return
    # Daniel mentors in French and English, any time, in person or online.
    daniel.capacity, daniel.languages, daniel.availability = 2, "fr;en", ""
    daniel.meeting_mode = "either"
    daniel.save(update_fields=["capacity", "languages", "availability", "meeting_mode"])
    # One mentorship under way: Daniel with another mentee, past the agreement.
    partner = next(m for m in mentees if m.pk != amina.pk)
    accepted = Proposal.objects.create(
        program=program,
        mentee=partner,
        mentor=daniel,
        status=ProposalStatus.ACCEPTED,
        source="manual",
        reason=(
            "Jumelage fait à la dernière soirée de réseautage."
            if partner.preferred_language == "fr"
            else "Matched at the last networking evening."
        ),
        created_by=staff,
        published_at=now - timedelta(days=20),
        mentee_answer="accepted",
        mentor_answer="accepted",
        **explanation_fields(explain_any_pair(program, partner, daniel)),
    )
    mentorship = mentorships.mentorship_confirm(actor=staff, proposal=accepted)
    mentorships.meeting_schedule(
        actor=staff,
        mentorship=mentorship,
        starts_at=demo_at(-10, 10),
        duration_minutes=45,
        mode="virtual",
        link="https://meet.example.org/tandem-intro",
    )
    mentorships.meeting_record(actor=staff, mentorship=mentorship, proceed=True, notes="")
    # Recorded when it ended, not when the loader ran.
    introduction = mentorship.introduction
    introduction.held_at = introduction.starts_at + timedelta(minutes=45)
    introduction.save(update_fields=["held_at"])
    defaults = mentorships.agreement_defaults(mentorship)
    defaults["starts_on"] = timezone.localdate() - timedelta(days=7)
    defaults["expected_end_on"] = defaults["starts_on"] + timedelta(weeks=13)
    agreement = mentorships.agreement_save(actor=staff, mentorship=mentorship, **defaults)
    for person in (partner, daniel):
        Acknowledgement.objects.create(agreement=agreement, participant=person)
    mentorship.status = MentorshipStatus.ACTIVE
    mentorship.started_on = agreement.starts_on
    mentorship.expected_end_on = agreement.expected_end_on
    mentorship.save(update_fields=["status", "started_on", "expected_end_on"])

    # Drafts for the rest of the pool, then a published proposal for Amina and Daniel.
    run = run_start(actor=staff, program=program)
    run_execute(run_id=run.pk)
    proposal = proposal_create_manual(
        actor=staff,
        program=program,
        mentee=amina,
        mentor=daniel,
        reason="Amina a demandé un mentor issu d’une équipe produit en logiciels.",
    )
    proposals_publish(actor=staff, program=program, proposal_ids=[proposal.pk])
