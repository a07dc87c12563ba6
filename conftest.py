"""Shared test cast: two organizations' people, so that every view is tested for leaks."""

import os

import pytest

os.environ.setdefault(
    "DJANGO_ALLOW_ASYNC_UNSAFE", "true"
)  # Playwright's sync API runs an event loop

pytest_plugins = ["tandem.core.tests.cast"]


@pytest.fixture(autouse=True)
def _start_in_english():
    """A request to a French page leaves French active in the thread; each test starts afresh."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is the production hasher; tests only need passwords to round-trip.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_setup",
    "live_server",
    "django_db_blocker",
}


def pytest_collection_modifyitems(config, items):
    """Marks tests that never touch a database, so the PostgreSQL pass can leave them out."""
    for item in items:
        uses_database = DATABASE_FIXTURES & set(
            getattr(item, "fixturenames", ())
        ) or item.get_closest_marker("django_db")
        if not uses_database:
            item.add_marker(pytest.mark.no_database)
