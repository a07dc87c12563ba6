from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "tandem.programs"
    verbose_name = _("Programs")

    def ready(self) -> None:
        from tandem.accounts import hooks
        from tandem.accounts.models import InvitationKind

        def join_team(invitation, user) -> None:
            assert invitation.program is not None  # a program-team invitation names its program
            invitation.program.staff.add(user)

        hooks.register_grant(InvitationKind.PROGRAM_TEAM, join_team)
