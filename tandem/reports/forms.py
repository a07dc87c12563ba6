"""The period a report covers: a fiscal year, the last twelve months, or two dates."""

import datetime as dt

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tandem.core.forms import choice_field
from tandem.reports.models import ReportFormat
from tandem.reports.selectors import Period, fiscal_year


class PeriodForm(forms.Form):
    PRESETS = [
        ("fiscal", _("This fiscal year (April to March)")),
        ("previous_fiscal", _("Last fiscal year")),
        ("twelve_months", _("The last 12 months")),
        ("custom", _("Dates of my choice")),
    ]
    preset = forms.ChoiceField(label=_("Period"), choices=PRESETS, required=False)
    starts_on = forms.DateField(
        label=pgettext_lazy("period", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ends_on = forms.DateField(
        label=pgettext_lazy("period", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("preset") == "custom":
            starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
            if not starts_on or not ends_on:
                raise forms.ValidationError(_("Give both dates of the period."))
            if ends_on < starts_on:
                raise forms.ValidationError(_("The period ends on or after the day it starts."))
            if (ends_on - starts_on).days > 366 * 10:
                raise forms.ValidationError(_("A report covers ten years at most."))
        return data

    def period(self) -> Period:
        """The chosen period; this fiscal year when nothing (or nothing valid) was chosen."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        preset = data.get("preset") or "fiscal"
        if preset == "custom":
            return Period(data["starts_on"], data["ends_on"])
        if preset == "previous_fiscal":
            return fiscal_year(fiscal_year(today).starts_on - dt.timedelta(days=1))
        if preset == "twelve_months":
            return Period(today - dt.timedelta(days=364), today)
        return fiscal_year(today)


class FunderPeriodForm(forms.Form):
    """Funders choose among the published fiscal years (reports/snapshots.py), never their own
    dates, a sliding window or the year under way: two reports over periods a day apart would
    give back, by subtraction, the one referral made that day. Published years never overlap
    and never change, so no report is another one plus a few people."""

    fiscal_year = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int, required=False)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        choice_field(self, "fiscal_year").choices = [
            (year, _("April %(start)s to March %(end)s") % {"start": year, "end": year + 1})
            for year in years
        ]

    def year(self) -> int | None:
        """The chosen published year; the latest when nothing (or nothing offered) was chosen,
        None when no year is published."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("fiscal_year") or (self.years[0] if self.years else None)


def funder_period_form(data, years: list[int]) -> FunderPeriodForm:
    return FunderPeriodForm(data if data.get("fiscal_year") else None, years=years)


def is_fiscal_year(period: Period) -> bool:
    return fiscal_year(period.starts_on) == period


def period_form(data) -> PeriodForm:
    return PeriodForm(data if data.get("preset") or data.get("starts_on") else None)


def period_query(period: Period) -> str:
    """The query string that names a period exactly, for links to exports and builds."""
    # A fiscal year is also named as such: the one form a funder's links accept.
    year = f"fiscal_year={period.starts_on.year}&" if is_fiscal_year(period) else ""
    return f"{year}preset=custom&starts_on={period.starts_on.isoformat()}&ends_on={period.ends_on.isoformat()}"


class BuildForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=ReportFormat.choices)
    language = forms.ChoiceField(
        label=_("Language of the report"), choices=settings.LANGUAGES, required=False
    )
    starts_on = forms.DateField(widget=forms.HiddenInput)
    ends_on = forms.DateField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise forms.ValidationError(_("The period ends on or after the day it starts."))
        return data
