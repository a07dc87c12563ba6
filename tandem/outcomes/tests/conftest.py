from tandem.outcomes.tests.fixtures import clock, lifecycle  # noqa: F401
