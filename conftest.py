"""Shared test cast: two organizations' people, so that every view is tested for leaks."""

import os

import pytest

os.environ.setdefault(
    "DJANGO_ALLOW_ASYNC_UNSAFE", "true"
)  # Playwright's sync API runs an event loop

pytest_plugins = ["tandem.core.tests.cast", "tandem.demo.tests.fixtures"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """PostgreSQL: each test process's database is a copy of `TANDEM_TEST_TEMPLATE`, a database
    scripts/test-all.sh migrated once before pytest started (CREATE DATABASE ... TEMPLATE, a
    fraction of a second); Django's migrate then finds every migration applied. Each process
    migrating from nothing cost about 27 s of CPU, and the two did it at once on two cores
    beside the server's own work (docs/testing.md)."""
    import os

    from django.conf import settings

    template = os.environ.get("TANDEM_TEST_TEMPLATE")
    database = settings.DATABASES["default"]
    if template and database["ENGINE"].endswith("postgresql"):
        database.setdefault("TEST", {})["TEMPLATE"] = template


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as migrate leaves it, kept (snapshot.py) on PostgreSQL: the end of a
    transactional test puts those rows back instead of Django's flush.

    Django's flush empties all two hundred tables and then sends post_migrate, which makes
    every content type, permission and consent purpose again through the ORM: about a second
    per transactional test on an idle machine (measured: docs/testing.md). Putting the kept
    rows back empties only the tables that hold rows and copies the few that migrate filled,
    so the next test starts from the same state as with flush (a test module's own tables,
    such as core/tests/test_fulltext.py's, are not emptied by either). SQLite keeps Django's
    flush: there it costs little."""
    from django.db import connection
    from django.test import TransactionTestCase

    from tandem.demo.tests.snapshot import snapshot_restore, snapshot_take

    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            yield
            return
        fresh = snapshot_take()
    flush = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        if self._databases_names(include_mirrors=False) != ["default"]:
            return flush(self)
        snapshot_restore(fresh, reset_sequences=False)  # Django's flush keeps them too

    TransactionTestCase._fixture_teardown = _fixture_teardown
    yield
    TransactionTestCase._fixture_teardown = flush


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
    # Long tests first. pytest-xdist hands out tests in collection order, and the browser flows
    # (tests/browser) and the route walks come last alphabetically: one process was still in a
    # 54 s flow while the other had run out of work. Started first, they run beside the short
    # tests, and the end of each pass is made of short tests. A stable sort: the order is the
    # same in every process, as xdist requires.
    items.sort(key=_longest_first)


def _longest_first(item) -> int:
    """0: a browser flow marked slow (day one, about a minute); 1: the other browser flows and
    the accessibility sweep; 2: the slow tests that need no browser; 3: the rest."""
    names = {mark.name for mark in item.iter_markers()}
    browser = bool(names & {"browser", "accessibility_sweep"})
    if browser:
        return 0 if "slow" in names else 1
    return 2 if "slow" in names else 3
