from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployersConfig(AppConfig):
    name = "tandem.employers"
    verbose_name = _("Employer and association partners")

    def ready(self) -> None:
        # The mentorship page shows the pair's workplace activities (a panel the meetings floor
        # offers), and the reports gain the employer-engagement section.
        from tandem.employers import figures, panels
        from tandem.meetings import panels as mentorship_panels
        from tandem.reports.tables import register

        mentorship_panels.register("workplace", panels.workplace_panel)
        register(figures.SECTION)
        # A workplace activity's page is part of the pair's mentorship: the view log names both.
        from tandem.core.access import register_subject
        from tandem.employers.models import WorkplaceActivity

        register_subject(
            WorkplaceActivity,
            kind="mentorship",
            label=_("Mentorship"),
            people=lambda activity: [activity.mentorship.mentee, activity.mentorship.mentor],
        )

        # A lead agency's staff member an employer accepted runs its hosted program (scoped to
        # that program, while the help lasts): programs' one definition of who runs a program.
        from tandem.employers.access import programs_helped_by
        from tandem.programs.access import register_helpers

        register_helpers(programs_helped_by)

        # Consent to share with the mentor's employer: a purpose of its own (Law 25), kept here
        # (EmployerSharing) and read by every page where a partner sees a mentee.
        from tandem.core import consent
        from tandem.employers import services, sharing

        def give(participant: Any, given: bool, actor: Any) -> None:
            services.sharing_set(actor=actor, participant=participant, given=given)

        consent.declare(
            sharing.NOTICE, store=consent.Store(refused=services.sharing_refused, give=give)
        )

        # Workplace activities' text past its period (the privacy app's sweep).
        from tandem.employers import retention

        retention.register()

        # A partner that also posts short opportunities: its two pages link to each other.
        from tandem.employers.links import partner_page_link
        from tandem.opportunities import links

        links.register(partner_page_link)
