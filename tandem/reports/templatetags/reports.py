from django import template
from django.utils.formats import number_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tandem.reports.tables import HIDDEN, Cell, Table

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


@register.simple_tag
def table_rows(table: Table) -> SafeString:
    """The rows of a table as HTML, each cell through `cell`: the markup a loop in the template
    would write, built here because a dashboard has over a thousand cells and looping over
    them took the template engine most of the page's rendering time."""
    written: dict[tuple, str] = {}  # the same value is formatted once (zeros above all)

    def td(c: Cell) -> str:
        key = (c.kind, c.hidden, type(c.value), c.value)
        if key not in written:
            written[key] = f'<td class="number">{conditional_escape(cell(c))}</td>'
        return written[key]

    lines = []
    for row in table.rows:
        total = ' class="total"' if row.is_total else ""
        label = conditional_escape(row.label)
        lines.append(f'<tr{total}><th scope="row">{label}</th>{"".join(map(td, row.cells))}</tr>')
    # Every value written above is escaped (cell() escapes what it does not build itself).
    return mark_safe("\n".join(lines))  # noqa: S308
