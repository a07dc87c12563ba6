from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from tandem.reference.models import Industry, Occupation, OccupationTitle, search_key


def occupation_search(*, query: str, limit: int = 20) -> list[tuple[Occupation, str]]:
    """Unit groups whose code, official title or an example title (EN or FR) matches `query`.

    Returns (occupation, matched title) pairs, exact code first, then by title.
    """
    query = query.strip()
    if len(query) < 2:
        return []
    results: dict[str, tuple[Occupation, str]] = {}
    if query.isdigit():
        for occupation in Occupation.objects.filter(level=5, code__startswith=query)[:limit]:
            results[occupation.code] = (occupation, occupation.title)
        return list(results.values())
    words = search_key(query).split()
    # Every word typed must appear; titles that start with the first word come first.
    matching: QuerySet[OccupationTitle] = OccupationTitle.objects.all()
    for word in words:
        matching = matching.filter(search_text__contains=word)
    starting = matching.filter(search_text__startswith=words[0])
    containing = matching.exclude(search_text__startswith=words[0])
    for titles in (starting, containing):
        for example in titles.select_related("occupation").order_by("search_text")[: limit * 50]:
            if example.occupation_id not in results:
                results[example.occupation_id] = (example.occupation, example.title)
            if len(results) >= limit:
                return list(results.values())
    return list(results.values())


def industry_search(*, query: str, limit: int = 20) -> list[Industry]:
    """NAICS industries (the most detailed levels first) whose code or title in English or
    French contains every word typed."""
    query = query.strip()
    if len(query) < 2:
        return []
    if query.isdigit():
        return list(Industry.objects.filter(code__startswith=query).order_by("code")[:limit])
    found = Industry.objects.all()
    for word in query.split():
        found = found.filter(Q(title_en__icontains=word) | Q(title_fr__icontains=word))
    return list(found.order_by("-level", "code")[:limit])


def code_candidates(
    name: str, *, query: str, codes: Iterable[tuple[str | None, dict[str, Any]]] = ()
) -> list[Any]:
    """What a form's typed words match among occupations or industries (`name`), in English or
    French, 12 at most, plus the given codes not among them: a record's current value, the one
    chosen among the live suggestions (which the search may rank past its limit). Each code
    comes with the lookup it must also pass (e.g. `{"level": 5}`: unit groups only)."""
    found: list[Any] = []
    if query and name == "occupation":
        found = [occupation for occupation, _title in occupation_search(query=query, limit=12)]
    elif query:
        found = industry_search(query=query, limit=12)
    model: type[Occupation] | type[Industry] = Occupation if name == "occupation" else Industry
    for code, lookup in codes:
        if code and code not in {f.pk for f in found}:
            found += list(model.objects.filter(pk=code, **lookup))
    return found
