"""Tables to CSV and XLSX files. Text that a spreadsheet would run as a formula is neutralised:
a cell starting with = + - @ or a control character gets a leading apostrophe (OWASP), since
names of agencies and programs are typed by people."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tandem.reports.tables import Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def about_lines(
    title: str, subtitle: str, period: str, *, suppressed: bool, threshold: int
) -> list[list[str]]:
    lines = [[title], [subtitle], [period]]
    if suppressed:
        lines.append(
            [
                _(
                    "x: suppressed. Counts of 1 to %(limit)s people are not published, nor any "
                    "count that would let one be worked out from the totals."
                )
                % {"limit": threshold - 1}
            ]
        )
    return lines


def to_csv(tables: Sequence[Table], about: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in about:
        writer.writerow([neutralise(v) for v in line])
    for table in tables:
        writer.writerow([])
        writer.writerow([neutralise(table.title)])
        for row in table.plain_rows():
            writer.writerow(["" if v is None else neutralise(v) for v in row])
        for note in table.notes:
            writer.writerow([neutralise(note)])
    # A byte-order mark, so that Excel opens French accents correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet_name(title: str, used: set[str]) -> str:
    name = "".join(c for c in title if c not in "[]:*?/\\")[:28].strip() or "Table"
    candidate, n = name, 2
    while candidate.lower() in used:
        candidate = f"{name[:25]} {n}"
        n += 1
    used.add(candidate.lower())
    return candidate


def to_xlsx(tables: Sequence[Table], about: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("About")[:31]
    for line in about:
        sheet.append([neutralise(v) for v in line])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 100
    used = {sheet.title.lower()}
    for table in tables:
        sheet = workbook.create_sheet(_sheet_name(table.title, used))
        sheet.append([neutralise(table.title)])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([neutralise(table.description)])
        sheet.append([])
        for index, row in enumerate(table.plain_rows()):
            sheet.append(["" if v is None else neutralise(v) for v in row])
            if index == 0:
                for cell in sheet[sheet.max_row]:
                    cell.font = Font(bold=True)
        for position, total_row in enumerate(table.rows):
            if total_row.is_total:
                for cell in sheet[4 + 1 + position]:
                    cell.font = Font(bold=True)
        for note in table.notes:
            sheet.append([neutralise(note)])
        sheet.column_dimensions["A"].width = 48
        for column in range(2, len(table.columns) + 2):
            sheet.column_dimensions[get_column_letter(column)].width = 18
        sheet.freeze_panes = "B5"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
