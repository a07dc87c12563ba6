from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.core.widgets import RadioSelect
from tandem.matching.models import Answer
from tandem.meetings.models import CaseMeeting, CheckIn, MeetingLog, NextMeeting
from tandem.mentorships.models import MeetingMode
from tandem.participants.models import Channel, Participant
from tandem.programs.models import ActionStep


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MeetingLogForm(forms.ModelForm):
    class Meta:
        model = MeetingLog
        fields = ["met_on", "minutes", "mode", "topics", "steps_advanced"]
        widgets = {
            "met_on": DateInput(),
            "mode": RadioSelect,
            "topics": forms.Textarea(attrs={"rows": 3}),
            "steps_advanced": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, steps=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["steps_advanced"].queryset = (
            steps if steps is not None else ActionStep.objects.none()
        )
        self.fields["steps_advanced"].required = False


class NextMeetingForm(forms.ModelForm):
    class Meta:
        model = NextMeeting
        fields = ["starts_at", "mode", "place"]
        widgets = {"starts_at": DateTimeInput()}


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    upload = forms.FileField(label=_("File"), required=False, help_text=_("PDF or Word (.docx)."))
    link = forms.URLField(label=_("Or a link"), required=False, assume_scheme="https")

    def clean(self):
        data = super().clean()
        if bool(data.get("upload")) == bool(data.get("link")):
            raise forms.ValidationError(_("Share either a file or a link."))
        return data


class CheckInForm(forms.ModelForm):
    participant = forms.ModelChoiceField(
        label=_("With"), queryset=Participant.objects.none(), widget=forms.RadioSelect
    )

    class Meta:
        model = CheckIn
        fields = ["participant", "held_on", "how_it_is_going", "concerns", "satisfaction"]
        widgets = {
            "held_on": DateInput(),
            "how_it_is_going": forms.Textarea(attrs={"rows": 3}),
            "concerns": forms.Textarea(attrs={"rows": 3}),
            "satisfaction": RadioSelect,
        }

    def __init__(self, *args, mentorship, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = Participant.objects.filter(
            pk__in=[mentorship.mentor_id, mentorship.mentee_id]
        )
        self.fields["participant"].label_from_instance = lambda p: (
            f"{p.full_name} ({p.get_role_display()})"
        )


class CaseMeetingForm(forms.ModelForm):
    class Meta:
        model = CaseMeeting
        fields = ["held_on", "attendees", "reason", "notes", "decisions", "follow_up_on"]
        widgets = {
            "held_on": DateInput(),
            "follow_up_on": DateInput(),
            "reason": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "decisions": forms.Textarea(attrs={"rows": 3}),
        }


# --- Answers recorded on a person's behalf (tandem/meetings/behalf.py) ------------------------


class BehalfChannelForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How did the person give this answer?"),
        choices=Channel.choices,
        widget=forms.RadioSelect,
        initial=Channel.PHONE,
    )


class BehalfAnswerForm(BehalfChannelForm):
    answer = forms.ChoiceField(
        label=_("Their answer"), choices=Answer.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Their reason (needed when they decline)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BehalfMeetingForm(BehalfChannelForm):
    met_on = forms.DateField(label=_("Date of the meeting"), widget=DateInput())
    minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=5, max_value=600)
    mode = forms.ChoiceField(label=_("How they met"), choices=MeetingMode.choices)
    topics = forms.CharField(
        label=_("Topics discussed"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
