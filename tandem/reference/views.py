from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tandem.core.access import Audience, rule
from tandem.reference.selectors import industry_search, occupation_search

SUGGESTIONS = 8  # enough to find one's own title, few enough to read through by keyboard


@rule(Audience.PUBLIC)
def search(request: HttpRequest) -> HttpResponse:
    """Find a NOC unit group by an English or French job title, or by code (htmx-enhanced)."""
    query = request.GET.get("q", "")[:100]
    context = {"query": query, "results": occupation_search(query=query)}
    if request.headers.get("HX-Request"):
        return render(request, "reference/_results.html", context)
    return render(request, "reference/search.html", context)


def _typed(request: HttpRequest) -> str:
    """The words typed in the form's search box, whatever the form's prefix named it."""
    for name, value in request.GET.items():
        if name == "q" or name.endswith("_query"):
            return value[:100]
    return ""


def _suggestions(request: HttpRequest, kind: str, options: list[tuple[str, str, str]]):
    return render(
        request,
        "reference/_suggestions.html",
        {"kind": kind, "options": options, "typed": len(_typed(request).strip()) >= 2},
    )


@rule(Audience.PUBLIC)
def occupation_suggestions(request: HttpRequest) -> HttpResponse:
    """Live suggestions for the occupation box of the mentee and mentor forms (htmx): the
    options of a listbox, each an occupation code with the title that matched. The form works
    without them: the server searches the words typed when the form is sent."""
    found = occupation_search(query=_typed(request), limit=SUGGESTIONS)
    options = [(o.code, matched, o.title if o.title != matched else "") for o, matched in found]
    return _suggestions(request, "occupation", options)


@rule(Audience.PUBLIC)
def industry_suggestions(request: HttpRequest) -> HttpResponse:
    """Live suggestions for the industry box, as occupation_suggestions."""
    found = industry_search(query=_typed(request), limit=SUGGESTIONS)
    return _suggestions(request, "industry", [(i.code, i.title, "") for i in found])
