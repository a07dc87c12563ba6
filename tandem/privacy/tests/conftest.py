"""Shared fixtures: the insider walk's records (a record of every kind in `home`)."""

from tandem.core.tests.test_url_access import inside  # noqa: F401 (a fixture, used by name)
from tandem.outcomes.tests.fixtures import clock, lifecycle  # noqa: F401, E402 (fixtures)
