from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "tandem.participants"
    verbose_name = _("Participants")

    def ready(self) -> None:
        # accounts (the floor below) links people to their records only through these hooks.
        from django.db.models import Q

        from tandem.accounts import hooks
        from tandem.accounts.models import InvitationKind
        from tandem.participants.models import Participant

        def link(ids, user_id: int) -> int:
            return Participant.objects.filter(pk__in=list(ids)).update(user_id=user_id)

        def link_by_email(user) -> int:
            """One person, one account: every record with exactly this (verified) address."""
            return Participant.objects.filter(
                Q(email__iexact=user.email), user__isnull=True
            ).update(user=user)

        def unclaimed(email: str) -> list:
            return list(Participant.objects.filter(email__iexact=email, user__isnull=True)[:5])

        hooks.register_records(
            hooks.Records(link=link, link_by_email=link_by_email, unclaimed=unclaimed)
        )

        def claim_records(invitation, user) -> None:
            link_by_email(user)

        hooks.register_grant(InvitationKind.PARTICIPANT, claim_records)

        # Consent to share accommodation needs with the programs that accept the person lives
        # on the accommodation record (share_with_programs): read and written via core.consent.
        from tandem.core import consent
        from tandem.participants.models import Accommodation
        from tandem.participants.services import accommodation_share

        def refused(ids) -> set[int]:
            shared = Accommodation.objects.filter(
                participant_id__in=list(ids), share_with_programs=True
            ).values_list("participant_id", flat=True)
            return set(ids) - set(shared)

        def give(participant, given: bool, actor) -> None:
            accommodation_share(actor=actor, participant=participant, share=given)

        consent.register_store(consent.ACCOMMODATIONS, consent.Store(refused=refused, give=give))
