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

        # A partner that also posts short opportunities: its two pages link to each other.
        from tandem.employers.links import partner_page_link
        from tandem.opportunities import links

        links.register(partner_page_link)
