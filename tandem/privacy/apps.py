from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "tandem.privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from tandem.core.access import observe_disclosures
        from tandem.privacy import viewlog

        # Every record a guarded view fetches by id passes here (core.access.one_or_404).
        observe_disclosures(viewlog.note_disclosure)
        viewlog.register_subjects()
        # A merge of two records of one person never rewrites the log (append-only).
        from tandem.participants.duplicates import merge_leaves

        merge_leaves("privacy.RecordView")

        # Consent: the history of every change, and the purpose kept here.
        from tandem.core import consent
        from tandem.privacy import consents, purposes

        consent.observe_changes(consents.on_change)
        purposes.declare()
        # Each declared purpose gets its row (notice, version 1) after every migrate, also of a
        # test database and after a flush (Django sends post_migrate then): no read writes.
        from django.db.models.signals import post_migrate

        post_migrate.connect(purposes.purposes_sync, sender=self, dispatch_uid="privacy_purposes")

        # Retention: records past their period and accepted deletions, anonymised hourly.
        from tandem.core import sweeps
        from tandem.privacy.retention import register_kinds, retention_sweep

        # Persons' records and résumés: the kinds privacy declares itself (core.retention);
        # each area declares the others from its own ready().
        register_kinds()
        sweeps.register("privacy_retention", retention_sweep, label="records anonymised")
        # Finished task rows (mail) naming someone under a legal hold stay (core.taskrows).
        from tandem.core import taskrows
        from tandem.privacy.retention import held_addresses

        taskrows.protect(held_addresses)

        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(consents.ask_again_at_sign_in, dispatch_uid="privacy_reask")

        # The client record's button to the person's consents and personal information.
        from tandem.core.links import Link
        from tandem.participants.record import LINKS

        LINKS.register(Link("privacy", _("Consents and personal information"), "privacy:person"))
