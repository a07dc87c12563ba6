from tandem.accounts.models import User
from tandem.core.home import home_for


def dashboard_for(*, user: User) -> dict:
    """What a signed-in person sees first: a section for each role they hold, each built
    around what to do next (tandem/core/home.py), then their organizations."""
    return home_for(user=user)
