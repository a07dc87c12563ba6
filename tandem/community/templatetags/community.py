from django import template
from django.utils.safestring import SafeString, mark_safe

from tandem.community import text

register = template.Library()


@register.filter
def post_html(body: str) -> SafeString:
    """A post or message body, cleaned again by nh3 as it is shown (see text.py)."""
    return mark_safe(text.clean(body))  # noqa: S308  # nh3 output: allowed tags only
