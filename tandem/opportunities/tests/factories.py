"""Employers, hubs, opportunities and applications for tests and the URL walks."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tandem.core.tests.cast import Side, make_member, make_organization, occupation
from tandem.opportunities.models import Application, ApplicationStatus, Opportunity
from tandem.organizations.models import Membership, Organization, OrganizationType, Role
from tandem.reference.models import PostalArea


def postal_area(fsa: str = "K1P", province: str = "ON", place: str = "Ottawa") -> PostalArea:
    area, _created = PostalArea.objects.get_or_create(
        fsa=fsa,
        defaults={"place_name": place, "province": province, "latitude": 45.4, "longitude": -75.7},
    )
    return area


def make_employer(slug: str, province: str = "ON") -> Organization:
    employer = make_organization(slug, OrganizationType.EMPLOYER)
    employer.province = province
    employer.save(update_fields=["province"])
    return employer


def make_hub(slug: str, province: str = "ON", parent: Organization | None = None) -> Organization:
    hub = make_organization(slug, OrganizationType.PROVINCIAL_HUB)
    hub.province, hub.parent = province, parent
    hub.save(update_fields=["province", "parent"])
    return hub


def make_opportunity(employer: Organization, **fields: Any) -> Opportunity:
    today = timezone.localdate()
    defaults: dict[str, Any] = {
        "kind": "job_shadowing",
        "title_en": f"Shadow a day at {employer.slug}",
        "title_fr": f"Une journée chez {employer.slug}",
        "occupation": occupation("11100"),
        "mode": "virtual",
        "province": employer.province or "ON",
        "starts_on": today + timedelta(days=7),
        "ends_on": today + timedelta(days=7),
        "places": 2,
        "language": "both",
        "accommodations": ";flexible_hours;captions;",
    }
    return Opportunity.objects.create(employer=employer, **{**defaults, **fields})


def make_application(opportunity: Opportunity, participant: Any, **fields: Any) -> Application:
    return Application.objects.create(opportunity=opportunity, participant=participant, **fields)


def outsider_records(side: Side) -> dict[str, Any]:
    """For `side`: a national team (its own organization) with a provincial hub where its staff
    work; an employer of the hub's province with one of its people; an opportunity the hub
    posted for it; the side's mentee referred to it by the side's caseworker, sharing one
    accommodation; the employer's feedback once it took place; a saved search of the mentee."""
    cached = getattr(side, "_opportunity_records", None)
    if cached is not None:
        return cached
    slug = side.organization.slug
    hub = make_hub(f"hub-{slug}", parent=side.organization)
    Membership.objects.create(user=side.staff, organization=hub, role=Role.NETWORK_LEADER)
    employer = make_employer(f"employer-{slug}")
    employer_person = make_member(employer, Role.EMPLOYER_PARTNER)
    opportunity = make_opportunity(employer, posted_by=hub)
    application = make_application(
        opportunity,
        side.mentee,
        referred_by=side.caseworker,
        shares_accommodations=True,
        accommodations_needed=";captions;",
        accommodation_note="Captions, please",
        status=ApplicationStatus.ACCEPTED,
        place=1,
        places_when_accepted=opportunity.places,
    )
    from tandem.opportunities.models import SavedSearch

    search = SavedSearch.objects.create(
        user=side.mentee_user, name="Virtual", query="mode=virtual", checked_until=timezone.now()
    )
    records = {
        "hub": hub,
        "national": side.organization,
        "employer": employer,
        "employer_person": employer_person,
        "opportunity": opportunity,
        "application": application,
        "search": search,
    }
    side._opportunity_records = records  # type: ignore[attr-defined]
    return records
