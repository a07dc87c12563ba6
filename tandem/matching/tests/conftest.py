import pytest
from django.utils import translation

from tandem.matching import kept_matchers
from tandem.matching.tests.factories import TEST_EMBEDDER


@pytest.fixture(autouse=True)
def _test_embedder(settings):
    settings.TANDEM_MATCHING_EMBEDDER = TEST_EMBEDDER


@pytest.fixture(autouse=True)
def _no_kept_matchers():
    # The worker keeps each program's last matcher (kept_matchers); tests start without.
    kept_matchers.desk_forget()
    yield
    kept_matchers.desk_forget()


@pytest.fixture(autouse=True)
def _english_urls():
    # reverse() follows the active language; a page visited in French leaves it active.
    with translation.override("en"):
        yield
