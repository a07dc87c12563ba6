from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import choice_field
from tandem.participants.csvformat import DAYS, PARTS, POSTAL_CODE, SLOTS
from tandem.participants.labels import DAY_LABELS, PART_LABELS, language_choices, slot_label
from tandem.participants.models import Participant, normalise_phone
from tandem.reference.forms import code_choice, code_pick, offer_candidates, search_box


class WeekGrid(forms.CheckboxSelectMultiple):
    """Availability as a week: a row per part of the day, a column per day, a box per slot."""

    template_name = "participants/widgets/week_grid.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = set(value or [])
        base_id = (attrs or {}).get("id") or f"id_{name}"
        context["grid"] = {
            "days": [(day, DAY_LABELS[day]) for day in DAYS],
            "rows": [
                {
                    "label": PART_LABELS[part],
                    "cells": [
                        {
                            "value": f"{day}-{part}",
                            "id": f"{base_id}_{day}_{part}",
                            "label": slot_label(f"{day}-{part}"),
                            "checked": f"{day}-{part}" in chosen,
                        }
                        for day in DAYS
                    ],
                }
                for part in PARTS
            ],
        }
        return context


class SearchableChoices(forms.CheckboxSelectMultiple):
    """Checkboxes that tandem.js can filter as a person types; all shown without JavaScript."""

    def __init__(self, *args, **kwargs):
        super().__init__(
            *args,
            attrs={
                "class": "searchable-choices",
                "data-filter-label": _("Type to filter the list"),
            },
            **kwargs,
        )


class ParticipantForm(forms.ModelForm):
    """A client or mentor recorded once by their agency, with what eligibility is judged on.

    Nothing asks for a code: languages are ticked by name, availability on a week grid, and the
    occupation and industry are found by typing a job title or a sector in English or French.
    The search runs on the server when the form is sent (no JavaScript needed): one match is
    taken, several are offered to choose from, and nothing typed is lost."""

    ROLE = ""  # set by the mentee and mentor forms
    SHARED_FIELDS = [
        "external_id",
        "given_name",
        "family_name",
        "email",
        "phone",
        "date_of_birth",
        "preferred_language",
        "languages",
        "occupation",
        "industry",
        "postal_code",
        "province",
        "years_experience",
        "meeting_mode",
        "availability",
        "goals",
    ]

    occupation_query = search_box(
        "occupation",
        label=_("Occupation: type a job title"),
        help_text=_("In English or French, e.g. nurse, infirmière, software developer."),
    )
    occupation = code_choice("occupation")
    industry_query = search_box(
        "industry",
        label=_("Industry: type a sector (optional)"),
        help_text=_("E.g. hospitals, software publishers, construction."),
    )
    industry = code_choice("industry")
    languages = forms.MultipleChoiceField(
        label=_("Working languages"),
        help_text=_("Tick every language the person can work in."),
        choices=language_choices,
        widget=SearchableChoices,
    )
    availability = forms.MultipleChoiceField(
        label=_("Availability"),
        help_text=_("Tick the times the person can usually meet. Leave empty for any time."),
        choices=[(slot, slot) for slot in sorted(SLOTS)],
        widget=WeekGrid,
        required=False,
    )
    # Both optional: asked only to recognise two records of one person (duplicates.py).
    phone = forms.CharField(label=_("Phone number (optional)"), max_length=30, required=False)
    date_of_birth = forms.DateField(
        label=_("Date of birth (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        order = []
        for name in self._meta.fields:
            if name in ("occupation", "industry"):
                order.append(f"{name}_query")
            order.append(name)
        self.order_fields(order)
        instance = self.instance
        if instance.pk:
            self.initial.setdefault("languages", instance.language_codes)
            self.initial["availability"] = [s for s in instance.availability.split(";") if s]
            if instance.occupation_id:
                self.initial.setdefault("occupation_query", instance.occupation.title)
            if instance.industry_id:
                self.initial.setdefault("industry_query", instance.industry.title)
        # An occupation is chosen at the NOC's unit-group level (the codes eligibility reads).
        self.occupation_candidates = offer_candidates(
            self, "occupation", current=instance.occupation_id, unit_groups_only=True
        )
        self.industry_candidates = offer_candidates(self, "industry", current=instance.industry_id)

    def clean(self):
        data = super().clean()
        data["occupation"] = code_pick(
            self,
            "occupation",
            self.occupation_candidates,
            missing=_("Type the person's job title."),
        )
        data["industry"] = code_pick(self, "industry", self.industry_candidates)
        return data

    def record_fields(self, names=None) -> dict:
        """The cleaned values of the record's own fields (not the search boxes)."""
        fields = list(self._meta.fields or ())
        names = fields if names is None else [name for name in names if name in fields]
        return {name: self.cleaned_data[name] for name in names}

    def clean_languages(self):
        return ";".join(dict.fromkeys(self.cleaned_data["languages"]))

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
        return ";".join(dict.fromkeys(self.cleaned_data["availability"]))

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])

    def identity(self) -> dict:
        """What probable duplicates are found by (duplicates.probable_duplicates)."""
        names = ("given_name", "family_name", "date_of_birth", "phone", "email")
        return {name: self.cleaned_data.get(name) or "" for name in names}


class MenteeForm(ParticipantForm):
    """A mentee: what eligibility is judged on; no capacity, no employer."""

    ROLE = "mentee"
    is_internationally_educated = forms.NullBooleanField(
        label=_("Internationally educated"), required=False
    )
    completed_job_search_workshop = forms.NullBooleanField(
        label=_("Completed a job-search workshop or equivalent"), required=False
    )

    class Meta:
        model = Participant
        fields = [
            *ParticipantForm.SHARED_FIELDS[:10],
            "postal_code",
            "province",
            "immigration_status",
            "is_internationally_educated",
            "clb_level",
            "completed_job_search_workshop",
            "years_experience",
            "meeting_mode",
            "availability",
            "goals",
        ]
        labels = {"goals": _("Career goals")}
        widgets = {"goals": forms.Textarea(attrs={"rows": 3})}


class MentorForm(ParticipantForm):
    """A mentor: experience, employer and how many mentees at once; no eligibility facts."""

    ROLE = "mentor"

    class Meta:
        model = Participant
        fields = [
            *ParticipantForm.SHARED_FIELDS[:10],
            "postal_code",
            "province",
            "years_experience",
            "employer",
            "capacity",
            "meeting_mode",
            "availability",
            "goals",
        ]
        labels = {"goals": _("How I can help")}
        widgets = {"goals": forms.Textarea(attrs={"rows": 3})}


def form_for(role: str) -> type[ParticipantForm]:
    return MentorForm if role == "mentor" else MenteeForm


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


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(
        label=_("Which record do you keep?"),
        help_text=_(
            "Everything the other record holds moves to the one you keep, and its empty fields "
            "are filled from the other; then the other record is deleted."
        ),
        coerce=int,
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label=_("I checked that these two records are the same person."), required=True
    )

    def __init__(self, *args, first: Participant, second: Participant, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "keep").choices = [
            (p.pk, f"{p.full_name} — {p.organization.name} ({p.external_id})")
            for p in (first, second)
        ]
