"""Shared fixtures: the insider walk's records (a record of every kind in `home`), the
lifecycle of a pair, and a mentee with a history in two organizations."""

from tandem.core.tests.test_url_access import inside  # noqa: F401 (fixtures, used by name)
from tandem.outcomes.tests.fixtures import clock, lifecycle  # noqa: F401
from tandem.privacy.tests.fixtures import her  # noqa: F401
