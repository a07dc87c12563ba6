import pytest
from django.utils import translation

from tandem.matching.tests.factories import TEST_EMBEDDER


@pytest.fixture(autouse=True)
def _test_embedder(settings):
    settings.TANDEM_MATCHING_EMBEDDER = TEST_EMBEDDER


@pytest.fixture(autouse=True)
def _english_urls():
    # reverse() follows the active language; a page visited in French leaves it active.
    with translation.override("en"):
        yield
