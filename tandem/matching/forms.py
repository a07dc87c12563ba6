from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tandem.matching.engine.model import CRITERIA
from tandem.matching.models import Answer, MatchingSettings, SharedField

CRITERION_LABELS = {
    "occupation": _("Occupation (NOC)"),
    "industry": _("Industry (NAICS)"),
    "goals": _("Career goals"),
    "language": pgettext_lazy("criterion", "Language"),
    "distance": _("Distance"),
    "availability": _("Shared availability"),
    "experience": _("Mentor's experience"),
}

WAITING_CHOICES = [
    ("", _("Any")),
    ("7", _("A week or more")),
    ("30", _("A month or more")),
    ("60", _("Two months or more")),
]
SORT_CHOICES = [
    ("waiting", _("Waiting longest first")),
    ("-waiting", _("Waiting shortest first")),
    ("name", _("Name")),
]


class PoolFilterForm(forms.Form):
    """The pool's filters; every field is optional and a bad value is simply ignored."""

    occupation = forms.CharField(
        label=_("Occupation (NOC code or title)"), required=False, max_length=100
    )
    language = forms.ChoiceField(label=_("Speaks"), required=False)
    area = forms.CharField(
        label=_("Postal code starts with"),
        required=False,
        max_length=3,
        help_text=_("For example K1 or K2P."),
    )
    waiting = forms.ChoiceField(label=_("Waiting for"), choices=WAITING_CHOICES, required=False)
    accommodations = forms.BooleanField(
        label=_("Only people who shared accommodation needs"), required=False
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            ("", _("Any language")),
            ("en", _("English")),
            ("fr", _("French")),
            ("ar", _("Arabic")),
            ("es", _("Spanish")),
            ("zh", _("Chinese")),
            ("uk", _("Ukrainian")),
        ]


class WeightsForm(forms.ModelForm):
    class Meta:
        model = MatchingSettings
        fields = [
            *CRITERIA,
            "distance_limit_km",
            "min_score",
            "reminder_after_days",
            "expire_after_days",
            "mentorship_weeks",
            "hours_target",
            "minutes_per_week",
        ]
        labels = {**CRITERION_LABELS}
        help_texts = {
            "occupation": _("Weights are relative: what counts is each one's share of the total."),
            "hours_target": _("For programs counted in hours, e.g. 24 hours over 17 weeks."),
        }

    def clean(self):
        data = super().clean()
        for name in CRITERIA:
            value = data.get(name)
            if value is not None and value < 0:
                self.add_error(name, _("A weight cannot be negative."))
        if data and sum(data.get(name) or 0 for name in CRITERIA) <= 0:
            raise forms.ValidationError(_("At least one criterion must count."))
        if (data.get("distance_limit_km") or 0) <= 0:
            self.add_error("distance_limit_km", _("The distance must be greater than zero."))
        reminder, expiry = data.get("reminder_after_days"), data.get("expire_after_days")
        if reminder is not None and expiry is not None and expiry <= reminder:
            self.add_error(
                "expire_after_days", _("A proposal must expire after the reminder is sent.")
            )
        if (data.get("minutes_per_week") or 0) < 60:
            self.add_error(
                "minutes_per_week", _("Mentors and mentees meet at least an hour a week.")
            )
        return data

    def engine_weights(self) -> dict[str, float]:
        data = self.cleaned_data
        return {
            **{name: float(data[name]) for name in CRITERIA},
            "distance_limit_km": float(data["distance_limit_km"]),
        }


class ManualMatchForm(forms.Form):
    mentor = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why this match (required when it breaks a rule of the program)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class ExplainForm(forms.Form):
    mentor = forms.TypedChoiceField(label=_("Explain another mentor"), coerce=int)

    def __init__(self, *args, mentors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].choices = [
            (m.pk, f"{m.full_name} · {m.occupation_id}") for m in mentors
        ]


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (Answer.ACCEPTED, _("I accept this match")),
            (Answer.DECLINED, _("I decline this match")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Why you decline (staff read it to find a better match)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def clean(self):
        data = super().clean()
        if data.get("answer") == Answer.DECLINED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Tell us why you decline."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class SharingForm(forms.Form):
    fields_shared = forms.MultipleChoiceField(
        label=_("What a proposed match may see about me"),
        choices=SharedField.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Staff of your program see your whole record; the other person sees only this."
        ),
    )
