"""core/fulltext.py on a table of its own (created for this module, outside the tests'
transactions): matching in English and French, ranking by weight, suggestions where any word
counts, and, on PostgreSQL, the stored document and its GIN index."""

import pytest
from django.db import connection, models

from tandem.core import fulltext
from tandem.core.fields import bounded_text
from tandem.core.fulltext import Weighted


class Note(models.Model):
    title_en = models.CharField(max_length=200, blank=True)
    title_fr = models.CharField(max_length=200, blank=True)
    body = bounded_text(blank=True)  # like every text field of Tandem (test_text_limits)
    search_document = fulltext.document(
        Weighted("title_en", "A", "en"), Weighted("title_fr", "A", "fr"), Weighted("body", "C")
    )
    search_head = fulltext.document(
        Weighted("title_en", "A", "en"), Weighted("title_fr", "A", "fr")
    )

    class Meta:
        app_label = "core"
        indexes = [fulltext.SearchIndex(fields=["search_document"], name="core_note_search")]

    def __str__(self):
        return self.title_en


@pytest.fixture(scope="module")
def notes(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            editor.create_model(Note)
        Note.objects.bulk_create(
            [
                Note(
                    title_en="HR Inclusive Policy Toolkit",
                    title_fr="Trousse de politiques RH inclusives",
                    body="Templates for hiring newcomers.",
                ),
                Note(title_en="Mentoring guide", title_fr="Guide du mentorat", body="Hiring tips."),
                Note(title_en="Board governance", title_fr="Gouvernance du conseil", body=""),
            ]
        )
    yield
    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            editor.delete_model(Note)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("notes")]


def titles(rows):
    return [row.title_en for row in rows]


def test_english_and_french_words_find_the_same_resource():
    assert titles(fulltext.search(Note.objects.all(), "inclusive toolkit")) == [
        "HR Inclusive Policy Toolkit"
    ]
    assert titles(fulltext.search(Note.objects.all(), "trousse")) == ["HR Inclusive Policy Toolkit"]
    assert titles(fulltext.search(Note.objects.all(), "gouvernance")) == ["Board governance"]


def test_every_word_must_match_and_a_title_outranks_a_body():
    assert titles(fulltext.search(Note.objects.all(), "toolkit governance")) == []
    found = list(fulltext.search(Note.objects.all(), "hiring"))
    assert set(titles(found)) == {"HR Inclusive Policy Toolkit", "Mentoring guide"}
    assert all(row.rank > 0 for row in found)
    # "mentoring" is in a title (A) of one note only: it comes first, above body matches.
    ranked = fulltext.search(Note.objects.all(), "mentoring", any_word=True)
    assert titles(ranked)[0] == "Mentoring guide"


def test_the_search_keeps_the_callers_filter_and_an_empty_query_finds_nothing():
    assert titles(fulltext.search(Note.objects.exclude(title_en="Mentoring guide"), "guide")) == []
    assert list(fulltext.search(Note.objects.all(), "  ")) == []
    assert list(fulltext.search(Note.objects.all(), "!!! ?")) == []


def test_similar_counts_any_word_and_ignores_common_ones():
    found = fulltext.similar(Note.objects.all(), "A new toolkit for the board")
    assert set(titles(found)) == {"HR Inclusive Policy Toolkit", "Board governance"}
    assert fulltext.similar(Note.objects.all(), "the and for with") == []


def test_a_results_page_puts_title_matches_first_then_body_only_matches():
    Note.objects.create(title_en="Hiring newcomers", title_fr="Embaucher", body="")
    try:
        page = fulltext.search_page(Note.objects.all(), "hiring", limit=2)
        assert titles(page)[0] == "Hiring newcomers"
        assert len(page) == 2 and titles(page)[1] in {
            "HR Inclusive Policy Toolkit",
            "Mentoring guide",
        }
        assert fulltext.search_page(Note.objects.all(), "  ", limit=5) == []
    finally:
        Note.objects.filter(title_en="Hiring newcomers").delete()


def test_a_long_query_is_cut_and_special_characters_are_harmless():
    assert fulltext.words_of("word " * 100) == ["word"]
    assert len(fulltext.words_of(" ".join(f"w{n}x" for n in range(50)))) == fulltext.MAX_WORDS
    assert list(fulltext.search(Note.objects.all(), "toolkit' & | ! :* (")) != []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored document is PostgreSQL's")
def test_postgresql_stores_the_document_and_uses_the_gin_index():
    note = Note.objects.get(title_en="Board governance")
    assert "'govern':2A" in note.search_document  # English stem, weight A, position 2
    note.title_fr = "Planification stratégique"
    note.save()
    note.refresh_from_db()
    assert "strateg" in note.search_document  # the database rewrote it on update
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", ["core_note_search"])
        assert "gin" in cursor.fetchone()[0].lower()
