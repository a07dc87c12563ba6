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

        from tandem.organizations import caseload
        from tandem.participants import record
        from tandem.programs import access  # noqa: F401  (its accommodation grant)
        from tandem.programs.selectors import enrolments_record_section
        from tandem.programs.services import team_hand_over, teams_held

        # A leaving facilitator's program teams go to a colleague (organizations/caseload.py).
        caseload.register("programs", held=teams_held, hand_over=team_hand_over)
        # The client file lists the person's programs and where each stands (record.py).
        record.register(
            "enrolments",
            order=20,
            template="programs/record_section.html",
            context=enrolments_record_section,
        )
