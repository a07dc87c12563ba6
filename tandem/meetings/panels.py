"""Panels the floors above add to a pair's mentorship page, so that meetings never imports them.

A panel is a function `(mentorship, found: MentorshipAccess) -> (template name, context) | None`
registered from the upper app's `AppConfig.ready()` (employers: the pair's workplace
activities). None leaves the panel out for this pair or this person. The panel's template is
included with its context under `panel`; it must show only what `found` lets the person see.
"""

from collections.abc import Callable
from typing import Any

from tandem.mentorships.access import MentorshipAccess
from tandem.mentorships.models import Mentorship

type Panel = Callable[[Mentorship, MentorshipAccess], tuple[str, dict[str, Any]] | None]

_PANELS: dict[str, Panel] = {}


def register(name: str, panel: Panel) -> None:
    _PANELS[name] = panel


def panels_for(mentorship: Mentorship, found: MentorshipAccess) -> list[tuple[str, dict[str, Any]]]:
    """The registered panels that have something to show, in the order of registration."""
    return [shown for panel in _PANELS.values() if (shown := panel(mentorship, found))]
