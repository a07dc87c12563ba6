"""`demo_network`: the demo network for any test that needs it (pytest plugin, registered in the
root conftest.py), loaded once per test process and put back from a copy before each test
(snapshot.py): a browser flow, the demo's own tests, a check over the demo's pool.

It is seeded with the tiny deterministic embedder (`matching.tests.factories.HashEmbedder`) and
the test runs with it: no model to load, and one copy per process serves every test (the real
encoder is tested by the engine's tests, and the demo on the real occupations and encoder by
`reference/tests/test_reference.py`). Loading the demo costs seconds; restoring the copy a
fraction of one: a test that needs the demo asks for this fixture, never calls `demo_load()`.
"""

import pytest

from tandem.demo.tests.snapshot import Snapshot, snapshot_restore, snapshot_take

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
        _demo_seed()
        _demo_snapshot.append(snapshot_take())
    return {login.email: login for login in LOGINS}
