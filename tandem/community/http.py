"""Members-only answers (the community's pages, and the library's above it): never indexed, even
if a link to one leaks, and never kept by a shared cache."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http.response import HttpResponseBase


def members_only[R: HttpResponseBase](response: R) -> R:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


def members_only_view[V: Callable[..., HttpResponseBase]](view: V) -> V:
    """A view whose every answer is `members_only`."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> HttpResponseBase:
        return members_only(view(*args, **kwargs))

    return wrapped  # type: ignore[return-value]  # wraps keeps the signature; mypy cannot see it
