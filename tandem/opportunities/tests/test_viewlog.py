"""The log of who viewed a person's record (tandem/privacy) and applications: an application's
page names the job-seeker and may show the accommodation needs they shared with that employer,
so whoever opens it other than the person is logged, as for a referral (the subject is
registered from OpportunitiesConfig.ready())."""

import pytest
from django.test import Client
from django.urls import reverse

from tandem.core.tests.cast import make_member
from tandem.opportunities.tests.factories import make_application, make_employer, make_opportunity
from tandem.organizations.models import Role
from tandem.privacy.models import RecordView


@pytest.mark.django_db
def test_the_employer_opening_an_application_page_is_logged_and_the_person_is_not(
    client: Client, home, no_mfa
):
    employer = make_employer("maple")
    hr = make_member(employer, Role.EMPLOYER_PARTNER, email="hr@maple.example.org")
    application = make_application(
        make_opportunity(employer),
        home.mentee,
        shares_accommodations=True,
        accommodations_needed=";captions;",
    )
    page = reverse("opportunities:application", args=[application.pk])

    client.force_login(hr)
    response = client.get(page)
    assert response.status_code == 200
    assert "Captions for virtual meetings" in response.text  # the shared need was shown
    row = RecordView.objects.get()
    assert (row.participant_id, row.viewer_id, row.organization_id, row.kind) == (
        home.mentee.pk,
        hr.pk,
        employer.pk,
        "application",
    )
    assert (row.page, row.path) == ("opportunities:application", page)

    # The job developer's view is another row; the person reading their own application is not
    # someone else's view.
    client.force_login(home.caseworker)
    assert client.get(page).status_code == 200
    client.force_login(home.mentee_user)
    assert client.get(page).status_code == 200
    viewers = list(RecordView.objects.order_by("pk").values_list("viewer_id", flat=True))
    assert viewers == [hr.pk, home.caseworker.pk]
    assert row.get_kind_display() == "Application to an opportunity"
