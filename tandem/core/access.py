"""Who may see or change what: the one place in Tandem that decides.

Every view declares a `Rule` with the `@rule(...)` decorator, and views that show a record fetch
it through an `access_*` function below, never with a bare `objects.get`. A record that is
missing and a record the person may not see give the same 404, so that nobody can learn that
another organization's record exists. `tests/test_url_access.py` walks every URL pattern and
fails on any pattern without a declared rule.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, get_resolver

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.organizations.models import Organization
    from tandem.participants.models import Participant


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
) -> Callable:
    """Declares who may reach a view; enforces sign-in, admin-only and allowed methods."""
    declared = Rule(
        audience=audience, objects=tuple(objects), methods=tuple(m.upper() for m in methods)
    )
    allowed = set(declared.methods) | ({"HEAD"} if "GET" in declared.methods else set())

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                return HttpResponseNotAllowed(sorted(allowed))
            if audience is not Audience.PUBLIC and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if audience is Audience.PLATFORM_ADMIN and not request.user.is_platform_admin:
                raise Http404
            return view(request, *args, **kwargs)

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


def declared_rule(pattern_name: str | None, namespace: str, callback: Callable) -> Rule | None:
    """The rule that governs one URL pattern, or None if nobody declared one."""
    own = getattr(callback, "access_rule", None)
    if own is not None:
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
    callback: Callable
    kwargs: tuple[str, ...]

    @property
    def rule(self) -> Rule | None:
        return declared_rule(self.name, self.namespace, self.callback)


def all_routes(urlconf: str | None = None) -> list[Route]:
    routes: list[Route] = []

    def walk(patterns: Iterable, prefix: str, namespace: str, kwargs: tuple[str, ...]) -> None:
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


# --- Roles -----------------------------------------------------------------------------------


def _roles():
    from tandem.organizations.models import Role

    return Role


def client_record_roles() -> set[str]:
    """Roles whose holders open a client's record (and so must use a second factor)."""
    Role = _roles()
    return {Role.PROGRAM_STAFF, Role.CASEWORKER, Role.ORG_ADMIN}


def active_memberships(user: "User") -> QuerySet:
    from tandem.organizations.models import Membership

    return Membership.objects.filter(user=user, is_active=True, organization__is_active=True)


def requires_second_factor(user: "User") -> bool:
    return (
        user.is_platform_admin
        or active_memberships(user).filter(role__in=client_record_roles()).exists()
    )


def organizations_of(
    user: "User", *, roles: Iterable[str] | None = None
) -> QuerySet["Organization"]:
    from tandem.organizations.models import Organization

    memberships = active_memberships(user)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return Organization.objects.filter(pk__in=memberships.values("organization_id"))


# --- Organizations ---------------------------------------------------------------------------


def access_organization(user: "User", slug: str, *, action: str = "view") -> "Organization":
    """An organization's workspace: its members see it, its admins manage it."""
    from tandem.organizations.models import Organization, Role

    organizations = Organization.objects.filter(is_active=True)
    if not user.is_platform_admin:
        roles = [Role.ORG_ADMIN] if action == "manage" else None
        organizations = organizations.filter(
            pk__in=organizations_of(user, roles=roles).values("pk")
        )
    found = organizations.filter(slug=slug).first()
    if found is None:
        raise Http404
    return found


# --- Participants (client records) -----------------------------------------------------------


def participants_visible_to(user: "User") -> QuerySet["Participant"]:
    """Client records this person may open.

    Staff of the organization that holds the record (program staff, caseworkers, admins) and the
    person themself. Funders, employer partners and network leaders never see a person's record.
    """
    from tandem.participants.models import Participant

    if user.is_platform_admin:
        return Participant.objects.all()
    holders = organizations_of(user, roles=client_record_roles())
    return Participant.objects.filter(Q(organization__in=holders) | Q(user=user))


def can_manage_participants(user: "User", organization: "Organization") -> bool:
    return (
        user.is_platform_admin
        or organizations_of(user, roles=client_record_roles()).filter(pk=organization.pk).exists()
    )


def access_participant(user: "User", participant_id: int, *, action: str = "view") -> "Participant":
    participants = participants_visible_to(user)
    if action == "change" and not user.is_platform_admin:
        participants = participants.filter(
            organization__in=organizations_of(user, roles=client_record_roles())
        )
    found = (
        participants.select_related("organization", "occupation", "industry")
        .filter(pk=participant_id)
        .first()
    )
    if found is None:
        raise Http404
    return found
