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
| `FUNDER_REPORTS` | the privacy app's consent history (latest choice) | privacy |

How an app adds a purpose (from its `AppConfig.ready()`, no migration, no import of privacy):

    consent.declare(consent.Notice(code="...", name_en=..., name_fr=..., notice_en=...,
                                   notice_fr=..., depends_en=..., depends_fr=...,
                                   given_by_default=False, position=60),
                    store=consent.Store(refused=..., give=...))

The privacy app creates the purpose's row (its notice, version 1) from the declaration after
every `migrate` (post_migrate: `manage.py release`, a test database, a flushed one) and never
overwrites a row that exists: staff edit notices on the privacy pages, which raises the
version. A purpose whose choice is kept in the privacy app's history passes
`store=None` to `declare` and the privacy app keeps it (see privacy/consents.py `kept_here`).

A service that changes a choice calls `changed(...)`, and the privacy app (an observer)
appends it to the person's consent history with the notice's version. A purpose nobody
registered raises `LookupError`, never a silent yes.
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
FUNDER_REPORTS = "funder_reports"  # be counted in the reports published to funders


@dataclass(frozen=True)
class Notice:
    """A purpose as its app declares it: the first version of its notice, in both languages.
    Plain strings, not gettext: the notice is data (staff change it later, with a version)."""

    code: str
    name_en: str
    name_fr: str
    notice_en: str
    notice_fr: str
    # What stops at once when the person says no (shown to staff with the old versions).
    depends_en: str
    depends_fr: str
    # Without any answer: is the person counted as agreeing?
    given_by_default: bool = True
    position: int = 100  # order on the consent page (the first purposes use 0-10)


@dataclass(frozen=True)
class Store:
    # refused(participant ids) -> the ids among them whose choice is "no" right now
    refused: Callable[[Collection[int]], set[int]]
    # give(participant, given, actor): writes the choice where it lives, through its service
    give: Callable[[Any, bool, Any], None]
    # everyone who said no, without a list to look in (a report over a whole network): only
    # for a purpose agreed until the person says no (the refusals are then the answers "no")
    refused_all: Callable[[], set[int]] | None = None


# (purpose, participant, given, actor, channel)
type ChangeObserver = Callable[[str, Any, bool, Any, str], None]

_NOTICES: dict[str, Notice] = {}
_STORES: dict[str, Store] = {}
_OBSERVERS: list[ChangeObserver] = []
# How a choice reached Tandem when staff record it ("phone", "paper"...): set around a write.
_CHANNEL: ContextVar[str] = ContextVar("tandem_consent_channel", default="")


def declare(notice: Notice, *, store: Store | None) -> None:
    """Declares a purpose (from `AppConfig.ready()`), with where its choice lives: `store`, or
    None for a purpose the privacy app keeps in its history (it registers the store)."""
    _NOTICES[notice.code] = notice
    if store is not None:
        _STORES[notice.code] = store


def declared() -> list[Notice]:
    """Every declared purpose, in page order."""
    return sorted(_NOTICES.values(), key=lambda notice: (notice.position, notice.code))


def register_store(purpose: str, store: Store) -> None:
    """Where the choice of a purpose lives (a purpose declared elsewhere: the first purposes are
    declared by the privacy app, which wrote their notices, and stored by the apps that act on
    them)."""
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


def refused_by_anyone(purpose: str) -> set[int]:
    """Every person who said no to the purpose (e.g. a funder report over a whole network)."""
    found = store(purpose).refused_all
    if found is None:
        raise LookupError(f"the refusals of {purpose!r} cannot be listed without candidates")
    return found()


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
