"""The project's French catalogues: where they are, what the code asks of them, how to update them.

Each app keeps its own catalogue (`tandem/<app>/locale/fr/LC_MESSAGES/django.po`) so that people
working on different apps never edit the same file; the shared layout (`templates/`, `config/`)
has the root catalogue `locale/fr/LC_MESSAGES/django.po`. The matching engine has its own gettext
domain (`tandem_engine`) because it runs without Django.

Extraction runs Django's `makemessages` (GNU xgettext) on a temporary copy of each source tree:
run in place, makemessages would send every app's strings to the root catalogue.
"""

import contextlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command

LANGUAGE = "fr"
_SKIPPED_DIRS = {"engine", "migrations", "tests", "__pycache__", "locale", "static"}


@dataclass(frozen=True)
class Catalogue:
    name: str
    sources: tuple[Path, ...]
    po_path: Path


def _has_translatable_text(directory: Path) -> bool:
    for path in directory.rglob("*"):
        if set(path.relative_to(directory).parts) & _SKIPPED_DIRS:
            continue
        if path.suffix in {".py", ".html", ".txt"} and path.is_file():
            text = path.read_text(encoding="utf-8", errors="ignore")
            if (
                "gettext" in text
                or "{% translate" in text
                or "{% blocktranslate" in text
                or "{% trans " in text
            ):
                return True
    return False


def catalogues() -> list[Catalogue]:
    base = Path(settings.BASE_DIR)
    found = [
        Catalogue(
            "root",
            (base / "templates", base / "config"),
            base / "locale" / LANGUAGE / "LC_MESSAGES" / "django.po",
        )
    ]
    for app in sorted(
        p for p in (base / "tandem").iterdir() if p.is_dir() and (p / "__init__.py").exists()
    ):
        if _has_translatable_text(app):
            found.append(
                Catalogue(app.name, (app,), app / "locale" / LANGUAGE / "LC_MESSAGES" / "django.po")
            )
    return found


def extract(catalogue: Catalogue) -> polib.POFile:
    """What the code asks to translate, as a fresh catalogue (no translations)."""
    with tempfile.TemporaryDirectory(prefix="tandem-messages-") as tmp:
        root = Path(tmp) / catalogue.name
        root.mkdir()
        for source in catalogue.sources:
            if source.exists():
                shutil.copytree(
                    source,
                    root / source.name,
                    ignore=shutil.ignore_patterns(*_SKIPPED_DIRS - {"tests"}, "tests", "*.pyc"),
                )
        (root / "locale").mkdir()
        # Django's makemessages in this process, run from the copy (it finds the files to
        # read, and the catalogue to write, from the working directory). It used to run in a
        # fresh interpreter, which set Django up again each time: about 2 s of CPU per
        # catalogue, twenty-one catalogues per test run, for a second or so of xgettext.
        with contextlib.chdir(root):
            call_command(
                "makemessages",
                locale=[LANGUAGE],
                domain="django",
                extensions=["html", "txt", "py"],
                no_obsolete=True,
                add_location="file",
                verbosity=0,
            )
        generated = root / "locale" / LANGUAGE / "LC_MESSAGES" / "django.po"
        return polib.pofile(str(generated)) if generated.exists() else polib.POFile()


def _key(entry: polib.POEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def is_translated(entry: polib.POEntry) -> bool:
    if "fuzzy" in entry.flags or entry.obsolete:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(v.strip() for v in entry.msgstr_plural.values())
    return bool(entry.msgstr.strip())


def translation_memory() -> dict[tuple[str, str, str], polib.POEntry]:
    """Every finished French translation anywhere in the project, to reuse across catalogues."""
    memory: dict[tuple[str, str, str], polib.POEntry] = {}
    for catalogue in catalogues():
        if catalogue.po_path.exists():
            for entry in polib.pofile(str(catalogue.po_path)):
                if is_translated(entry):
                    memory.setdefault(_key(entry), entry)
    return memory


def missing_translations(catalogue: Catalogue) -> list[str]:
    """Messages the code uses that the committed French catalogue lacks, leaves empty or fuzzy."""
    wanted = extract(catalogue)
    have = {}
    if catalogue.po_path.exists():
        have = {_key(e): e for e in polib.pofile(str(catalogue.po_path))}
    return [
        entry.msgid
        for entry in wanted
        if _key(entry) not in have or not is_translated(have[_key(entry)])
    ]


def update(catalogue: Catalogue, memory: dict) -> tuple[int, int]:
    """Rewrites the catalogue from the code, keeping translations. Returns (messages, untranslated)."""
    fresh = extract(catalogue)
    old = {}
    if catalogue.po_path.exists():
        old = {_key(e): e for e in polib.pofile(str(catalogue.po_path))}
    untranslated = 0
    for entry in fresh:
        source = old.get(_key(entry))
        if source is None or not is_translated(source):
            source = memory.get(_key(entry), source)
        if source is not None:
            entry.msgstr = source.msgstr
            entry.msgstr_plural = dict(source.msgstr_plural)
            entry.flags = (
                [f for f in source.flags if f != "fuzzy"] if is_translated(source) else entry.flags
            )
        if not is_translated(entry):
            untranslated += 1
    fresh.metadata.update(
        {
            "Project-Id-Version": "Tandem",
            "PO-Revision-Date": fresh.metadata.get("POT-Creation-Date", ""),
            "Last-Translator": "Tandem contributors",
            "Language-Team": "French",
            "Language": LANGUAGE,
            "Content-Type": "text/plain; charset=UTF-8",
            "Plural-Forms": "nplurals=2; plural=(n > 1);",
        }
    )
    # makemessages marks the header fuzzy until someone fills it in; the header above is ours,
    # and msgfmt would drop a fuzzy header (and with it the plural rule).
    fresh.metadata_is_fuzzy = False
    fresh.header = f"French messages of Tandem ({catalogue.name})."
    catalogue.po_path.parent.mkdir(parents=True, exist_ok=True)
    fresh.save(str(catalogue.po_path))
    return len(fresh), untranslated
