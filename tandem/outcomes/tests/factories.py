"""Records of the outsider (`elsewhere`) for the URL-access test: an event, a mentorship, its
documents and follow-up, built once per side."""

from typing import Any

from tandem.core.tests.cast import Side


def outsider_lifecycle_records(side: Side) -> dict[str, Any]:
    cached = getattr(side, "_lifecycle", None)
    if cached is not None:
        return cached
    from tandem.events.tests.factories import make_event
    from tandem.programs.tests.factories import outsider_records

    program = outsider_records(side)["program"]
    records: dict[str, Any] = {"event": make_event(program, side.staff)}
    side._lifecycle = records  # type: ignore[attr-defined]
    return records
