"""The report as a tagged PDF (PDF/UA-1) with its charts, in the active language.

Charts go in as SVG images with their description as alternative text, each followed by its
table, so that a screen reader reading the PDF gets the numbers.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from tandem.reports.charts import bar_chart, describe
from tandem.reports.tables import Table, headlines

if TYPE_CHECKING:
    from tandem.reports.services import ReportSpec


def chart_uri(table: Table) -> str:
    svg = bar_chart(table)
    if not svg:
        return ""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def pdf_html(spec: ReportSpec, tables: Sequence[Table]) -> str:
    return render_to_string(
        "reports/pdf.html",
        {
            "spec": spec,
            "language": (get_language() or "en")[:2],
            "generated_on": timezone.localdate(),
            "headlines": headlines({t.key: t for t in tables}),
            "sections": [
                {"table": t, "chart": chart_uri(t), "alt": describe(t) if t.chart else ""}
                for t in tables
            ],
            "threshold": spec.threshold,
        },
    )


def render_pdf(spec: ReportSpec, tables: Sequence[Table]) -> bytes:
    from weasyprint import HTML

    return HTML(string=pdf_html(spec, tables)).write_pdf(pdf_variant="pdf/ua-1")
