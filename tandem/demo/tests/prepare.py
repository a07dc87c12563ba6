"""Loads the demo network once for a whole pass of the suite, before the pass starts.

scripts/test-all.sh runs this file by name (it is not `test_*.py`: a plain run never collects it)
with `TANDEM_TEST_DEMO` naming a file; `demo_network` (fixtures.py) loads the demo and keeps its
copy there, and every test process of the pass then puts that copy back instead of loading the
demo itself (docs/testing.md)."""

import os


def test_the_demo_network_is_kept_for_the_pass(demo_network):
    assert "staff@tandem.demo" in demo_network
    assert os.path.exists(os.environ["TANDEM_TEST_DEMO"])
