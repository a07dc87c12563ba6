import pytest

from tandem.demo.network import demo_load
from tandem.reference.models import Industry, Occupation, OccupationTitle, PostalArea
from tandem.reference.selectors import occupation_search
from tandem.reference.services import reference_clear, reference_load


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The full classifications, loaded once for the module (a load takes a few seconds)."""
    with django_db_blocker.unblock():
        counts = reference_load()
    yield counts
    with django_db_blocker.unblock():
        reference_clear()


@pytest.fixture
def reference(loaded, db):
    return loaded


def test_the_packaged_classifications_load_completely(reference):
    assert reference == {
        "occupations": 822,
        "titles": 57702,
        "industries": 2059,
        "postal_areas": 1650,
    }
    assert Occupation.objects.get(code="21231").title_fr.startswith("Ingénieurs/ingénieures")
    assert Occupation.objects.get(code="21231").parent_id == "2123"
    assert Industry.objects.get(code="541515").parent_id == "54151"
    assert not PostalArea.objects.filter(fsa="H0H").exists()  # the North Pole placeholder
    assert OccupationTitle.objects.filter(language="fr").count() == 29767


def test_an_occupation_is_found_by_a_french_title_without_accents(reference):
    results = occupation_search(query="ingenieur logiciel")
    assert "21231" in [occupation.code for occupation, _title in results]


def test_an_occupation_is_found_by_an_english_title_and_by_code(reference):
    assert occupation_search(query="registered nurse")[0][0].code == "31301"
    assert [o.code for o, _ in occupation_search(query="2123")] == [
        "21230",
        "21231",
        "21232",
        "21233",
        "21234",
    ]


def test_titles_that_start_with_the_query_come_first(reference):
    first_titles = [title for _occupation, title in occupation_search(query="infirmi", limit=5)]
    assert all(title.lower().startswith("infirmi") for title in first_titles), first_titles


def test_the_search_page_answers_in_french_and_as_an_htmx_fragment(client, reference):
    page = client.get("/fr/occupations/", {"q": "comptable"})
    assert "Trouver une profession" in page.content.decode() and "11100" in page.content.decode()
    fragment = client.get("/en/occupations/", {"q": "accountant"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode() and "11100" in fragment.content.decode()


@pytest.mark.slow
def test_the_demo_network_loads_with_real_occupations(reference):
    logins = demo_load()
    from tandem.organizations.models import Organization
    from tandem.participants.models import Participant

    # The nine of the network, the two provincial hubs (opportunities) and an association
    # partner (employers).
    assert Organization.objects.count() == 12
    assert Participant.objects.filter(role="mentee").count() >= 24
    assert Participant.objects.filter(role="mentor").count() >= 20
    assert {login.email for login in logins} >= {
        "staff@tandem.demo",
        "funder@tandem.demo",
        "mentee@tandem.demo",
    }
