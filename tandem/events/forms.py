from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.events.models import Event
from tandem.participants.models import Participant


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "kind",
            "title_en",
            "title_fr",
            "description_en",
            "description_fr",
            "starts_at",
            "ends_at",
            "mode",
            "place",
            "link",
            "capacity",
            "is_open",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "description_fr": forms.Textarea(attrs={"rows": 4, "lang": "fr"}),
            "title_fr": forms.TextInput(attrs={"lang": "fr"}),
        }

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("An event ends after it starts."))
        return data


def guest_label(person: Participant) -> str:
    """Tells two people of the same name apart: role, organization and the agency's id."""
    return _("%(name)s — %(role)s, %(organization)s (%(id)s)") % {
        "name": person.full_name,
        "role": person.get_role_display(),
        "organization": person.organization.name,
        "id": person.external_id,
    }


class InviteForm(forms.Form):
    participants = forms.ModelMultipleChoiceField(
        label=_("People to invite"),
        queryset=Participant.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = queryset.select_related("organization")
        self.fields["participants"].label_from_instance = guest_label


class AttendanceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        label=_("Who attended"),
        queryset=Participant.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = queryset.select_related("organization")
        self.fields["present"].label_from_instance = guest_label
