import polib

from tandem.matching.engine.explain import unmatched_sentence
from tandem.matching.engine.i18n import LOCALE_DIR, translation
from tandem.matching.engine.model import UnmatchedReason
from tandem.matching.engine.tests.extract import engine_messages

PO = LOCALE_DIR / "fr" / "LC_MESSAGES" / "tandem_engine.po"


def test_the_french_catalogue_has_no_empty_or_fuzzy_entry():
    catalogue = polib.pofile(str(PO))
    problems = [
        e.msgid
        for e in catalogue
        if e.fuzzy
        or e.obsolete
        or (e.msgid_plural and not all(e.msgstr_plural.values()))
        or (not e.msgid_plural and not e.msgstr)
    ]
    assert problems == []


def test_every_message_in_the_engine_is_in_the_french_catalogue():
    catalogue = {e.msgid: e for e in polib.pofile(str(PO))}
    used = engine_messages()
    assert len(used) > 100  # the extractor really finds the messages
    missing = [msgid for msgid in used if msgid not in catalogue]
    assert missing == []
    wrong_plural = [
        m for m, plural in used.items() if plural and catalogue[m].msgid_plural != plural
    ]
    assert wrong_plural == []


def test_french_translations_keep_every_placeholder():
    import re

    for entry in polib.pofile(str(PO)):
        wanted = set(re.findall(r"%\((\w+)\)", entry.msgid + (entry.msgid_plural or "")))
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in texts:
            found = set(re.findall(r"%\((\w+)\)", text))
            # A singular form may leave out the count ("Le seul ..."), nothing else.
            assert found <= wanted and wanted - found <= {"count"}, entry.msgid


def test_french_puts_a_non_breaking_space_before_a_colon():
    for entry in polib.pofile(str(PO)):
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in texts:
            assert " :" not in text, text
            assert "\u00a0:" in text or ":" not in text, text


def test_translations_load_without_a_compiled_mo_file():
    french = translation("fr")
    assert french.gettext("No mentor speaks French.") == "Aucun mentor ne parle français."
    assert (
        unmatched_sentence(UnmatchedReason.MENTORS_FULL_SCORE_HIGHER, count=3, limit=50, lang="fr")
        == "Les 3 mentors qui conviennent n’ont plus de place\u00a0: leurs places vont à des "
        "personnes mentorées qui obtiennent un meilleur score."
    )
