"""Privacy writes: naming the privacy officer (consent, requests, retention and incidents
live in their own modules of this app)."""

from django.db import transaction
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.core import audit
from tandem.organizations.models import Organization
from tandem.privacy.models import PrivacySettings

OFFICER_NAMED = audit.event("privacy.officer_named", gettext_lazy("Privacy officer named"))


@transaction.atomic
def officer_name(
    *, actor: User, organization: Organization, officer: User | None
) -> PrivacySettings:
    settings, _created = PrivacySettings.objects.select_for_update().get_or_create(
        organization=organization
    )
    settings.officer = officer
    settings.save(update_fields=["officer", "updated_at"])
    audit.record(
        OFFICER_NAMED,
        actor=actor,
        target=organization,
        data={"officer": officer.email if officer else ""},
    )
    return settings
