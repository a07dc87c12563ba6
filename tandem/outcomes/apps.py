from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "tandem.outcomes"
    verbose_name = _("Closure and outcomes")

    def ready(self) -> None:
        from tandem.core import sweeps

        # Registers how consent is combined when two records of one person are merged.
        from tandem.outcomes import merge  # noqa: F401
        from tandem.outcomes.services import followups_send_due

        sweeps.register("follow_ups", followups_send_due, label="follow-ups sent")
        # Closed pairings past their retention (the privacy app's sweep).
        from tandem.outcomes import retention

        retention.register()

        # Consent to follow-ups lives here (ContactConsent): the privacy pages read and write it
        # through core.consent.
        from tandem.core import consent
        from tandem.outcomes.models import ContactConsent
        from tandem.outcomes.services import consent_set

        def refused(ids) -> set[int]:
            return set(
                ContactConsent.objects.filter(
                    participant_id__in=list(ids), withdrawn_at__isnull=False
                ).values_list("participant_id", flat=True)
            )

        def give(participant, given: bool, actor) -> None:
            consent_set(actor=actor, participant=participant, may_contact=given)

        consent.register_store(consent.FOLLOW_UPS, consent.Store(refused=refused, give=give))

        # A certificate names its person: its downloads go to the view log.
        from tandem.core.access import register_subject
        from tandem.outcomes.certificates import Certificate

        # A follow-up answered on a person's behalf shows their answers so far.
        from tandem.outcomes.models import FollowUp

        register_subject(
            FollowUp,
            kind="follow_up",
            label=_("Follow-up"),
            people=lambda follow_up: [follow_up.participant],
        )
        register_subject(
            Certificate,
            kind="certificate",
            label=_("Certificate"),
            people=lambda document: [document.person],
        )
