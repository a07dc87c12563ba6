"""`demo_network`: the demo network for any test that needs it (pytest plugin, registered in the
root conftest.py), loaded once per test process and put back from a copy before each test
(snapshot.py): a browser flow, the demo's own tests, a check over the demo's pool.

It is seeded with the tiny deterministic embedder (`matching.tests.factories.HashEmbedder`) and
the test runs with it: no model to load, and one copy per process serves every test (the real
encoder is tested by the engine's tests, and the demo on the real occupations and encoder by
`reference/tests/test_reference.py`). Loading the demo costs seconds; restoring the copy a
fraction of one: a test that needs the demo asks for this fixture, never calls `demo_load()`.
"""

import fcntl
import os

import pytest

from tandem.demo.tests.snapshot import (
    Snapshot,
    snapshot_read,
    snapshot_restore,
    snapshot_take,
    snapshot_write,
)

TEST_EMBEDDER = "tandem.matching.tests.factories.HashEmbedder"
_demo_snapshot: list[Snapshot] = []  # one per test process


def _demo_seed() -> None:
    """The demo network, with just the NOC unit groups it uses (the full load takes seconds)."""
    from tandem.core.tests.cast import occupation
    from tandem.demo.network import OCCUPATIONS, demo_load

    for code, _en, _fr in OCCUPATIONS:
        occupation(code)
    from tandem.reference.models import OccupationTitle, search_key

    for code, title, language in [
        ("21231", "Software engineer", "en"),
        ("21231", "Ingénieure en logiciel", "fr"),
        ("21300", "Ingénieur civil", "fr"),
    ]:
        OccupationTitle.objects.create(
            occupation_id=code, language=language, title=title, search_text=search_key(title)
        )
    demo_load()


@pytest.fixture
def demo_network(transactional_db, settings):
    """The demo network as `demo_load` leaves it: loaded by the first test of the process that
    asks, then put back from the copy before each later one (the teardown empties the database).
    Answers the demo logins by e-mail."""
    from tandem.demo.network import LOGINS

    settings.TANDEM_MFA_REQUIRED = False
    settings.TANDEM_MATCHING_EMBEDDER = TEST_EMBEDDER
    if _demo_snapshot:
        snapshot_restore(_demo_snapshot[0])
    else:
        _demo_snapshot.append(_demo_first())
    return {login.email: login for login in LOGINS}


def _demo_first() -> Snapshot:
    """The demo for this process's first test. With `TANDEM_TEST_DEMO` (scripts/test-all.sh
    sets it to a file for each pass) the demo is loaded once for the whole pass: the first
    process to need it loads it and keeps a copy in that file (test-all.sh has one made before
    the pass starts: tandem/demo/tests/prepare.py), every other process puts that copy back.
    Each process loading it itself cost about 14 s of CPU, four times per run."""
    from django.db import connection

    kept = os.environ.get("TANDEM_TEST_DEMO")
    if not kept:
        _demo_seed()
        return snapshot_take()
    with open(f"{kept}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one process loads, the others wait for its copy
        if os.path.exists(kept):
            snapshot = snapshot_read(kept, connection.vendor)
            snapshot_restore(snapshot)
            return snapshot
        _demo_seed()
        snapshot = snapshot_take()
        snapshot_write(snapshot, kept)
        return snapshot
