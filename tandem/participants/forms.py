from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.participants.csvformat import ISO_639_1, POSTAL_CODE, SLOTS
from tandem.participants.models import Participant
from tandem.reference.models import Occupation


class ParticipantForm(forms.ModelForm):
    """A client or mentor recorded once by their agency, with what eligibility is judged on."""

    occupation = forms.ModelChoiceField(
        label=_("Occupation (NOC)"), queryset=Occupation.objects.filter(level=5)
    )
    is_internationally_educated = forms.NullBooleanField(
        label=_("Internationally educated"),
        required=False,
    )
    completed_job_search_workshop = forms.NullBooleanField(
        label=_("Completed a job-search workshop or equivalent"),
        required=False,
    )

    class Meta:
        model = Participant
        fields = [
            "role",
            "external_id",
            "given_name",
            "family_name",
            "email",
            "preferred_language",
            "languages",
            "occupation",
            "industry",
            "postal_code",
            "province",
            "immigration_status",
            "is_internationally_educated",
            "clb_level",
            "completed_job_search_workshop",
            "years_experience",
            "employer",
            "capacity",
            "meeting_mode",
            "availability",
            "goals",
        ]
        widgets = {"goals": forms.Textarea(attrs={"rows": 3}), "industry": forms.TextInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occupation"].label_from_instance = lambda o: f"{o.code} {o.title}"
        self.fields["industry"].help_text = _("NAICS code, 2 to 6 digits (optional).")

    def clean_languages(self):
        codes = [c.strip().lower() for c in self.cleaned_data["languages"].split(";") if c.strip()]
        wrong = [c for c in codes if c not in ISO_639_1]
        if wrong or not codes:
            raise forms.ValidationError(
                _("Write two-letter language codes separated by ';', e.g. en;fr;ar.")
            )
        return ";".join(dict.fromkeys(codes))

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"].strip().upper()
        if not value:
            return ""
        match = POSTAL_CODE.match(value)
        if not match:
            raise forms.ValidationError(
                _("Write a Canadian postal code (K1K 2C5) or its first three characters.")
            )
        return " ".join(part for part in match.groups() if part)

    def clean_availability(self):
        slots = [
            s.strip().lower() for s in self.cleaned_data["availability"].split(";") if s.strip()
        ]
        if any(s not in SLOTS for s in slots):
            raise forms.ValidationError(_("Write slots such as tue-evening;sat-morning."))
        return ";".join(dict.fromkeys(slots))


class AccommodationForm(forms.Form):
    needs = forms.CharField(
        label=_("Accommodation needs"),
        help_text=_(
            "What the person needs to take part: format of documents, meeting places, breaks, tools."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )
    has_consent = forms.BooleanField(
        label=_("The person consents to record these needs."), required=False
    )
    share = forms.BooleanField(
        label=_("The person agrees to share them with the staff of the programs that accept them."),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if (data.get("needs") or "").strip() and not data.get("has_consent"):
            self.add_error("has_consent", _("Needs are recorded only with the person's consent."))
        return data


class ResumeForm(forms.Form):
    file = forms.FileField(
        label=_("Résumé"),
        help_text=_("PDF or Word (.docx), 5 MB at most."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Participants CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    dry_run = forms.BooleanField(label=_("Check the file only, write nothing"), required=False)
