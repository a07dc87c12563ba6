"""Links between a partner's pages here and its page on the opportunities board (issue 22), for an
organization that has both: an employer partner that also posts short opportunities."""

from django.urls import reverse
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.employers.access import partners_of
from tandem.opportunities.access import can_open_employer_page
from tandem.organizations.models import Organization


def partner_page_link(user: User, organization: Organization) -> tuple[str, str] | None:
    """Registered with tandem.opportunities.links: the board's employer page links here when
    this person opens the partner's pages (its own employer-partner members and admins)."""
    if not partners_of(user).filter(pk=organization.pk).exists():
        return None
    return (
        _("Mentors from %(name)s") % {"name": organization.name},
        reverse("employers:partner", kwargs={"partner_slug": organization.slug}),
    )


def opportunities_page_link(user: User, partner: Organization) -> str | None:
    """The partner page links to the employer's opportunities, people hosted and feedback when
    this person opens that page (an association has none)."""
    if not can_open_employer_page(user, partner):
        return None
    return reverse("opportunities:employer", kwargs={"employer_id": partner.pk})
