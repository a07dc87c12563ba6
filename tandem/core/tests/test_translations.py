import polib
import pytest

from tandem.core import translations


@pytest.mark.parametrize("catalogue", translations.catalogues(), ids=lambda c: c.name)
def test_every_message_has_a_finished_french_translation(catalogue):
    missing = translations.missing_translations(catalogue)
    assert missing == [], f"{catalogue.po_path}: untranslated, fuzzy or missing: {missing[:20]}"


@pytest.mark.parametrize("catalogue", translations.catalogues(), ids=lambda c: c.name)
def test_french_catalogues_have_no_fuzzy_or_empty_entries(catalogue):
    entries = list(polib.pofile(str(catalogue.po_path))) if catalogue.po_path.exists() else []
    assert [e.msgid for e in entries if not translations.is_translated(e)] == []
    if catalogue.po_path.exists():
        assert not polib.pofile(str(catalogue.po_path)).metadata_is_fuzzy, "fuzzy header"


def test_the_check_catches_an_untranslated_message(tmp_path, settings):
    """Negative control: a catalogue with one empty entry is reported."""
    source = tmp_path / "app"
    source.mkdir()
    (source / "views.py").write_text(
        'from django.utils.translation import gettext as _\n_("Hello there")\n'
    )
    po_path = tmp_path / "django.po"
    po = polib.POFile()
    po.append(polib.POEntry(msgid="Hello there", msgstr=""))
    po.save(str(po_path))
    catalogue = translations.Catalogue("probe", (source,), po_path)
    assert translations.missing_translations(catalogue) == ["Hello there"]
    po[0].msgstr = "Bonjour"
    po.save(str(po_path))
    assert translations.missing_translations(catalogue) == []
