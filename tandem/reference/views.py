from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tandem.core.access import Audience, rule
from tandem.reference.selectors import occupation_search


@rule(Audience.PUBLIC)
def search(request: HttpRequest) -> HttpResponse:
    """Find a NOC unit group by an English or French job title, or by code (htmx-enhanced)."""
    query = request.GET.get("q", "")[:100]
    context = {"query": query, "results": occupation_search(query=query)}
    if request.headers.get("HX-Request"):
        return render(request, "reference/_results.html", context)
    return render(request, "reference/search.html", context)
