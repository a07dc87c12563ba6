"""What a person hands over when they leave an organization, as parts that the areas above
register (organizations imports none of them): referrals registers the open referrals a
caseworker made, programs the program teams a facilitator is on.

    caseload.register("referrals", held=referrals_held, hand_over=referral_hand_over)

`held(user, organization)` is what the person holds for that organization, as a queryset (the
hand-over locks its rows); `hand_over(item, leaver, colleague)` gives one item to the colleague.
`organizations.services.caseload_hand_over` moves every part in one transaction and records one
named event with the count of each part.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet

from tandem.accounts.models import User
from tandem.organizations.models import Organization


@dataclass(frozen=True)
class Part:
    name: str
    held: Callable[[User, Organization], QuerySet[Any]]
    hand_over: Callable[[Model, User, User], None]


_PARTS: dict[str, Part] = {}


def register(
    name: str,
    *,
    held: Callable[[User, Organization], QuerySet[Any]],
    hand_over: Callable[[Any, User, User], None],
) -> None:
    """Adds a part (from the app's `ready()`); the same functions again are a no-op."""
    found = _PARTS.get(name)
    if found is not None and (found.held, found.hand_over) != (held, hand_over):
        raise ValueError(f"caseload part {name!r} is already registered")
    _PARTS[name] = Part(name, held, hand_over)


def parts() -> list[Part]:
    return list(_PARTS.values())


def caseload_of(*, user: User, organization: Organization) -> dict[str, QuerySet[Any]]:
    """What a caseworker or facilitator would hand over when leaving, part by part."""
    return {part.name: part.held(user, organization) for part in parts()}
