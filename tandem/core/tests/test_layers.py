"""The house's floors, read from the source: core is the ground floor and imports no app; every
module of an app imports only from the floors below it (and its own).

Imports are read with `ast`, so an import inside a function or under `TYPE_CHECKING` counts too:
a lower floor that needs something from a higher one offers a registry the higher one fills in
its `AppConfig.ready()` (`core/sweeps.py`, `accounts/hooks.py`, `matching/commitments.py`,
`matching/handoff.py`, `participants/access.py`'s grants, `participants/record.py`'s client-file
sections, `organizations/caseload.py`'s caseload parts). Tests and migrations are left out:
the shared cast (`core/tests/cast.py`) builds people of every app.

Templates too: an app's templates neither include nor extend a template of a higher floor's app
(links to its pages go through a `core/links.py` registry, e.g. the community's tabs).
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

# Lowest first. An app may import from the apps before it, never from those after it.
FLOORS = [
    "core",
    "accounts",
    "reference",
    "organizations",
    "participants",
    "programs",
    "referrals",
    "events",
    "matching",
    "mentorships",
    "connectors",  # the connector program: a format that is not one pair
    "meetings",
    "outcomes",
    # Short mentorship opportunities and provincial hubs: below reports (its figures are a report
    # section, a module in reports/tables like the connectors').
    "opportunities",
    "reports",
    # Group and peer mentoring: above outcomes (peer mentors are alumni employed in their field)
    # and above reports, whose section registry it fills from its AppConfig.ready().
    "circles",
    # Employer and association partners: above reports (their engagement figures are a report
    # section, and a hire by a partner is read from outcomes); the mentorship page shows their
    # workplace activities through meetings' panel registry.
    "employers",
    # Communities of practice (issue 23): spaces, threads, private conversations among the
    # members of member organizations; above employers, below privacy (whose floor reads every
    # area's records).
    "community",
    # The community's shared repertoire, directory of networks and gatherings (issue 23): on
    # the community's access functions, so just above it; below privacy.
    "library",
    # Privacy operations: above every area whose records it logs, gathers, anonymises; the
    # floors below learn of it through registries (core.access disclosures, core.consent).
    "privacy",
    "home",  # the front door's dashboard: gathers every area
    "demo",  # the demo network: built through every area's services
]

TANDEM = Path(settings.BASE_DIR) / "tandem"


def tandem_imports(source: str) -> set[str]:
    """The Tandem apps a module's source imports (`tandem.x...` -> "x")."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            if node.module == "tandem":
                names = [f"tandem.{alias.name}" for alias in node.names]
        found |= {name.split(".")[1] for name in names if name.startswith("tandem.")}
    return found


def upward_imports(app: str, path: Path) -> set[str]:
    allowed = set(FLOORS[: FLOORS.index(app) + 1])
    return tandem_imports(path.read_text(encoding="utf-8")) - allowed


# Upward imports not yet replaced by a registry, each with its reason. A line that no longer
# matches an import fails (`test_every_allowance_is_still_needed`), so the list only shrinks.
ALLOWED_UPWARD: dict[tuple[str, str], str] = {}


def app_modules() -> list[Path]:
    """Every module of every app, tests and migrations left out."""
    return [
        path
        for path in sorted(TANDEM.rglob("*.py"))
        if not {"tests", "migrations"} & set(path.relative_to(TANDEM).parts)
        and path.relative_to(TANDEM).parts[0] in FLOORS
    ]


def upward_of(path: Path) -> set[str]:
    app = path.relative_to(TANDEM).parts[0]
    key = str(path.relative_to(TANDEM))
    return {
        upper
        for upper in upward_imports(app, path) & set(FLOORS)
        if (key, upper) not in ALLOWED_UPWARD
    }


def core_modules() -> list[Path]:
    return [
        path
        for path in sorted((TANDEM / "core").rglob("*.py"))
        if "tests" not in path.relative_to(TANDEM).parts
    ]


def test_every_app_has_a_floor() -> None:
    apps = {p.name for p in TANDEM.iterdir() if (p / "__init__.py").exists()}
    assert apps == set(FLOORS), f"place these apps in FLOORS: {apps ^ set(FLOORS)}"


@pytest.mark.parametrize("path", core_modules(), ids=lambda p: str(p.relative_to(TANDEM)))
def test_core_imports_no_app(path: Path) -> None:
    assert upward_imports("core", path) == set()


@pytest.mark.parametrize("path", sorted(TANDEM.glob("*/access.py")), ids=lambda p: p.parent.name)
def test_each_access_policy_imports_only_from_the_floors_below(path: Path) -> None:
    assert upward_imports(path.parent.name, path) == set()


def test_an_upward_import_is_caught(tmp_path: Path) -> None:
    """Negative control: a late, TYPE_CHECKING or function-level import is still an import."""
    planted = tmp_path / "access.py"
    planted.write_text(
        "from typing import TYPE_CHECKING\n"
        "import tandem.core.access\n"
        "if TYPE_CHECKING:\n"
        "    from tandem.reports.models import ReportRun\n"
        "def f():\n"
        "    from tandem import matching\n"
    )
    assert upward_imports("core", planted) == {"reports", "matching"}
    assert upward_imports("reports", planted) == set()


@pytest.mark.parametrize("path", app_modules(), ids=lambda p: str(p.relative_to(TANDEM)))
def test_every_module_imports_only_from_the_floors_below(path: Path) -> None:
    assert upward_of(path) == set(), (
        "offer a registry on the lower floor and fill it from the higher app's ready() "
        "(docs/architecture.md, Floors)"
    )


def test_every_allowance_is_still_needed() -> None:
    stale = [
        (module, upper)
        for module, upper in ALLOWED_UPWARD
        if upper not in tandem_imports((TANDEM / module).read_text(encoding="utf-8"))
    ]
    assert stale == [], f"remove these from ALLOWED_UPWARD: {stale}"


# `{% include "library/x.html" %}`, `{% extends 'privacy/base.html' %}`: the app the template
# belongs to (templates are named after their app's folder). A variable's template (a registry's
# section) is not read, which is the point of a registry.
TEMPLATE_REFERENCE = re.compile(r"""{%\s*(?:include|extends)\s+["']([\w-]+)/""")


def upward_templates(app: str, source: str) -> set[str]:
    return set(TEMPLATE_REFERENCE.findall(source)) & set(FLOORS[FLOORS.index(app) + 1 :])


def test_no_template_includes_or_extends_a_higher_floors_template() -> None:
    found = {
        str(path.relative_to(TANDEM)): upper
        for path in sorted(TANDEM.glob("*/templates/**/*"))
        if path.is_file()
        and path.relative_to(TANDEM).parts[0] in FLOORS
        and (
            upper := upward_templates(
                path.relative_to(TANDEM).parts[0], path.read_text(encoding="utf-8")
            )
        )
    }
    assert found == {}, (
        "offer a registry on the lower floor (core/links.py, participants/record.py)"
    )


def test_an_upward_template_is_caught() -> None:
    """Negative control: both tags, both quotes, spaces inside the tag."""
    planted = '{% extends "base.html" %}{%include \'library/_x.html\' %}{% extends "privacy/y" %}'
    assert upward_templates("community", planted) == {"library", "privacy"}
    assert upward_templates("privacy", planted) == set()
