from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.core.fields import TEXT_MAX_LENGTH
from tandem.core.widgets import RadioSelect
from tandem.meetings.forms import BehalfChannelForm
from tandem.outcomes.models import (
    Closure,
    ClosureKind,
    EmploymentOutcome,
    EmploymentStatus,
    ExitSurvey,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ClosureForm(forms.ModelForm):
    class Meta:
        model = Closure
        fields = ["kind", "early_reason", "ended_on", "note"]
        widgets = {
            "kind": RadioSelect,
            "ended_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"early_reason": _("Only when the mentorship ended early.")}

    def clean(self):
        data = super().clean()
        if data.get("kind") == ClosureKind.EARLY and not data.get("early_reason"):
            self.add_error("early_reason", _("Choose the reason the mentorship ended early."))
        return data


class ExtensionForm(forms.Form):
    new_end_on = forms.DateField(label=_("New expected end"), widget=DateInput())
    mentor_agreed = forms.BooleanField(label=_("The mentor agreed to the extension"))
    mentee_agreed = forms.BooleanField(label=_("The mentee agreed to the extension"))
    note = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_MAX_LENGTH,
    )


class ExitSurveyForm(forms.ModelForm):
    satisfaction = forms.TypedChoiceField(
        label=_("Overall, how satisfied are you with the mentorship?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 is very dissatisfied, 5 is very satisfied."),
    )
    would_recommend = forms.TypedChoiceField(
        label=_("Would you recommend the program to a friend?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = ExitSurvey
        fields = [
            "satisfaction",
            "objectives_met",
            "would_recommend",
            "what_helped",
            "what_to_improve",
        ]
        widgets = {
            "objectives_met": RadioSelect,
            "what_helped": forms.Textarea(attrs={"rows": 3}),
            "what_to_improve": forms.Textarea(attrs={"rows": 3}),
        }


class EmploymentForm(forms.ModelForm):
    """The mentee's employment status: at exit, at each follow-up, or recorded by staff."""

    class Meta:
        model = EmploymentOutcome
        fields = ["status", "interviews_granted", "employed_on", "job_title"]
        widgets = {"status": RadioSelect, "employed_on": DateInput()}
        help_texts = {
            "interviews_granted": _(
                "Since the start of the mentorship, or since your last answer."
            ),
            "employed_on": _("If you are employed: the day you started."),
        }

    def clean(self):
        data = super().clean()
        if data.get("status") not in (
            EmploymentStatus.EMPLOYED_IN_FIELD,
            EmploymentStatus.EMPLOYED_RELATED,
            EmploymentStatus.OTHER_JOB,
        ):
            data["employed_on"], data["job_title"] = None, ""
        return data


class FollowUpForm(EmploymentForm):
    stop_contact = forms.BooleanField(
        label=_("Do not contact me again about this program"), required=False
    )

    class Meta(EmploymentForm.Meta):
        pass


class FollowUpBehalfForm(FollowUpForm):
    """The follow-up's questions as staff ask them by phone, with how the person answered."""

    channel = BehalfChannelForm.base_fields["channel"]

    class Meta(FollowUpForm.Meta):
        pass

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stop_contact"].label = _("The person asked not to be contacted again")
        self.fields["interviews_granted"].help_text = _(
            "Since the end of the mentorship, or since their last answer."
        )
        self.fields["employed_on"].help_text = _("If they are employed: the day they started.")


class ConsentForm(forms.Form):
    may_contact = forms.TypedChoiceField(
        label=_("May the program contact this person after the mentorship?"),
        choices=[("yes", _("Yes")), ("no", _("No, consent withdrawn"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
