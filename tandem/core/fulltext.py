"""Full-text search over a model's weighted text fields, in English and French.

On PostgreSQL a model keeps its search document in a stored generated column (`document(...)`):
the database itself writes `setweight(to_tsvector('english', title), 'A') || ...` whenever a row
is inserted or updated (bulk updates included, no signal to forget), and a GIN index
(`SearchIndex`) answers the `@@` match. A query is read in both languages at once
(`websearch_to_tsquery('english', q) || websearch_to_tsquery('french', q)`), so "toolkit" finds
the English version and « trousse » the French one, and results are ranked by `ts_rank` (the
weights: A title, B summary, C body, D the rest).

On SQLite (development, most tests) the same column holds NULL and `search` falls back to a
simple match: every word of the query must appear in one of the fields (case-insensitive), and
the rank is the sum of the weights of the fields each word appears in. Same API, same order of
ideas, fewer subtleties (no stemming, no quoted phrases).

Use:

    class Resource(models.Model):
        title_en = models.CharField(...)
        title_fr = models.CharField(...)
        search_document = fulltext.document(
            fulltext.Weighted("title_en", "A", "en"), fulltext.Weighted("title_fr", "A", "fr"),
        )

        class Meta:
            indexes = [fulltext.SearchIndex(fields=["search_document"], name="resource_search")]

    fulltext.search(Resource.objects.filter(...), "inclusive hiring")  # ranked, `.rank` set
    fulltext.similar(Resource.objects.all(), draft_title)  # any word counts: "already exists?"
    fulltext.search_page(Resource.objects.all(), "hiring", limit=25)  # large tables: see there

A field whose language is None (a post whose language the writer may not have set) is indexed in
both configurations. This module is on the ground floor: it imports no app.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any, Literal

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connections, models
from django.db.models import Case, F, Q, Value, When
from django.db.models.expressions import Expression
from django.utils.deconstruct import deconstructible

Weight = Literal["A", "B", "C", "D"]
Language = Literal["en", "fr"] | None

CONFIGS = {"en": "english", "fr": "french"}
# PostgreSQL's default ts_rank weights, reused by the SQLite fallback so both orders agree.
WEIGHT_VALUES = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}
# A query longer than this is cut (the search box's own limit is lower): the planner's cost
# grows with the number of terms.
MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
WORD = re.compile(r"\w{2,}", re.UNICODE)


@dataclass(frozen=True)
class Weighted:
    """One text field of the document: its weight and the language it is written in."""

    field: str
    weight: Weight = "D"
    language: Language = None

    def configs(self) -> list[str]:
        return [CONFIGS[self.language]] if self.language else list(CONFIGS.values())

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        """Written into migrations, as the document's expression is."""
        return "tandem.core.fulltext.Weighted", (self.field, self.weight, self.language), {}


@deconstructible(path="tandem.core.fulltext.SearchDocument")
class SearchDocument(Expression):
    """The tsvector of the weighted fields on PostgreSQL; NULL elsewhere.

    Written as SQL with constant configurations (`'english'::regconfig`) so that PostgreSQL
    accepts it in a generated column (every function in it is immutable)."""

    output_field = SearchVectorField()

    def __init__(self, *fields: Weighted) -> None:
        super().__init__()
        self.fields = fields

    def __repr__(self) -> str:
        return f"SearchDocument({', '.join(repr(f) for f in self.fields)})"

    def get_source_expressions(self) -> list[Any]:
        return [F(item.field) for item in self.fields]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self._sources = list(exprs)

    def resolve_expression(self, *args: Any, **kwargs: Any) -> SearchDocument:
        clone = self.copy()
        clone._sources = [F(item.field).resolve_expression(*args, **kwargs) for item in self.fields]
        return clone

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        return "NULL", ()

    def as_postgresql(
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        parts = []
        params: list[Any] = []
        for item, source in zip(self.fields, self._sources, strict=True):
            column, column_params = compiler.compile(source)
            for config in item.configs():
                # Constants written into the SQL (they are ours, never a person's input): a
                # generated column's expression cannot take parameters.
                parts.append(
                    f"setweight(to_tsvector('{config}'::regconfig, COALESCE({column}, '')), "
                    f"'{item.weight}')"
                )
                params.extend(column_params)
        return "(" + " || ".join(parts) + ")", tuple(params)


def document(*fields: Weighted) -> models.GeneratedField:
    """The model field holding the search document (stored; maintained by the database)."""
    return models.GeneratedField(
        expression=SearchDocument(*fields),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )


class SearchIndex(GinIndex):
    """A GIN index on PostgreSQL; on SQLite, where the column is NULL, a plain index (SQLite has
    no `USING gin`, and one migration serves both databases)."""

    def create_sql(self, model: Any, schema_editor: Any, using: str = "", **kwargs: Any) -> Any:
        if schema_editor.connection.vendor != "postgresql":
            return models.Index.create_sql(self, model, schema_editor, using="", **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)


def _fields_of(queryset: models.QuerySet[Any], vector: str) -> tuple[Weighted, ...]:
    field = queryset.model._meta.get_field(vector)
    expression = getattr(field, "expression", None)
    if not isinstance(expression, SearchDocument):
        raise TypeError(f"{queryset.model.__name__}.{vector} is not a fulltext.document(...)")
    return expression.fields


# Words too common to say two texts are alike, in either language. The English configuration
# drops its own stop words but keeps « les », the French one keeps "the": when any word counts
# (suggestions), these would make every text look similar.
COMMON_WORDS = frozenset(
    "the and for with from that this are was our your their how what who new about into "
    "les des une pour avec dans sur par aux que qui est sont nos vos leur comment quoi "
    "nouveau nouvelle plus".split()
)


def words_of(text: str, *, meaningful: bool = False) -> list[str]:
    """The words of a query (two letters or more), at most MAX_WORDS, in order, once each;
    `meaningful` leaves out the most common English and French words."""
    seen: dict[str, None] = {}
    for word in WORD.findall(text[:MAX_QUERY_LENGTH].lower()):
        if not (meaningful and (word in COMMON_WORDS or len(word) < 3)):
            seen.setdefault(word, None)
    return list(seen)[:MAX_WORDS]


def _postgres_query(text: str, *, any_word: bool) -> SearchQuery | None:
    if any_word:
        words = words_of(text, meaningful=True)
        if not words:
            return None
        queries = [
            SearchQuery(word, config=config, search_type="plain")
            for word in words
            for config in CONFIGS.values()
        ]
        return reduce(or_, queries)
    text = text[:MAX_QUERY_LENGTH].strip()
    if not words_of(text):
        return None
    return reduce(
        or_,
        [SearchQuery(text, config=config, search_type="websearch") for config in CONFIGS.values()],
    )


def _fallback(
    queryset: models.QuerySet[Any],
    fields: tuple[Weighted, ...],
    words: list[str],
    *,
    any_word: bool,
) -> models.QuerySet[Any]:
    def appears(word: str) -> Q:
        return reduce(or_, [Q(**{f"{item.field}__icontains": word}) for item in fields])

    conditions = [appears(word) for word in words]
    matching = reduce(or_, conditions) if any_word else reduce(lambda a, b: a & b, conditions)
    score: Any = reduce(
        lambda a, b: a + b,  # type: ignore[arg-type,return-value]  # Case + Case is a CombinedExpression
        [
            Case(
                When(
                    Q(**{f"{item.field}__icontains": word}), then=Value(WEIGHT_VALUES[item.weight])
                ),
                default=Value(0.0),
                output_field=models.FloatField(),
            )
            for word in words
            for item in fields
        ],
    )
    return queryset.filter(matching).annotate(rank=score)


def search(
    queryset: models.QuerySet[Any],
    text: str,
    *,
    vector: str = "search_document",
    any_word: bool = False,
) -> models.QuerySet[Any]:
    """The rows of `queryset` that match `text`, best first, each with `.rank`.

    Every word must match (`any_word=False`, a search box; PostgreSQL also understands quoted
    phrases, `or` and `-word`), or any word may (`any_word=True`: suggestions). A query without
    a word gives no rows. The caller slices: ranking reads only the rows that match."""
    model_fields = _fields_of(queryset, vector)
    if connections[queryset.db].vendor == "postgresql":
        query = _postgres_query(text, any_word=any_word)
        if query is None:
            return queryset.none()
        ranked = queryset.filter(**{vector: query}).annotate(rank=SearchRank(F(vector), query))
    else:
        words = words_of(text, meaningful=any_word)
        if not words:
            return queryset.none()
        ranked = _fallback(queryset, model_fields, words, any_word=any_word)
    return ranked.order_by("-rank", "-pk")


def search_page(
    queryset: models.QuerySet[Any],
    text: str,
    *,
    limit: int,
    vector: str = "search_document",
    head: str = "search_head",
) -> list[Any]:
    """The first `limit` matches of `text` for a results page, on large tables.

    Ranking every match reads every matching document, and a common word ("mentoring" in a
    mentoring network) matches most rows: 7,600 documents of 6 KB read for one page of 25. So on
    PostgreSQL the page is built from a small second document, `head` (the title and the
    summary: its weights A and B): first the rows whose head matches, ranked; then, if the page
    is not full, rows that match only in their body, newest first (an index scan that stops
    after `limit` rows). Each row has `.rank` (0 for body-only matches). On SQLite: `search`."""
    if connections[queryset.db].vendor != "postgresql":
        return list(search(queryset, text, vector=vector)[:limit])
    _fields_of(queryset, head)
    query = _postgres_query(text, any_word=False)
    if query is None:
        return []
    first = list(
        queryset.filter(**{head: query})
        .annotate(rank=SearchRank(F(head), query))
        .order_by("-rank", "-pk")[:limit]
    )
    if len(first) < limit:
        rest = (
            queryset.filter(**{vector: query})
            .exclude(**{head: query})
            .annotate(rank=Value(0.0, output_field=models.FloatField()))
            .order_by("-pk")[: limit - len(first)]
        )
        first.extend(rest)
    return first


def similar(
    queryset: models.QuerySet[Any], text: str, *, vector: str = "search_document", limit: int = 5
) -> list[Any]:
    """The few rows most like `text` (a draft's title and summary): any word counts, the more
    and the heavier the better. For "this may already exist" suggestions."""
    return list(search(queryset, text, vector=vector, any_word=True)[:limit])


__all__ = [
    "SearchDocument",
    "SearchIndex",
    "Weighted",
    "document",
    "search",
    "search_page",
    "similar",
    "words_of",
]
