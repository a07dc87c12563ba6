"""Other pages of an employer, kept by the floors above (the employers app's partner page): the
opportunities employer page links to each one the viewer may open. Each app registers a function
from its `AppConfig.ready()` that answers the link's text and address for this viewer and this
employer, or None when the viewer may not open that page (a link must never lead to a 404)."""

from collections.abc import Callable

from tandem.accounts.models import User
from tandem.organizations.models import Organization

type EmployerLink = Callable[[User, Organization], tuple[str, str] | None]

_LINKS: list[EmployerLink] = []


def register(link: EmployerLink) -> None:
    if link not in _LINKS:
        _LINKS.append(link)


def employer_links(user: User, employer: Organization) -> list[tuple[str, str]]:
    """(text, address) of the employer's other pages this person may open, in the current
    language."""
    return [found for link in _LINKS if (found := link(user, employer)) is not None]
