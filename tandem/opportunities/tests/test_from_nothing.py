"""Issue 22 from an EMPTY database, through the pages, each person with the account they created
from their invitation (walk.py): a national association and its Ontario hub with an affiliated
job site are set up; the employer posts a virtual job-shadowing day (a place outside Canada and
a past day are refused with clear messages); the job developer, in French, saves a search, gets
the digest, finds the opportunity with five filters and refers a client who shares one
accommodation; the employer reads it and accepts; the day is recorded; both give feedback (the
job-seeker from her own account); the hub, the national view and the employer's page show it;
once closed, the opportunity's link says so."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tandem.core.tests.cast import occupation
from tandem.opportunities.models import Application, Opportunity
from tandem.opportunities.tests.factories import postal_area
from tandem.opportunities.tests.walk import (
    first_admin,
    fr,
    invite,
    joins,
    link_in,
    mail_to,
    organization,
)
from tandem.organizations.models import Organization
from tandem.participants.models import Participant

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def empty_platform(settings):
    """Reference data only: the NOC group and the postal areas the forms look up."""
    settings.TANDEM_MFA_REQUIRED = False
    occupation("11100")
    postal_area("K1P")
    postal_area("K0A", place="Rural Ottawa")


def test_the_board_from_nothing_through_its_pages(empty_platform):
    admin = first_admin()
    organization(admin, "mentorability", "association", province="")
    ids = dict(Organization.objects.values_list("slug", "pk"))
    # A provincial hub belongs to the national association; a job site belongs to the hub.
    organization(admin, "ontario-hub", "provincial_hub", parent=str(ids["mentorability"]))
    ids = dict(Organization.objects.values_list("slug", "pk"))
    organization(admin, "access-emploi", "service_agency", parent=str(ids["ontario-hub"]))
    organization(admin, "maple-bank", "employer")
    ids = dict(Organization.objects.values_list("slug", "pk"))
    invite(admin, "maple-bank", "hr@maple.example", "employer_partner")
    invite(admin, "access-emploi", "conseil@access.example", "caseworker", "fr")
    invite(admin, "ontario-hub", "hub@ontario.example", "program_staff")
    invite(admin, "mentorability", "lead@mentorability.example", "network_leader")
    employer = joins("hr@maple.example", "Grace", "Hopper")
    developer = joins("conseil@access.example", "Nadia", "Roy")
    hub = joins("hub@ontario.example", "Omar", "Haddad")
    national = joins("lead@mentorability.example", "Léa", "Gagnon")

    # The job developer, in French, records a client and saves a search before anything is
    # posted: the digest will bring her what comes next.
    developer.send(
        "/fr/participants/organization/access-emploi/new/",
        fr("Save"),
        external_id="AE-1",
        given_name="Élise",
        family_name="Tremblay",
        email="elise@example.org",
        preferred_language="fr",
        languages=["fr", "en"],
        occupation_query="11100",
        postal_code="K0A 1A0",
        province="ON",
    )
    elise = Participant.objects.get(email="elise@example.org")
    developer.send(
        "/fr/opportunities/?province=ON&mode=virtual&kind=job_shadowing",
        fr("Save the search"),
        name="Ontario, virtuel",
    )

    # The employer posts; a place outside Canada and a day that has passed are refused, the
    # form keeping what was typed.
    day = (timezone.localdate() + timedelta(days=14)).isoformat()
    posting = {
        "kind": "job_shadowing",
        "title_en": "A day with our accountants",
        "title_fr": "Une journée avec nos comptables",
        "occupation_query": "11100",
        "mode": "virtual",
        "province": "ON",
        "starts_on": day,
        "ends_on": day,
        "places": "1",
        "language": "both",
        "accommodations": ["captions", "flexible_hours"],
        "learning_en": "How a month-end close works",
        "accessibility_en": "Every call is captioned.",
    }
    page = employer.send(
        "/en/opportunities/new/",
        "Post the opportunity",
        status=200,
        **{**posting, "mode": "in_person", "postal_code": "90210"},
    )
    assert "The board lists opportunities in Canada only" in page
    assert 'value="A day with our accountants"' in page
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    page = employer.send(
        "/en/opportunities/new/",
        "Post the opportunity",
        status=200,
        **{**posting, "starts_on": yesterday},
    )
    assert "This date has passed: choose today or a later day." in page
    page = employer.send("/en/opportunities/new/", "Post the opportunity", **posting)
    assert "The opportunity is on the board." in page
    opportunity = Opportunity.objects.get()
    assert opportunity.employer_id == ids["maple-bank"] and opportunity.posted_by is None

    # The hourly sweep mails the saved search's new match, in French.
    call_command("run_sweeps", stdout=open("/dev/null", "w"))
    digest = mail_to("conseil@access.example")
    assert "Une journée avec nos comptables" in str(digest.body)

    # Five filters find it; the client is referred sharing one accommodation.
    board = developer.page(
        f"/fr/opportunities/?province=ON&mode=virtual&kind=job_shadowing&language=fr"
        f"&available_from={day}&accommodations=captions"
    )
    assert "Une journée avec nos comptables" in board
    assert "Une journée avec nos comptables" not in developer.page(
        "/fr/opportunities/?province=QC&mode=virtual&kind=job_shadowing"
    )
    page = developer.send(
        f"/fr/opportunities/{opportunity.pk}/apply/",
        fr("Send the application"),
        participant=str(elise.pk),
        message="Élise aimerait voir une clôture.",
        shares_accommodations="on",
        accommodations_needed=["captions"],
    )
    assert fr("Captions for virtual meetings") in page
    application = Application.objects.get()
    assert application.referred_by is not None and application.accommodations_needed

    # The employer reads the one shared need and accepts; the hub sees that something was
    # shared, not what.
    manage = employer.page(f"/en/opportunities/manage/{opportunity.pk}/")
    assert "Élise Tremblay" in manage
    detail = f"/en/opportunities/applications/{application.pk}/"
    assert "Captions for virtual meetings" in employer.page(detail)
    page = employer.send(detail, "Send the answer", decision="accept")
    assert "Accepted: the job-seeker is told by e-mail." in page
    assert "acceptée" in mail_to("elise@example.org").subject.lower()
    hub_page = hub.page(detail)
    assert "Shared with the employer only." in hub_page
    assert "Captions for virtual meetings" not in hub_page

    # Full now: the posting says so before anyone fills the form.
    assert "This opportunity is full" in developer.page(f"/en/opportunities/{opportunity.pk}/")

    # The day is recorded with an outcome; the employer says what it learned about inclusion.
    today = timezone.localdate().isoformat()
    employer.send(detail, "Record", happened_on=today, further_opportunity="on")
    page = employer.send(
        detail, "Send the feedback", learned="Captions made the calls easy.", would_host_again="on"
    )
    assert "Thank you for your feedback." in page

    # Élise gets her own account from her job developer and gives her own feedback.
    developer.send(
        "/fr/participants/organization/access-emploi/accounts/",
        fr("Invite the people chosen"),
        participant=[str(elise.pk)],
    )
    seeker = joins("elise@example.org", "Élise", "Tremblay")
    mine = seeker.page("/fr/opportunities/mine/")
    assert "Une journée avec nos comptables" in mine
    page = seeker.send(
        f"/fr/opportunities/applications/{application.pk}/",
        fr("Send the feedback"),
        learned="Comment se fait une clôture de fin de mois.",
        accessible="yes",
    )
    assert fr("Thank you for your feedback.") in page

    # The hub's page, the national view (small cells hidden) and the employer's page.
    links = hub.page("/en/opportunities/mine/")
    assert f"/en/opportunities/hubs/{ids['ontario-hub']}/" in links
    hub_view = hub.page(f"/en/opportunities/hubs/{ids['ontario-hub']}/")
    assert "A day with our accountants" in hub_view and "Élise Tremblay" in hub_view
    links = national.page("/en/opportunities/mine/")
    assert "/en/opportunities/national/mentorability/" in links
    view = national.page("/en/opportunities/national/mentorability/")
    assert "1 employer engaged across the provinces." in view
    assert '<td class="num">x</td>' in view and "Élise" not in view
    page = employer.page(f"/en/opportunities/employers/{ids['maple-bank']}/")
    assert "Élise Tremblay" in page and "Captions made the calls easy." in page

    # Closed by the employer, its link says so in the reader's language.
    employer.send(f"/en/opportunities/manage/{opportunity.pk}/", "Close this opportunity")
    page = developer.page(f"/fr/opportunities/{opportunity.pk}/", status=410)
    assert fr("This opportunity is closed: it takes no more applications.") in page
    assert link_in(digest)  # the digest's link is the page that now says so
