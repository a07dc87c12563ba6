"""The cohort is labelled by fiscal quarter (April to March), like every period of the reports."""

import datetime as dt

from tandem.reports.tables.outcomes import _dimension_labels


def test_cohorts_are_labelled_by_fiscal_quarter():
    labels = _dimension_labels(
        "cohort", [dt.date(2026, 1, 1), dt.date(2026, 4, 1), dt.date(2026, 10, 1)]
    )
    assert labels[dt.date(2026, 1, 1)] == "Fiscal year 2025-2026, quarter 4"
    assert labels[dt.date(2026, 4, 1)] == "Fiscal year 2026-2027, quarter 1"
    assert labels[dt.date(2026, 10, 1)] == "Fiscal year 2026-2027, quarter 3"
