"""Patterns the house forbids, each limited to the paths it concerns and carrying the message to
show (the shape of zulip's `tools/linter_lib/custom_check.py`).

To add a rule: one `Rule` in `RULES`. To allow one line that must break a rule, name it in the
rule's `allowed` with the reason; a stale allowance (the line is gone) fails too, so the list
only shrinks.
"""

import re
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
ACTIONS = "view|change|manage|refer|decide|resubmit|respond|take_part|log|consent"


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: str
    message: str
    include: tuple[str, ...]  # globs relative to the repository
    exclude: tuple[str, ...] = ()
    # (path, text found on the line) -> why this line may break the rule
    allowed: dict[tuple[str, str], str] = field(default_factory=dict)


VIEWS = ("tandem/*/views.py", "tandem/*/views/*.py", "tandem/*/api.py")
CODE = ("tandem/*.py", "tandem/**/*.py")
TESTS = ("tandem/**/tests/*.py",)

RULES = [
    Rule(
        "bare-get-in-views",
        r"\.objects\.get\(|get_object_or_404\(",
        "Views fetch a record through their area's access_* function (tandem/<app>/access.py), "
        "so that missing and forbidden give the same 404.",
        include=VIEWS,
    ),
    Rule(
        "model-queries-in-views",
        r"\.objects\.(filter|exclude|all|get_or_create|create)\(",
        "Views read through a selector or an access function, and write through a service; "
        "not Model.objects.",
        include=VIEWS,
        allowed={
            ("tandem/events/views.py", "queryset=Participant.objects.filter("): "people of an "
            "event the access function returned",
            ("tandem/events/views.py", "everyone = Participant.objects.filter("): "same",
            ("tandem/matching/views.py", "ProfileSharing.objects.filter(participant=records"): (
                "the signed-in person's own records"
            ),
            ("tandem/mentorships/views.py", "Mentorship.objects.filter(program=program)"): (
                "mentorships of a program access_program_desk returned"
            ),
            ("tandem/mentorships/views.py", "IntroductionMeeting.objects.filter("): (
                "of a mentorship access_mentorship returned"
            ),
            ("tandem/mentorships/views.py", "Agreement.objects.filter(mentorship=mentorship)"): (
                "same"
            ),
            ("tandem/accounts/views.py", "User.objects.filter(email=found.email)"): (
                "the invitee's own account, found by the e-mail of a valid invitation token"
            ),
        },
    ),
    Rule(
        "roles-worked-out-in-views",
        r"\bcan_manage_program\(|\bcan_manage_participants\(|\.memberships\.|Membership\.objects",
        "Views do not work out roles: use what the access function answers "
        "(e.g. MentorshipAccess.can_manage, ParticipantAccess.can_change).",
        include=VIEWS,
    ),
    Rule(
        "policy-in-core",
        r"from tandem\.core import access\b|from tandem\.core\.access import [^\n]*\baccess_",
        "core.access holds only the mechanism (@rule, Audience, Action, accepts, one_or_404); "
        "import record policy from tandem.<app>.access.",
        include=CODE,
    ),
    Rule(
        "action-as-a-string",
        rf"\baction=\s*\"({ACTIONS})\"",
        "Name an access action with core.access.Action (Action.MANAGE), not a string.",
        include=CODE,
        exclude=("tandem/core/tests/test_forbidden_patterns.py",),
    ),
    Rule(
        "mail-outside-core",
        r"\bsend_mail\(|EmailMessage\(|EmailMultiAlternatives\(",
        "Send mail with core.mail.send_to_person: rendered in the recipient's language and "
        "queued on commit.",
        include=CODE,
        exclude=("tandem/core/mail.py", "tandem/accounts/adapter.py", *TESTS),
    ),
    Rule(
        "mark-safe",
        r"\bmark_safe\(|\|\s*safe\b",
        "Leave escaping to Django; build HTML in a template. Allow a line only for markup the "
        "code built from escaped parts.",
        include=(*CODE, "tandem/**/templates/**/*.html", "templates/**/*.html"),
        exclude=("tandem/core/tests/test_forbidden_patterns.py",),
        allowed={
            ("tandem/reports/templatetags/reports.py", "return mark_safe("): "SVG chart built "
            "from escaped labels and numbers",
            ("tandem/reports/templates/reports/_table.html", "{{ chart|safe }}"): "same chart",
            ("tandem/reports/templates/reports/pdf.html", "{{ s.chart|safe }}"): "same chart",
            ("tandem/community/templatetags/community.py", "return mark_safe(text.clean("): (
                "a member's post, cleaned by nh3 (allowed tags only) as it is shown"
            ),
        },
    ),
]


def files_of(rule: Rule) -> list[Path]:
    found = set()
    for pattern in rule.include:
        found |= {p for p in BASE.glob(pattern) if p.is_file()}
    return sorted(
        p
        for p in found
        if not any(fnmatch(str(p.relative_to(BASE)), ex) for ex in rule.exclude)
        and "migrations" not in p.parts
    )


def violations(rule: Rule, files: list[Path]) -> tuple[list[str], set[tuple[str, str]]]:
    """Lines breaking `rule` (`path:line: text`), and the allowances that were used."""
    found, used = [], set()
    regex = re.compile(rule.pattern)
    for path in files:
        relative = str(path.relative_to(BASE))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not regex.search(line):
                continue
            allowance = next(
                (key for key in rule.allowed if key[0] == relative and key[1] in line), None
            )
            if allowance:
                used.add(allowance)
            else:
                found.append(f"{relative}:{number}: {line.strip()}")
    return found, used


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_the_code_keeps_the_house_rules(rule):
    files = files_of(rule)
    assert files, f"{rule.name}: its paths match no file"
    found, used = violations(rule, files)
    assert found == [], f"{rule.message}\n" + "\n".join(found)
    assert set(rule.allowed) - used == set(), "stale allowances: remove them"


def test_a_planted_violation_is_reported_with_its_place(tmp_path, monkeypatch):
    """Negative control: the same scan finds a bare get and a string action in a view."""
    app = tmp_path / "tandem" / "probe"
    app.mkdir(parents=True)
    (app / "views.py").write_text(
        "def detail(request, pk):\n"
        "    record = Thing.objects.get(pk=pk)\n"
        '    other = access_thing(request.user, pk, action="manage")\n'
    )
    monkeypatch.setattr(f"{__name__}.BASE", tmp_path)
    by_name = {rule.name: rule for rule in RULES}
    found, _ = violations(by_name["bare-get-in-views"], files_of(by_name["bare-get-in-views"]))
    assert found == ["tandem/probe/views.py:2: record = Thing.objects.get(pk=pk)"]
    found, _ = violations(by_name["action-as-a-string"], files_of(by_name["action-as-a-string"]))
    assert [place.split(": ")[0] for place in found] == ["tandem/probe/views.py:3"]
