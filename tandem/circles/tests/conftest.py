import pytest
from django.utils import translation

from tandem.matching.tests.factories import TEST_EMBEDDER


@pytest.fixture(autouse=True)
def _test_embedder(settings):
    settings.TANDEM_MATCHING_EMBEDDER = TEST_EMBEDDER


@pytest.fixture(autouse=True)
def _english_urls():
    with translation.override("en"):
        yield


@pytest.fixture
def immediate_tasks(settings):
    """Mail is rendered and sent at commit, so a test reads it from the outbox."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def pool(home):
    """The one-to-one program whose waiting list the groups serve."""
    from tandem.matching.tests.factories import program_for

    return program_for(home)
