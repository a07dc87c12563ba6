"""Every French message follows docs/glossary.md: one vocabulary, Canadian typography, no point
médian, and mail and documents held to it without exception."""

import polib
import pytest

from tandem.core import french_style
from tandem.core.french_style import avoided_forms, avoided_in, typography_problems

CATALOGUES = french_style.po_paths()


def _ids(path):
    return "engine" if path.name == "tandem_engine.po" else path.parts[-5]


def test_the_glossary_lists_the_forms_to_avoid():
    forms = avoided_forms()
    for form in ("recommandation", "mentoré·e", "immigrant reçu", "donnée supprimée", "panel"):
        assert form in forms
    # The engine's own domain is checked too, not only Django's catalogues.
    assert any(path.name == "tandem_engine.po" for path in CATALOGUES)
    assert len(CATALOGUES) >= 15


@pytest.mark.parametrize("path", CATALOGUES, ids=_ids)
def test_no_french_message_uses_a_form_the_glossary_avoids(path):
    messages = [value for _, value in french_style.french_messages(path)]
    found = avoided_in(messages, avoided_forms())
    assert found == [], f"{path}: {found[:15]}"


@pytest.mark.parametrize("path", CATALOGUES, ids=_ids)
def test_french_messages_follow_canadian_typography(path):
    problems = [
        (entry.msgid, value, typography_problems(value))
        for entry, value in french_style.french_messages(path)
        if typography_problems(value)
    ]
    assert problems == [], f"{path}: {problems[:10]}"


def test_mail_and_document_templates_have_no_point_median():
    templates = french_style.mail_and_document_templates()
    assert any("/mail/" in str(p) for p in templates)
    assert any(p.name == "certificate.html" for p in templates)
    assert [p for p in templates if french_style.POINT_MEDIAN in p.read_text()] == []


def test_the_messages_of_mail_and_documents_have_no_point_median():
    """Whatever the catalogue says elsewhere, a message used by mail, a certificate or a report PDF
    is epicene without a point médian."""
    used = 0
    for path in CATALOGUES:
        for entry, value in french_style.french_messages(path):
            where = " ".join(f for f, _ in entry.occurrences)
            if "/mail/" in where or "certificate" in where or "pdf" in where:
                used += 1
                assert french_style.POINT_MEDIAN not in value, (entry.msgid, value)
    assert used > 30


def test_the_checks_catch_each_kind_of_mistake(tmp_path):
    """Negative control: a probe catalogue written the way the issue found the French."""
    po = polib.POFile()
    for msgid, msgstr in [
        ("Referrals", "Recommandations"),
        ("Mentees", "Mentoré·e·s"),
        ("Permanent resident", "Résident·e permanent·e (immigrant·e reçu·e)"),
        ("x: suppressed", "x : donnée supprimée"),
        ("Is it full?", "Est-ce complet ?"),
        ("Note:", "Note :"),
        ("Note2:", "Note:"),
        ("The team's", "L'équipe"),
        ("Quote", "« programme »"),
    ]:
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
    path = tmp_path / "django.po"
    po.save(str(path))
    messages = [value for _, value in french_style.french_messages(path)]
    flagged = {message for _, message in avoided_in(messages, avoided_forms())}
    assert flagged == {
        "Recommandations",
        "Mentoré·e·s",
        "Résident·e permanent·e (immigrant·e reçu·e)",
        "x : donnée supprimée",
    }
    assert typography_problems("Est-ce complet ?") == ["space before ; ! or ? (write none)"]
    assert typography_problems("Note :") == ["colon without a no-break space before it"]
    assert typography_problems("Note:") == ["colon without a no-break space before it"]
    assert typography_problems("L'équipe") == ["straight apostrophe (write ’)"]
    assert typography_problems("« programme »") == ["guillemets without no-break spaces inside"]
    assert "point médian (write an epicene form)" in typography_problems("Mentoré·e·s")
    assert typography_problems("«\u00a0\u00a0Cap\u00a0\u00a0»") == ["two spaces in a row"]
    # What is right passes, and markup, placeholders and URLs are left alone.
    assert typography_problems("Note\u00a0: l’équipe «\u00a0Cap\u00a0» est-elle complète?") == []
    assert typography_problems('<a href="https://x.ca/a?b=1">Voir</a> %(name)s') == []
    assert typography_problems("séparés par «\u00a0;\u00a0»") == []
