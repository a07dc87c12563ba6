"""The access mechanism: the ground floor every area builds its own record policy on.

Every view declares a `Rule` with the `@rule(...)` decorator; a view that shows a record fetches
it through its area's `access_*` function (`tandem/<app>/access.py`), never with a bare
`objects.get`. A record that is missing and a record the person may not see give the same 404, so
that nobody can learn that another organization's record exists. Access functions answer with
what the person may do (`MentorshipAccess(mentorship, side, can_manage)`), so views never work
out roles themselves. `tests/test_url_access.py` walks every URL pattern and fails on any pattern
without a declared rule.

This module imports no app of Tandem (a test parses the imports under `tandem/core`): the
policy of each area lives with the area and imports only downward.
"""

from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver, get_resolver

View = Callable[..., HttpResponseBase]


class Audience(StrEnum):
    PUBLIC = "public"  # anyone, signed in or not
    SIGNED_IN = "signed_in"  # any signed-in person; the page shows only what is theirs
    SCOPED = "scoped"  # a record named in the URL: outsiders get 404
    PLATFORM_ADMIN = "platform_admin"  # the people who run the network


@dataclass(frozen=True)
class Rule:
    audience: Audience
    # URL keyword arguments that name a tenant record (checked by an access_* function).
    objects: tuple[str, ...] = ()
    methods: tuple[str, ...] = ("GET",)


def rule(
    audience: Audience, *, objects: Iterable[str] = (), methods: Iterable[str] = ("GET",)
) -> Callable[[View], View]:
    """Declares who may reach a view; enforces sign-in, admin-only and allowed methods."""
    declared = Rule(
        audience=audience, objects=tuple(objects), methods=tuple(m.upper() for m in methods)
    )
    allowed = set(declared.methods) | ({"HEAD"} if "GET" in declared.methods else set())

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method not in allowed:
                return HttpResponseNotAllowed(sorted(allowed))
            if audience is not Audience.PUBLIC and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if audience is Audience.PLATFORM_ADMIN and not getattr(
                request.user, "is_platform_admin", False
            ):
                raise Http404
            token = _REQUEST.set(request)
            try:
                return view(request, *args, **kwargs)
            finally:
                _REQUEST.reset(token)

        guarded.access_rule = declared  # type: ignore[attr-defined]
        return guarded

    return decorate


# Rules for views that Tandem mounts but did not write (allauth, the admin, Django's i18n).
# Keys are URL names, or a namespace followed by ":" for every URL of that namespace.
EXTERNAL_RULES: dict[str, Rule] = {
    "admin:": Rule(Audience.PLATFORM_ADMIN),
    **{
        name: Rule(Audience.PUBLIC)
        for name in [
            "account_login",
            "account_signup",
            "account_logout",
            "account_confirm_email",
            "account_email_verification_sent",
            "account_inactive",
            "account_reset_password",
            "account_reset_password_done",
            "account_reset_password_from_key",
            "account_reset_password_from_key_done",
            "account_login_code_confirm",
            "account_request_login_code",
            "account_confirm_login_code",
            "account_confirm_password_reset_code",
            "account_password_reset_code",
            "mfa_authenticate",
            "mfa_trust",
            "javascript-catalog",
        ]
    },
    **{
        name: Rule(Audience.SIGNED_IN, methods=("GET", "POST"))
        for name in [
            "account_email",
            "account_change_password",
            "account_set_password",
            "account_reauthenticate",
            "mfa_index",
            "mfa_reauthenticate",
            "mfa_activate_totp",
            "mfa_deactivate_totp",
            "mfa_view_recovery_codes",
            "mfa_generate_recovery_codes",
            "mfa_download_recovery_codes",
        ]
    },
}


def declared_rule(pattern_name: str | None, namespace: str, callback: View) -> Rule | None:
    """The rule that governs one URL pattern, or None if nobody declared one."""
    own = getattr(callback, "access_rule", None)
    if isinstance(own, Rule):
        return own
    if namespace and f"{namespace}:" in EXTERNAL_RULES:
        return EXTERNAL_RULES[f"{namespace}:"]
    qualified = f"{namespace}:{pattern_name}" if namespace else pattern_name
    return EXTERNAL_RULES.get(qualified or "")


@dataclass(frozen=True)
class Route:
    """One URL pattern, flattened out of the resolver tree."""

    regex: str
    name: str | None
    namespace: str
    callback: View
    kwargs: tuple[str, ...]

    @property
    def rule(self) -> Rule | None:
        return declared_rule(self.name, self.namespace, self.callback)


def all_routes(urlconf: str | None = None) -> list[Route]:
    routes: list[Route] = []

    def walk(patterns: Iterable[Any], prefix: str, namespace: str, kwargs: tuple[str, ...]) -> None:
        for entry in patterns:
            regex = prefix + str(entry.pattern.regex.pattern).lstrip("^")
            found = tuple(entry.pattern.regex.groupindex)
            if isinstance(entry, URLResolver):
                inner = ":".join(p for p in (namespace, entry.namespace or "") if p)
                walk(entry.url_patterns, regex, inner, kwargs + found)
            elif isinstance(entry, URLPattern):
                routes.append(Route(regex, entry.name, namespace, entry.callback, kwargs + found))

    walk(get_resolver(urlconf).url_patterns, "", "", ())
    return routes


def routes_without_rule(urlconf: str | None = None) -> list[Route]:
    return [route for route in all_routes(urlconf) if route.rule is None]


# --- Actions ---------------------------------------------------------------------------------


class Action(StrEnum):
    """What a person wants to do with a record. Each access function names the actions it
    answers (`@accepts`); asking one for any other action is a programming error, never a quiet
    fall-through to read access."""

    VIEW = "view"  # read the record
    CHANGE = "change"  # edit a record the person's organization holds
    MANAGE = "manage"  # run it: program staff of its program, admins of its organization
    REFER = "refer"  # refer a client: a referrer of the organization that holds the record
    DECIDE = "decide"  # accept or return a referral: the program's staff
    RESUBMIT = "resubmit"  # the referring side of a referral
    RESPOND = "respond"  # answer a proposal: the mentor or the mentee
    TAKE_PART = "take_part"  # the mentor or the mentee of a mentorship
    LOG = "log"  # log meetings and documents of a mentorship: the pair and its staff
    CONSENT = "consent"  # a person's own choices about being contacted


def accepts[AccessFunction: Callable[..., Any]](
    *actions: Action,
) -> Callable[[AccessFunction], AccessFunction]:
    """Declares the actions an access function answers; checked when the module is imported
    (each must be an `Action`) and at every call (an unknown or unaccepted action raises instead
    of falling through to read access)."""
    for action in actions:
        if not isinstance(action, Action):
            raise TypeError(f"{action!r} is not an Action")
    accepted = frozenset(actions)

    def decorate(function: AccessFunction) -> AccessFunction:
        @wraps(function)
        def checked(*args: Any, action: Action | str = Action.VIEW, **kwargs: Any) -> Any:
            chosen = Action(action)  # ValueError for a string that names no action
            if chosen not in accepted:
                raise ValueError(f"{function.__name__} does not answer {chosen!r}")
            return function(*args, action=chosen, **kwargs)

        checked.actions = accepted  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return decorate


def one_or_404[RecordType: Model](
    records: QuerySet[RecordType], pk: Any, *, field: str = "pk"
) -> RecordType:
    """The record named in the URL among those the person may reach; missing and forbidden are
    the same 404."""
    found = records.filter(**{field: pk}).first()
    if found is None:
        raise Http404
    disclosed([found], how=Disclosure.VIEW)
    return found


# --- Who opened what -------------------------------------------------------------------------
# Every record a view fetches by its id goes through `one_or_404`, so that is where a view of a
# person's record is noticed: no view can forget to log it. Core names no app; the area that
# keeps the log (privacy) registers an observer in its `AppConfig.ready()` and decides which
# records are about a person. Exports and downloads of many records call `disclosed` too.


class Disclosure(StrEnum):
    VIEW = "view"  # a page showed the record
    EXPORT = "export"  # a file of many records left Tandem (CSV, spreadsheet)


# (the request, the records, how): a list of fetched records (rows, or documents made from
# them: a certificate), or the query an export writes.
type DisclosureObserver = Callable[[HttpRequest, Sequence[Any] | QuerySet[Any], Disclosure], None]

_OBSERVERS: list[DisclosureObserver] = []
# The request a guarded view is answering (set by `@rule`'s wrapper around the view).
_REQUEST: ContextVar[HttpRequest | None] = ContextVar("tandem_request", default=None)


def observe_disclosures(observer: DisclosureObserver) -> None:
    """Registers what is told of every record a view fetches or exports (from `ready()`)."""
    if observer not in _OBSERVERS:
        _OBSERVERS.append(observer)


def current_request() -> HttpRequest | None:
    return _REQUEST.get()


def disclosed(records: Sequence[Any] | QuerySet[Any], *, how: Disclosure) -> None:
    """Tells the observers that the current request showed or exported these records (an
    export passes its query, read again by the observer without loading every row). Outside
    a guarded view (a task, a command, a test calling an access function) nobody is looking.
    A streamed export calls it in the view, before the response streams."""
    request = _REQUEST.get()
    if request is None:
        return
    for observer in _OBSERVERS:
        observer(request, records, how)


# --- Whom a record is about ------------------------------------------------------------------
# The view log needs to know which people a fetched record names. Each app says it of its own
# records (and of the documents it makes from them, a certificate) from its `AppConfig.ready()`:
#
#     access.register_subject(Application, kind="application",
#                             label=gettext_lazy("Application"),
#                             people=lambda application: [application.participant])
#
# A record of a registered class that a guarded view fetches with `one_or_404`, or that a view
# passes to `disclosed([...], how=Disclosure.VIEW)`, is then logged once per person and kind.


@dataclass(frozen=True)
class Subject:
    kind: str  # stored in the log (at most 20 characters)
    label: Any  # what the log shows for it, translated (a gettext_lazy string)
    people: Callable[[Any], Iterable[Any]]  # the participants the record is about


_SUBJECTS: dict[type, Subject] = {}


def register_subject(
    cls: type, *, kind: str, label: Any, people: Callable[[Any], Iterable[Any]]
) -> None:
    if len(kind) > 20:
        raise ValueError(f"a view-log kind has at most 20 characters: {kind!r}")
    _SUBJECTS[cls] = Subject(kind, label, people)


def subject_of(record: object) -> Subject | None:
    """What the record's class (or the nearest class it inherits from) registered."""
    for cls in type(record).__mro__:
        found = _SUBJECTS.get(cls)
        if found is not None:
            return found
    return None


def subject_kinds() -> list[tuple[str, Any]]:
    """(kind, label) of every registered kind, once each: the choices of the log's column."""
    kinds: dict[str, Any] = {}
    for subject in _SUBJECTS.values():
        kinds.setdefault(subject.kind, subject.label)
    return list(kinds.items())
