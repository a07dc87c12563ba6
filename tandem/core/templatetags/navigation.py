"""`{% load navigation %}`: one line per entry of the navigation bar (`templates/includes/nav.html`).

    {% nav_link "reports:index" _("Reports") current="reports" %}

renders `<li><a href="/en/reports/">Reports</a></li>`, with `aria-current="page"` when the page
shown is that URL name, or belongs to one of the apps (or URL names) listed in `current`
(space-separated). The label is translated where the template is (`_("...")` is collected by
`makemessages` from the tag itself)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


def is_current(context: template.Context, url_name: str, current: str) -> bool:
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    names = {name for name in (url_name, *current.split()) if name}
    return match.view_name in names or match.app_name in names


@register.simple_tag(takes_context=True)
def nav_link(context: template.Context, url_name: str, label: str, current: str = "") -> str:
    if is_current(context, url_name, current):
        return format_html(
            '<li><a href="{}" aria-current="page">{}</a></li>', reverse(url_name), label
        )
    return format_html('<li><a href="{}">{}</a></li>', reverse(url_name), label)


@register.simple_tag(takes_context=True)
def nav_current(context: template.Context, names: str) -> bool:
    """`{% nav_current "privacy core:profile" as here %}`: whether the page shown belongs to one
    of these apps or URL names (the "More" menu is marked when the page is one of its entries)."""
    return is_current(context, "", names)
