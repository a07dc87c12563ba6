from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "tandem.community"
    verbose_name = _("Communities of practice")

    def ready(self) -> None:
        # Daily and weekly digests fall due with time: the hourly sweep sends those due.
        from tandem.community.services import notify
        from tandem.core import sweeps

        sweeps.register(
            "community_digests",
            notify.digests_send,
            label="community digests sent",
        )
        # What people who left wrote, past its retention (the privacy app's sweep).
        from tandem.community import retention

        retention.register()
