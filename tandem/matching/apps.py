from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "tandem.matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from tandem.core import sweeps
        from tandem.matching import merge, signals  # noqa: F401
        from tandem.matching.services.follow_ups import proposals_sweep

        sweeps.register("proposals", proposals_sweep, label="proposals")

        # A proposal's page shows both people's profiles: each view names both in the view log.
        from tandem.core.access import register_subject
        from tandem.matching.models import Proposal

        register_subject(
            Proposal,
            kind="proposal",
            label=_("Match proposal"),
            people=lambda proposal: [proposal.mentee, proposal.mentor],
        )

        # Consent to share a profile with a proposed mentor or mentee lives in ProfileSharing:
        # nothing chosen to show is a refusal. Read and written via core.consent.
        from tandem.core import consent
        from tandem.matching.models import ProfileSharing, default_shared_fields
        from tandem.matching.services.profile_sharing import sharing_update

        def refused(ids) -> set[int]:
            return set(
                ProfileSharing.objects.filter(participant_id__in=list(ids), fields=[]).values_list(
                    "participant_id", flat=True
                )
            )

        def give(participant, given: bool, actor) -> None:
            current = ProfileSharing.objects.filter(participant=participant).first()
            if given and (current is None or current.fields):
                return  # already shared: the person's own choice of fields stays
            sharing_update(
                actor=actor,
                participant=participant,
                fields=default_shared_fields() if given else [],
            )

        consent.register_store(consent.PROFILE_SHARING, consent.Store(refused=refused, give=give))
