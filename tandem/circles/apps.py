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

        # The view log: a peer mentor's page is about that person; a group's page names its
        # members, a session's page its guests and their feedback.
        from tandem.circles.models import CircleMember, PeerMentor, SessionFeedback
        from tandem.core.access import register_subject

        register_subject(
            CircleMember,
            kind="group",
            label=_("Mentoring group"),
            people=lambda member: [member.participant],
        )
        register_subject(
            SessionFeedback,
            kind="event",
            label=_("Event or group session"),
            people=lambda answer: [answer.participant],
        )
        register_subject(
            PeerMentor,
            kind="peer_mentor",
            label=_("Peer mentor"),
            people=lambda peer: [peer.participant],
        )
