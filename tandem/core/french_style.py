"""Checks that every French message follows `docs/glossary.md`: its vocabulary and its typography.

Used by `tandem/core/tests/test_french_style.py` on every catalogue (the apps', the root one and
the matching engine's `tandem_engine.po`). Each check returns the offending messages, so a test
failure lists them.
"""

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import polib
from django.conf import settings

from tandem.core import translations

POINT_MEDIAN = "·"
NBSP = "\u00a0"

# What typography never touches: HTML tags, placeholders, template tags and URLs.
_PROTECTED = re.compile(r"<[^>]*>|%\([^)]*\)[sdfr]|%%|%[sd]|\{\{[^}]*\}\}|\{%[^%]*%\}|https?://\S+")
# A quoted punctuation mark (« ; ») is a character named, not punctuation.
_QUOTED_MARK = re.compile(r"«\u00a0[;:!?]\u00a0»")


def glossary_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "glossary.md"


def avoided_forms(path: Path | None = None) -> list[str]:
    """The forms listed in the glossary's "Avoid" column (third column of its terms table)."""
    forms: list[str] = []
    for line in (path or glossary_path()).read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 4 or cells[0] in {"English", "---"}:
            continue
        forms.extend(re.findall(r"`([^`]+)`", cells[2]))
    return forms


def po_paths() -> list[Path]:
    """Every French catalogue: the project's and the matching engine's own domain."""
    paths = [c.po_path for c in translations.catalogues() if c.po_path.exists()]
    engine = (
        Path(settings.BASE_DIR) / "tandem/matching/engine/locale/fr/LC_MESSAGES/tandem_engine.po"
    )
    if engine.exists():
        paths.append(engine)
    return paths


def french_messages(path: Path) -> Iterator[tuple[polib.POEntry, str]]:
    for entry in polib.pofile(str(path)):
        if entry.obsolete:
            continue
        values = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for value in values:
            if value:
                yield entry, value


def prose(text: str) -> str:
    """The text typography applies to: protected spans replaced by a neutral letter."""
    return _QUOTED_MARK.sub("X", _PROTECTED.sub("X", text))


def _form_pattern(form: str) -> re.Pattern[str]:
    # A form matches as a whole word, in the singular or with a plural « s ».
    return re.compile(r"(?<![\w·])" + re.escape(form) + r"s?(?![\w·])", re.IGNORECASE)


def avoided_in(messages: Iterable[str], forms: list[str]) -> list[tuple[str, str]]:
    patterns = [(form, _form_pattern(form)) for form in forms]
    return [
        (form, message)
        for message in messages
        for form, pattern in patterns
        if pattern.search(message.replace("'", "’")) or pattern.search(message)
    ]


def typography_problems(message: str) -> list[str]:
    """What breaks the glossary's typography rules in one French message."""
    text = prose(message)
    problems = []
    if "'" in text:
        problems.append("straight apostrophe (write ’)")
    if re.search(r"\s[;!?]", text):
        problems.append("space before ; ! or ? (write none)")
    if re.search(r"[ \t\u202f\u2009]:", text) or re.search(r"[\w)»]:(?=\s|$)", text):
        problems.append("colon without a no-break space before it")
    if re.search(r"«(?!\u00a0)", text) or re.search(r"(?<!\u00a0)»", text):
        problems.append("guillemets without no-break spaces inside")
    if re.search(r"[ \u00a0\u202f]{2,}", text):
        problems.append("two spaces in a row")
    if POINT_MEDIAN in message:
        problems.append("point médian (write an epicene form)")
    return problems


def mail_and_document_templates() -> list[Path]:
    """Templates that become documents a person keeps: mail, certificates, report PDFs."""
    base = Path(settings.BASE_DIR) / "tandem"
    found = [p for p in base.rglob("templates/*/mail/*") if p.is_file()]
    found += [p for p in base.rglob("templates/**/certificate*.html")]
    found += [p for p in base.rglob("templates/**/pdf*.html")]
    return sorted(set(found))
