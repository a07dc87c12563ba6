"""The request of a view that only signed-in people reach, typed as such.

`HttpRequest.user` is `User | AnonymousUser`. A view whose `@rule` is `Audience.SIGNED_IN`,
`SCOPED` or `PLATFORM_ADMIN` is only ever called for a signed-in person (the gate sends anyone
else to sign-in first), so it annotates its request as `AuthenticatedRequest` and reads
`request.user` as a `User`, with no casts. A `PUBLIC` view keeps `HttpRequest` and checks
`request.user.is_authenticated` itself; `core/tests/test_url_access.py` fails on a public view
that claims an `AuthenticatedRequest`.

It lives in `accounts` (the floor of `User`), not in `core`, which imports no app.
"""

from django.http import HttpRequest

from tandem.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """For type checking only: Django builds plain `HttpRequest`s; the `@rule` gate is what
    makes `user` a `User` here."""

    user: User
