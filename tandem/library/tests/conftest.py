import pytest

from tandem.library.tests.factories import make_library


@pytest.fixture
def immediate_tasks(settings):
    """Mail is rendered and sent at commit, so a test reads it from the outbox."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def lib(db, no_mfa, settings, tmp_path):
    """A community with a published toolkit whose v2 draft is under review by a hub, a past
    learning exchange and an upcoming hub meeting with 10 places (factories.make_library)."""
    settings.MEDIA_ROOT = tmp_path
    return make_library()
