from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from tandem.reports.tables import HIDDEN, Cell

register = template.Library()


@register.filter
def cell(value: Cell) -> str:
    """A table cell as text in the active language: numbers localised, a hidden cell as x with
    its meaning, nothing as a dash."""
    if value.hidden:
        return format_html(
            '<abbr title="{}" class="suppressed">{}</abbr>',
            _("Suppressed to protect privacy"),
            HIDDEN,
        )
    if value.value is None:
        return "—"
    if value.kind == "percent":
        return _("%(value)s %%") % {"value": number_format(value.value, 1)}
    if value.kind in ("days", "number"):
        return number_format(value.value, 1 if isinstance(value.value, float) else 0)
    if value.kind == "text":
        return str(value.value)
    return number_format(value.value, force_grouping=True)


@register.filter
def plain_cell(value: Cell) -> str:
    """The same as text only (for the PDF, where abbr has no tooltip)."""
    if value.hidden:
        return HIDDEN
    return str(cell(value))
