from django import template
from django.utils.safestring import SafeString, mark_safe

from tandem.community import tabs, text
from tandem.community.models import Community

register = template.Library()


@register.filter
def post_html(body: str) -> SafeString:
    """A post or message body, cleaned again by nh3 as it is shown (see text.py)."""
    return mark_safe(text.clean(body))  # noqa: S308  # nh3 output: allowed tags only


@register.inclusion_tag("community/_tabs.html")
def community_tabs(community: Community, current: str = "") -> dict[str, object]:
    """The parts of this community kept by the floors above (tabs.py), the page's own marked."""
    return {"tabs": tabs.TABS.shown(community.slug, current=current)}
