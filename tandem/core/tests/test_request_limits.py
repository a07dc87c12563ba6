"""Pages for signed-in people are never cached; a request body larger than any upload we accept
is refused before it is read."""

import pytest
from django.test import Client, override_settings


@pytest.mark.django_db
def test_every_page_a_signed_in_person_gets_is_no_store(client: Client, home, no_mfa):
    client.force_login(home.staff)
    for url in ("/en/", "/en/programs/", "/en/reports/"):
        response = client.get(url)
        assert response["Cache-Control"] == "private, no-store", url


@pytest.mark.django_db
@override_settings(TANDEM_REQUEST_MAX_BYTES=1024 * 1024)
def test_a_body_over_the_cap_is_refused_before_it_is_read(client: Client):
    class Unreadable:
        def read(self, *args):
            raise AssertionError("the body was read")

        readline = read

    response = client.generic(
        "POST",
        "/en/apply/",
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(300 * 1024 * 1024),
        **{"wsgi.input": Unreadable()},  # type: ignore[arg-type]  # a WSGI key, not a header
    )
    assert response.status_code == 413
    assert "at most 1 MB" in response.content.decode()
