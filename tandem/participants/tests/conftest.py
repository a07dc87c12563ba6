import pytest


@pytest.fixture(autouse=True)
def _files_in_memory(settings):
    """Uploaded résumés and CSV files stay in memory during tests."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


@pytest.fixture
def reference(db):
    """A few real-looking reference rows for the CSV checks."""
    from tandem.core.tests.cast import occupation
    from tandem.reference.models import Industry, PostalArea

    occupation("21231")
    occupation("31301")
    Industry.objects.create(code="5415", level=4, title_en="Computer systems design")
    PostalArea.objects.create(
        fsa="K1K", place_name="Ottawa", province="ON", latitude=45.4, longitude=-75.6
    )
    PostalArea.objects.create(
        fsa="J8X", place_name="Gatineau", province="QC", latitude=45.4, longitude=-75.7
    )
