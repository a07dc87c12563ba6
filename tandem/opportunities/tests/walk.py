"""A network built from an EMPTY database through its pages, over HTTP, as its people would:
the first platform admin from the printed link, organizations and partnerships on the set-up
pages, people invited on each organization's People page and signing in with the account they
create from their invitation. Nothing is written by the test but the reference codes the forms
offer. Each page is read as a browser would send it (`core/tests/html.py`: every field the form
holds, with what the person types replacing it), so a field the page does not offer cannot be
sent. Mail goes through the real worker. Used by the opportunities' and the employers' walks
from nothing."""

import re
from io import StringIO
from typing import Any

from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from tandem.core.tests.cast import worker_until_idle
from tandem.core.tests.html import form_with

PASSWORD = "Une-longue-phrase-2026"
LINK = re.compile(r"https?://[^/\s]+(/\w\w/[\w/.-]+/(?:\?[\w=&-]+)?)")


class Person:
    """One person's browser: their own session."""

    def __init__(self, email: str = "") -> None:
        self.email = email
        self.client = Client()

    def page(self, path: str, status: int = 200) -> str:
        response = self.client.get(path)
        assert response.status_code == status, (path, response.status_code)
        return response.content.decode()

    def send(self, path: str, button: str, status: int = 302, **typed) -> str:
        """Opens `path`, fills the form holding `button` with `typed` (a list for boxes ticked
        under one name) over what the page already holds, sends it; answers the page shown
        next (the redirect followed)."""
        form = form_with(self.page(path), button)
        data = form.data()
        for name, value in typed.items():
            data[name] = value if isinstance(value, list) else [value]
        action = form.attrs.get("action") or path
        response = self.client.post(action, data)
        assert response.status_code == status, (path, response.status_code, _errors(response))
        if response.status_code == 302:
            return self.page(response["Location"])
        return response.content.decode()


def fr(text: str) -> str:
    """What a French page says for `text`."""
    with translation.override("fr"):
        return gettext(text)


def _errors(response) -> object:
    """What the page said was wrong: each form's errors, or the end of the page."""
    context = response.context
    forms = [
        context[k] for k in (context.keys() if context else ()) if hasattr(context[k], "errors")
    ]
    return [dict(f.errors) for f in forms if f.errors] or response.content.decode()[-2000:]


def mail_to(address: str):
    """The last mail to `address`, once the worker has sent what was queued."""
    worker_until_idle()
    found = [m for m in mail.outbox if address in m.to]
    assert found, f"no mail to {address}: {[m.to for m in mail.outbox]}"
    return found[-1]


def link_in(message) -> str:
    found = LINK.search(str(message.body))
    assert found is not None, message.body
    return found.group(1)


def first_admin() -> Person:
    """The command a real network runs first, then its printed link."""
    out = StringIO()
    call_command("create_platform_admin", "--email", "admin@network.example", stdout=out)
    found = LINK.search(out.getvalue())
    assert found is not None, out.getvalue()
    admin = Person("admin@network.example")
    admin.send(
        found.group(1),
        "Create my account",
        given_name="Awa",
        family_name="Ndiaye",
        password1=PASSWORD,
        password2=PASSWORD,
    )
    return admin


def organization(admin: Person, slug: str, kind: str, province: str = "ON", **more: Any) -> None:
    admin.send(
        "/en/organizations/setup/new/",
        "Create the organization",
        name_en=slug.replace("-", " ").title(),
        name_fr=f"{slug} (fr)",
        slug=slug,
        kind=kind,
        province=province,
        **more,
    )


def partnership(admin: Person, partner: str, of: int, kind: str) -> None:
    fields: dict[str, Any] = {"partnership-kind": kind, "partnership-other": str(of)}
    admin.send(
        f"/en/organizations/{partner}/edit/",
        "Add the partnership",
        **fields,
    )


def invite(admin: Person, slug: str, email: str, role: str, language: str = "en") -> None:
    admin.send(
        f"/en/organizations/{slug}/people/",
        "Send the invitation",
        email=email,
        role=role,
        language=language,
    )


def joins(email: str, given: str, family: str) -> Person:
    """The person opens their invitation and creates their account (then signed in)."""
    person = Person(email)
    link = link_in(mail_to(email))
    person.send(
        link,
        fr("Create my account") if link.startswith("/fr/") else "Create my account",
        given_name=given,
        family_name=family,
        password1=PASSWORD,
        password2=PASSWORD,
    )
    return person


def applies_as_mentor(link: str, given: str, family: str, email: str, language: str) -> None:
    """Someone applies on a program's public mentor application (the link a partner shares or
    mails) and confirms their address from the mail."""
    say = fr if language == "fr" else str
    person = Person(email)
    person.send(
        link,
        say("Send my application"),
        given_name=given,
        family_name=family,
        email=email,
        preferred_language=language,
        languages=[language],
        noc_code="21231",
        goals="Share my network.",
        years_experience="8",
        capacity="1",
        consent="on",
    )
    person.send(link_in(mail_to(email)), say("Confirm my address"), status=200)
