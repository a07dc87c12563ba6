"""The directory of networks: an organization's profile, kept by its admins."""

from typing import Any

from django.db import transaction

from tandem.accounts.models import User
from tandem.core import audit
from tandem.library.models import NetworkProfile
from tandem.library.services.base import PROFILE_SAVED
from tandem.organizations.models import Organization

PROFILE_FIELDS = (
    "focus_en",
    "focus_fr",
    "served_en",
    "served_fr",
    "members_count",
    "languages",
    "offers_mentoring",
    "offers_job_board",
    "offers_professional_development",
    "contact_email",
)


@transaction.atomic
def profile_save(*, actor: User, organization: Organization, **fields: Any) -> NetworkProfile:
    profile, _created = NetworkProfile.objects.select_for_update().get_or_create(
        organization=organization
    )
    for name in PROFILE_FIELDS:
        if name in fields:
            setattr(profile, name, fields[name])
    # The names the directory's search reads (a renamed organization is found again by its new
    # name at the next save; the directory also matches the live name).
    profile.name_en, profile.name_fr = organization.name_en, organization.name_fr
    profile.updated_by = actor
    profile.full_clean(exclude=["organization", "search_document"])
    profile.save()
    audit.record(PROFILE_SAVED, actor=actor, target=profile, about=[organization])
    return profile
