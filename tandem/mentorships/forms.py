from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.core.fields import TEXT_MAX_LENGTH
from tandem.mentorships.models import Agreement, IntroductionMeeting, MeetingMode


class MeetingForm(forms.ModelForm):
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    class Meta:
        model = IntroductionMeeting
        fields = ["starts_at", "duration_minutes", "mode", "place", "link", "phone"]
        help_texts = {
            "place": _("For a meeting in person: the address."),
            "link": _("For a virtual meeting: the video call link."),
            "phone": _("For a phone meeting: the number to call."),
        }

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        needed = {
            MeetingMode.IN_PERSON: ("place", _("Give the address of the meeting.")),
            MeetingMode.VIRTUAL: ("link", _("Give the link of the video call.")),
            MeetingMode.PHONE: ("phone", _("Give the number to call.")),
        }.get(mode)
        if needed and not data.get(needed[0]):
            self.add_error(needed[0], needed[1])
        minutes = data.get("duration_minutes")
        if minutes is not None and not 15 <= minutes <= 180:
            self.add_error("duration_minutes", _("Between 15 and 180 minutes."))
        return data


class MeetingRecordForm(forms.Form):
    proceed = forms.TypedChoiceField(
        label=_("After the meeting"),
        choices=[
            ("yes", _("Both want to go on: prepare the agreement")),
            ("no", _("The match does not go on: both return to the pool")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
    )


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [
            "starts_on",
            "expected_end_on",
            "minutes_per_week",
            "hours_target",
            "goals",
            "confidentiality",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "expected_end_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "goals": forms.Textarea(attrs={"rows": 4}),
            "confidentiality": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "goals": _("From the mentee's action plan."),
            "minutes_per_week": _("At least one hour a week."),
        }

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("expected_end_on"):
            if data["expected_end_on"] <= data["starts_on"]:
                self.add_error(
                    "expected_end_on", _("The expected end must come after the start date.")
                )
        if (data.get("minutes_per_week") or 0) < 60:
            self.add_error("minutes_per_week", _("At least one hour a week."))
        return data
