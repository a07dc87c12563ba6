"""Consent per purpose: the registry every floor asks, so that no floor imports the one above.

A purpose is something a person may agree to or refuse on its own (Law 25: consent per
purpose). Its notice, versions and history are data kept by the privacy app; *where the current
choice lives* is the app that acts on it, so there is one source of truth per purpose:

| purpose | lives in | registered by |
| --- | --- | --- |
| `FOLLOW_UPS` | `outcomes.ContactConsent` | outcomes |
| `PROFILE_SHARING` | `matching.ProfileSharing.fields` (nothing shared = refused) | matching |
| `ACCOMMODATIONS` | `participants.Accommodation.share_with_programs` | participants |
| `PEER_MENTORING` | the privacy app's consent history (latest choice) | privacy |

Not yet a purpose: "be counted in the figures sent to funders". Funders read published
snapshots built by `reports.tables.build_tables` from rows counted per program; leaving one
person out needs every section's query to exclude them, which is not done (issue 24).

Each app registers a `Store` in its `AppConfig.ready()`; a service that changes a choice calls
`changed(...)`, and the privacy app (an observer) appends it to the person's consent history
with the notice's version. A purpose nobody registered raises `LookupError`, never a silent yes.
"""

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

FOLLOW_UPS = "follow_ups"  # be contacted for follow-ups and reminders
PROFILE_SHARING = "profile_sharing"  # share my profile with a proposed mentor or mentee
ACCOMMODATIONS = "accommodations"  # share my accommodation needs with programs (employers)
PEER_MENTORING = "peer_mentoring"  # be invited as a peer mentor after finding work

PURPOSES = (FOLLOW_UPS, PROFILE_SHARING, ACCOMMODATIONS, PEER_MENTORING)


@dataclass(frozen=True)
class Store:
    # refused(participant ids) -> the ids among them whose choice is "no" right now
    refused: Callable[[Collection[int]], set[int]]
    # give(participant, given, actor): writes the choice where it lives, through its service
    give: Callable[[Any, bool, Any], None]


# (purpose, participant, given, actor, channel)
type ChangeObserver = Callable[[str, Any, bool, Any, str], None]

_STORES: dict[str, Store] = {}
_OBSERVERS: list[ChangeObserver] = []
# How a choice reached Tandem when staff record it ("phone", "paper"...): set around a write.
_CHANNEL: ContextVar[str] = ContextVar("tandem_consent_channel", default="")


def register_store(purpose: str, store: Store) -> None:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    _STORES[purpose] = store


def store(purpose: str) -> Store:
    try:
        return _STORES[purpose]
    except KeyError:
        raise LookupError(f"no app registered where consent to {purpose!r} lives") from None


def refused(purpose: str, participant_ids: Collection[int]) -> set[int]:
    """The people among these who said no to the purpose (bulk: one query per purpose)."""
    if not participant_ids:
        return set()
    return store(purpose).refused(participant_ids)


def allows(purpose: str, participant: Any) -> bool:
    return participant.pk not in refused(purpose, [participant.pk])


def observe_changes(observer: ChangeObserver) -> None:
    if observer not in _OBSERVERS:
        _OBSERVERS.append(observer)


def changed(*, purpose: str, participant: Any, given: bool, actor: Any) -> None:
    """Called by the service that wrote a choice, inside its transaction."""
    for observer in _OBSERVERS:
        observer(purpose, participant, given, actor, _CHANNEL.get())


@contextmanager
def given_by(channel: str) -> Iterator[None]:
    """Staff record a choice the person gave them (by phone, in person, on paper)."""
    token = _CHANNEL.set(channel)
    try:
        yield
    finally:
        _CHANNEL.reset(token)
