"""What the floors above tell accounts about people, so that accounts never imports them.

accounts holds the `User` and the `Invitation` mechanism (tokens, mail, accepting). What an
invitation names and grants belongs to the floors above: the roles of an organization
(`organizations`), a program's team (`programs`), the mentee and mentor records a person may
claim (`participants`). Each of those registers its part in its `AppConfig.ready()`:

    hooks.register_roles(lambda: dict(Role.choices), holds_role=...)
    hooks.register_grant(InvitationKind.STAFF, grant_membership)
    hooks.register_records(link=..., unclaimed=...)

A hook nobody registered raises `LookupError` when it is needed (a floor is missing from
INSTALLED_APPS), never a silent no-op.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tandem.accounts.models import Invitation, User

# What accepting an invitation of a kind grants (the platform admin's is accounts' own).
type Grant = Callable[["Invitation", "User"], None]


@dataclass(frozen=True)
class Roles:
    # value -> label of every role a person can hold in an organization
    labels: Callable[[], Mapping[str, Any]]
    # holds_role(email, organization, role): an active member already holds it
    holds_role: Callable[[str, Any, str], bool]


@dataclass(frozen=True)
class Records:
    """The mentee and mentor records that a person with an account may claim as theirs."""

    # link(record ids, user id) -> how many records now belong to that account
    link: Callable[[Iterable[int], int], int]
    # link_by_email(user) -> how many unclaimed records with the user's address were linked
    link_by_email: Callable[["User"], int]
    # unclaimed(email) -> up to a few unclaimed records with this address (to invite again)
    unclaimed: Callable[[str], list[Any]]


_GRANTS: dict[str, Grant] = {}
_ROLES: list[Roles] = []
_RECORDS: list[Records] = []


def register_grant(kind: str, grant: Grant) -> None:
    _GRANTS[kind] = grant


def grant_for(kind: str) -> Grant:
    try:
        return _GRANTS[kind]
    except KeyError:
        raise LookupError(f"no app registered what a {kind!r} invitation grants") from None


def register_roles(roles: Roles) -> None:
    _ROLES[:] = [roles]


def roles() -> Roles:
    if not _ROLES:
        raise LookupError("no app registered the organizations' roles")
    return _ROLES[0]


def register_records(records: Records) -> None:
    _RECORDS[:] = [records]


def records() -> Records:
    if not _RECORDS:
        raise LookupError("no app registered the participants' records")
    return _RECORDS[0]
