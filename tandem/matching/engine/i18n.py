"""Translations for the engine: stdlib gettext, domain ``tandem_engine``.

The ``.mo`` file is not committed (``*.mo`` is ignored and ``compilemessages`` builds it), so when
it is missing the ``.po`` is compiled in memory with polib. That keeps the command line usable
straight from a checkout.
"""

from __future__ import annotations

import functools
import gettext
import io
from pathlib import Path

DOMAIN = "tandem_engine"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "fr")


def N_(message: str) -> str:
    """Mark a string for extraction without translating it (translated later, at use)."""
    return message


@functools.cache
def translation(lang: str) -> gettext.NullTranslations:
    """The translations for ``lang`` (``en`` is the source language)."""
    return catalogue(lang, DOMAIN, LOCALE_DIR)


@functools.cache
def catalogue(lang: str, domain: str, locale_dir: Path) -> gettext.NullTranslations:
    """The ``lang`` catalogue of ``domain`` under ``locale_dir`` (the engine's own, or the
    participants catalogue that holds the participants file's problems)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; use one of {LANGUAGES}")
    if lang == "en":
        return gettext.NullTranslations()
    found = gettext.translation(domain, locale_dir, languages=[lang], fallback=True)
    if isinstance(found, gettext.GNUTranslations):
        return found
    po_path = locale_dir / lang / "LC_MESSAGES" / f"{domain}.po"
    if not po_path.exists():
        return found
    # polib only writes .mo files to a path; a temporary file keeps the package directory clean.
    import tempfile

    import polib

    with tempfile.TemporaryDirectory() as tmp:
        mo_path = Path(tmp) / f"{domain}.mo"
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        return gettext.GNUTranslations(io.BytesIO(mo_path.read_bytes()))


def gettext_for(lang: str):
    """``gettext`` bound to ``lang``."""
    return translation(lang).gettext


def ngettext_for(lang: str):
    """``ngettext`` bound to ``lang``."""
    return translation(lang).ngettext
