"""Shared test cast: two organizations' people, so that every view is tested for leaks."""

import os

import pytest

os.environ.setdefault(
    "DJANGO_ALLOW_ASYNC_UNSAFE", "true"
)  # Playwright's sync API runs an event loop

pytest_plugins = ["tandem.core.tests.cast", "tandem.demo.tests.fixtures"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """Each test process's database starts as a copy of one migrated by scripts/test-all.sh
    before pytest started, instead of each process running every migration (about 30 s of CPU
    each: Django renders the models again after each operation; docs/testing.md). Django's
    migrate then finds every migration applied and only sends post_migrate.

    - PostgreSQL: `TANDEM_TEST_TEMPLATE` names a database; the test database is made with
      CREATE DATABASE ... TEMPLATE (a fraction of a second).
    - SQLite: `TANDEM_TEST_SQLITE_TEMPLATE` names a database file; the in-memory test database
      is filled from it through SQLite's backup API (`_sqlite_from_template`), as Django's own
      parallel runner fills its workers' in-memory databases."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    template = os.environ.get("TANDEM_TEST_TEMPLATE")
    if template and database["ENGINE"].endswith("postgresql"):
        database.setdefault("TEST", {})["TEMPLATE"] = template
    sqlite_template = os.environ.get("TANDEM_TEST_SQLITE_TEMPLATE")
    if sqlite_template and database["ENGINE"].endswith("sqlite3"):
        _sqlite_from_template(sqlite_template)


def _sqlite_from_template(path: str) -> None:
    """Fills the in-memory test database from the file `path` as soon as it is created, before
    Django's create_test_db runs migrate on it (the only step between the two is a close, which
    Django ignores for an in-memory database: closing would destroy it)."""
    import sqlite3

    from django.db.backends.sqlite3.creation import DatabaseCreation

    if not os.path.exists(path):
        raise FileNotFoundError(f"TANDEM_TEST_SQLITE_TEMPLATE: no database at {path}")
    create = DatabaseCreation._create_test_db

    def _create_test_db(self, verbosity, autoclobber, keepdb=False):
        name = create(self, verbosity, autoclobber, keepdb)
        if self.is_in_memory_db(name):
            self.connection.close()
            self.connection.settings_dict["NAME"] = name
            self.connection.ensure_connection()
            template = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                template.backup(self.connection.connection)
            finally:
                template.close()
        return name

    DatabaseCreation._create_test_db = _create_test_db


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as migrate leaves it, kept (snapshot.py): the end of a transactional
    test puts it back instead of Django's flush.

    Django's flush empties all two hundred tables and then sends post_migrate, which makes
    every content type, permission and consent purpose again through the ORM: about a second
    per transactional test on PostgreSQL on an idle machine, 0.1 to 0.2 s on SQLite (measured:
    docs/testing.md). PostgreSQL: the tables that hold rows are emptied and the few that
    migrate filled are copied back (a test module's own tables, such as
    core/tests/test_fulltext.py's, are not emptied by either). SQLite: the in-memory database
    is copied back whole through the backup API, with the key sequences as migrate left them
    (flush kept them running on); a module's own table would go with it, so a module that makes
    one keeps to non-transactional tests (test_fulltext.py does)."""
    from django.test import TransactionTestCase

    from tandem.demo.tests.snapshot import snapshot_restore, snapshot_take

    with django_db_blocker.unblock():
        fresh = snapshot_take()
    flush = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        if self._databases_names(include_mirrors=False) != ["default"]:
            return flush(self)
        snapshot_restore(fresh, reset_sequences=False)  # PostgreSQL: Django's flush keeps them

    TransactionTestCase._fixture_teardown = _fixture_teardown
    yield
    TransactionTestCase._fixture_teardown = flush
    if fresh.sqlite is not None:
        fresh.sqlite.close()


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
    #
    # Whole modules move, each as early as its longest test: a module's tests stay together,
    # so a module-scoped fixture is made once. Moving single tests split modules in two (the
    # reference tests loaded the full classifications twice per process: their demo test is
    # slow, the others are not).
    rank: dict[str, int] = {}
    for item in items:
        module = item.nodeid.split("::")[0]
        rank[module] = min(rank.get(module, 3), _longest_first(item))
    items.sort(key=lambda item: rank[item.nodeid.split("::")[0]])


def _longest_first(item) -> int:
    """0: a browser flow marked slow (day one, about a minute); 1: the other browser flows and
    the accessibility sweep; 2: the slow tests that need no browser; 3: the rest."""
    names = {mark.name for mark in item.iter_markers()}
    browser = bool(names & {"browser", "accessibility_sweep"})
    if browser:
        return 0 if "slow" in names else 1
    return 2 if "slow" in names else 3
