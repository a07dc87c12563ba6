from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CirclesConfig(AppConfig):
    name = "tandem.circles"
    verbose_name = _("Group and peer mentoring")

    def ready(self) -> None:
        # Its section of every report (program, network, funder), after "Events attended".
        from tandem.reports.tables import Section, register

        from .report import circle_tables

        register(Section("circles", 67, circle_tables))
        # Groups that ended, past their retention (the privacy app's sweep).
        from tandem.circles import retention

        retention.register()

        # A peer mentor's page is about that person: the view log names them.
        from tandem.circles.models import PeerMentor
        from tandem.core.access import register_subject

        register_subject(
            PeerMentor,
            kind="peer_mentor",
            label=_("Peer mentor"),
            people=lambda peer: [peer.participant],
        )
