"""Live suggestions for the occupation and industry boxes of the mentee and mentor forms: the
server's half (the options htmx puts in the listbox) and the form taking the option chosen."""

import pytest
from django.test import Client

from tandem.core.tests.cast import occupation
from tandem.reference.models import Industry, OccupationTitle, search_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def titles():
    for code, title, language in [
        ("21231", "Software developer", "en"),
        ("21231", "Développeuse de logiciels", "fr"),
        ("31301", "Registered nurse", "en"),
    ]:
        occupation(code)
        OccupationTitle.objects.create(
            occupation_id=code, language=language, title=title, search_text=search_key(title)
        )
    Industry.objects.create(
        code="5415", level=4, title_en="Computer systems design", title_fr="Conception de systèmes"
    )


def test_typing_a_title_in_either_language_lists_the_occupations_as_options(client: Client, titles):
    response = client.get("/fr/occupations/suggestions/", {"occupation_query": "developpeuse"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'role="option"' in page and 'data-value="21231"' in page
    assert 'data-label="Développeuse de logiciels"' in page
    assert "1 suggestion : utilisez" in page.replace("\u202f", " ").replace("\xa0", " ")
    page = client.get("/en/occupations/suggestions/", {"occupation_query": "nurse"}).content
    assert b'data-value="31301"' in page and b'data-value="21231"' not in page


def test_nothing_typed_lists_nothing_and_a_miss_says_the_words_are_searched_on_sending(
    client: Client, titles
):
    page = client.get("/en/occupations/suggestions/", {"occupation_query": "s"}).content.decode()
    assert 'role="option"' not in page and "No suggestion" not in page
    page = client.get("/en/occupations/suggestions/", {"occupation_query": "zzz"}).content.decode()
    assert 'role="option"' not in page and "No suggestion" in page


def test_industries_are_suggested_by_their_english_or_french_title(client: Client, titles):
    for language, words in (("en", "computer"), ("fr", "conception")):
        page = client.get(
            f"/{language}/occupations/industries/suggestions/", {"industry_query": words}
        )
        assert b'data-value="5415"' in page.content


def test_the_form_takes_the_chosen_option_and_refuses_a_code_that_is_no_unit_group(
    client: Client, home, titles, no_mfa
):
    from tandem.participants.models import Participant

    client.force_login(home.caseworker)
    url = f"/en/participants/organization/{home.organization.slug}/new/"
    form = client.get(url).content.decode()
    assert 'role="combobox"' in form and 'aria-controls="id_occupation_query-listbox"' in form
    assert 'hx-get="/en/occupations/suggestions/"' in form
    person = {
        "external_id": "C-9",
        "given_name": "Yusuf",
        "family_name": "Abdi",
        "email": "yusuf@example.org",
        "preferred_language": "en",
        "languages": ["en"],
        "postal_code": "K1N 5Y1",
        "meeting_mode": "either",
        "occupation_query": "Software developer",
    }
    response = client.post(url, {**person, "occupation": "2"})  # a major group, not choosable
    assert response.status_code == 200 and not Participant.objects.filter(external_id="C-9")
    client.post(url, {**person, "occupation": "21231"})
    assert Participant.objects.get(external_id="C-9").occupation_id == "21231"
