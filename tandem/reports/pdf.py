"""The report as a tagged PDF (PDF/UA-1) with its charts, in the active language.

Charts go in as HTML bars (charts.bar_chart_html) after their description and the name of their
largest bar, each followed by its table, so that a screen reader reading the PDF gets the
numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from tandem.reports.charts import bar_chart_html, largest
from tandem.reports.tables import Table, headlines

if TYPE_CHECKING:
    from tandem.reports.services import ReportSpec


def pdf_html(spec: ReportSpec, tables: Sequence[Table]) -> str:
    return render_to_string(
        "reports/pdf.html",
        {
            "spec": spec,
            "language": (get_language() or "en")[:2],
            "generated_on": timezone.localdate(),
            "headlines": headlines({t.key: t for t in tables}),
            "sections": [
                {"table": t, "chart": bar_chart_html(t), "largest": largest(t) if t.chart else ""}
                for t in tables
            ],
            "threshold": spec.threshold,
        },
    )


def preload() -> None:
    """Imports WeasyPrint (fontTools, and Pango through cffi: 1.2 s) when a process that builds
    reports starts, rather than in the first report somebody waits for."""
    import weasyprint  # noqa: F401


def render_pdf(spec: ReportSpec, tables: Sequence[Table]) -> bytes:
    from weasyprint import HTML

    return HTML(string=pdf_html(spec, tables)).write_pdf(pdf_variant="pdf/ua-1")
