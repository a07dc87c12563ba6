"""The people and organizations every test can use.

`home` is the organization whose people act; `elsewhere` is another organization of the
network whose records must stay invisible to them (the outsider).
"""

from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress

from tandem.accounts.models import User
from tandem.organizations.models import Membership, Organization, OrganizationType, Role
from tandem.participants.models import Participant
from tandem.reference.models import Occupation


def make_user(
    email: str,
    *,
    language: str = "en",
    superuser: bool = False,
    password: str = "a-long-test-password",
) -> User:
    user = User.objects.create_user(
        email,
        password,
        first_name=email.split("@")[0].title(),
        preferred_language=language,
        is_staff=superuser,
        is_superuser=superuser,
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def make_organization(slug: str, kind: str = OrganizationType.SERVICE_AGENCY) -> Organization:
    return Organization.objects.create(
        slug=slug, kind=kind, name_en=f"{slug} (EN)", name_fr=f"{slug} (FR)"
    )


def make_member(
    organization: Organization, role: str, email: str | None = None, **user_fields
) -> User:
    user = make_user(email or f"{role}.{organization.slug}@example.org", **user_fields)
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


def occupation(code: str = "21231") -> Occupation:
    """A NOC unit group with its parents, without loading the whole classification."""
    parent: Occupation | None = None
    for length in range(1, len(code) + 1):
        parent, _ = Occupation.objects.get_or_create(
            code=code[:length],
            defaults={
                "level": length,
                "title_en": f"NOC {code[:length]}",
                "title_fr": f"CNP {code[:length]}",
                "parent": parent,
            },
        )
    assert parent is not None, code
    return parent


def make_participant(organization: Organization, role: str = "mentee", **fields) -> Participant:
    count = Participant.objects.count()
    defaults = {
        "external_id": f"X-{count + 1}",
        "given_name": "Test",
        "family_name": f"Person{count + 1}",
        "email": f"person{count + 1}@example.org",
        "languages": "en;fr",
        "occupation": occupation(),
    }
    return Participant.objects.create(
        organization=organization, role=role, **{**defaults, **fields}
    )


@dataclass
class Side:
    organization: Organization
    staff: User
    caseworker: User
    admin: User
    funder: User
    mentee: Participant
    mentee_user: User


def make_side(slug: str) -> Side:
    organization = make_organization(slug)
    mentee_user = make_user(f"mentee.{slug}@example.org")
    return Side(
        organization=organization,
        staff=make_member(organization, Role.PROGRAM_STAFF),
        caseworker=make_member(organization, Role.CASEWORKER),
        admin=make_member(organization, Role.ORG_ADMIN),
        funder=make_member(organization, Role.FUNDER),
        mentee=make_participant(organization, user=mentee_user),
        mentee_user=mentee_user,
    )


@pytest.fixture
def home(db) -> Side:
    return make_side("home-agency")


@pytest.fixture
def elsewhere(db) -> Side:
    return make_side("other-agency")


@pytest.fixture
def platform_admin(db) -> User:
    return make_user("root@example.org", superuser=True)


@pytest.fixture
def no_mfa(settings):
    """Most view tests are about access, not the second factor (tested on its own)."""
    settings.TANDEM_MFA_REQUIRED = False


def worker_until_idle() -> None:
    """Runs the real worker (django-tasks-db's, core/worker.py) until nothing is due."""
    from django.core.management import call_command

    call_command(
        "tandem_worker",
        "--queue-name",
        "*",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        verbosity=0,
    )


@pytest.fixture
def run_worker(transactional_db):
    """Runs the real worker (django-tasks-db's, core/worker.py) until the queue is empty."""
    return worker_until_idle
