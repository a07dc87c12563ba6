"""Shared test cast: two organizations' people, so that every view is tested for leaks."""

import os

import pytest

os.environ.setdefault(
    "DJANGO_ALLOW_ASYNC_UNSAFE", "true"
)  # Playwright's sync API runs an event loop

pytest_plugins = ["tandem.core.tests.cast", "tandem.demo.tests.fixtures"]


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


# Not `django_db_blocker`: pytest-django's own autouse fixtures (`_django_setup_unittest`,
# `_live_server_helper`) request it for every test, so with it in this set no test was ever
# marked, and the PostgreSQL pass ran the engine's property tests and the translation checks a
# second time. A fixture that unblocks the database itself asks for `django_db_setup`.
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_setup",
    "live_server",
}


def pytest_collection_modifyitems(config, items):
    """Marks tests that never touch a database, so the PostgreSQL pass can leave them out."""
    for item in items:
        uses_database = DATABASE_FIXTURES & set(
            getattr(item, "fixturenames", ())
        ) or item.get_closest_marker("django_db")
        # A browser test runs in the PostgreSQL pass only, even one that needs no database.
        if not uses_database and not item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.no_database)
