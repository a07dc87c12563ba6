"""Forms of the board. Occupation and industry are found by typing a title in English or French
(the htmx combobox of tandem/reference; without JavaScript the words are searched when the form is
sent), places by a Canadian postal code, accommodations from the shared vocabulary."""

import re
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import choice_field, label_choices, model_choice_field
from tandem.organizations.models import Organization
from tandem.participants.models import MeetingMode, Participant
from tandem.reference.forms import code_choice, code_pick, offer_candidates, search_box
from tandem.reference.models import PostalArea
from tandem.reference.places import PROVINCES

from .models import (
    LONGEST_DAYS,
    MOST_PLACES,
    Accessible,
    AccommodationKind,
    Opportunity,
    OpportunityKind,
    split_codes,
)

CANADIAN_POSTAL = re.compile(r"^([A-Z][0-9][A-Z])\s*([0-9][A-Z][0-9])?$")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def accommodation_boxes(label: Any, help_text: Any = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        help_text=help_text,
        choices=AccommodationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def occupation_box(required: bool) -> forms.CharField:
    return search_box(
        "occupation",
        label=_("Occupation: type a job title") if required else _("Occupation (optional)"),
        help_text=_("In English or French, e.g. accountant, comptable, software developer."),
        required=required,
    )


def postal_area_of(typed: str) -> PostalArea:
    """The Canadian postal area of a postal code as typed ("k1p 5g4", "K1P"), or a clear error."""
    code = typed.strip().upper().replace("-", " ")
    found = CANADIAN_POSTAL.match(code)
    if found is None:
        raise forms.ValidationError(
            _(
                "The board lists opportunities in Canada only: write a Canadian postal code, "
                "such as K1P 5G4 (its first three characters are enough)."
            )
        )
    area = PostalArea.objects.filter(fsa=found.group(1)).first()
    if area is None:
        raise forms.ValidationError(
            _("No Canadian postal area starts with %(fsa)s: check the postal code.")
            % {"fsa": found.group(1)}
        )
    return area


class OpportunityForm(forms.ModelForm):
    employer = forms.ModelChoiceField(label=_("Employer"), queryset=Organization.objects.none())
    occupation_query = occupation_box(required=True)
    occupation = code_choice("occupation")
    industry_query = search_box(
        "industry",
        label=_("Industry: type a sector (optional)"),
        help_text=_("E.g. banking, hospitals, software publishers."),
    )
    industry = code_choice("industry")
    postal_code = forms.CharField(
        label=_("Postal code of the workplace"),
        help_text=_("Needed in person; for a virtual opportunity, the employer's area (optional)."),
        max_length=10,
        required=False,
    )
    province = forms.ChoiceField(
        label=_("Province or territory"),
        help_text=_("Taken from the postal code when one is given."),
        choices=[("", "—"), *PROVINCES],
        required=False,
    )
    accommodations = accommodation_boxes(
        _("Accommodations the employer can provide"),
        _("Tick what you can offer; describe the workplace below."),
    )

    class Meta:
        model = Opportunity
        fields = [
            "kind",
            "title_en",
            "title_fr",
            "mode",
            "starts_on",
            "ends_on",
            "availability_en",
            "availability_fr",
            "places",
            "language",
            "accessibility_en",
            "accessibility_fr",
            "learning_en",
            "learning_fr",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "title_fr": forms.TextInput(attrs={"lang": "fr"}),
            "availability_fr": forms.TextInput(attrs={"lang": "fr"}),
            "accessibility_en": forms.Textarea(attrs={"rows": 3}),
            "accessibility_fr": forms.Textarea(attrs={"rows": 3, "lang": "fr"}),
            "learning_en": forms.Textarea(attrs={"rows": 3}),
            "learning_fr": forms.Textarea(attrs={"rows": 3, "lang": "fr"}),
        }

    def __init__(
        self, *args: Any, employers: QuerySet[Organization] | None = None, **kwargs: Any
    ) -> None:
        """A new posting chooses among `employers`; a change (`instance=`) keeps its employer
        and opens with the opportunity's occupation, industry, place and accommodations."""
        super().__init__(*args, **kwargs)
        current = self.instance if self.instance.pk else None
        if current is not None:
            del self.fields["employer"]
            self.initial.update(
                occupation_query=current.occupation.title,
                occupation=current.occupation_id,
                industry_query=current.industry.title if current.industry else "",
                industry=current.industry_id,
                postal_code=current.postal_area.fsa if current.postal_area else "",
                province=current.province,
                accommodations=split_codes(current.accommodations),
            )
        else:
            assert employers is not None, "a new posting needs the employers one may post for"
            model_choice_field(self, "employer").queryset = employers
            if employers.count() == 1:
                self.initial.setdefault("employer", employers.first())
        places = self.fields["places"]
        assert isinstance(places, forms.IntegerField)
        places.min_value, places.max_value = 1, MOST_PLACES
        places.validators += [MinValueValidator(1), MaxValueValidator(MOST_PLACES)]
        self.order_fields(
            ["employer", "kind", "title_en", "title_fr", "occupation_query", "occupation"]
            + ["industry_query", "industry", "mode", "postal_code", "province"]
        )
        self.candidates = {
            name: offer_candidates(self, name, current=getattr(current, f"{name}_id", None))
            for name in ("occupation", "industry")
        }

    def clean_starts_on(self) -> Any:
        starts = self.cleaned_data["starts_on"]
        if self.instance.pk and starts == self.instance.starts_on:
            return starts  # under way: a change keeps its first day (services.check_changed_dates)
        if starts < timezone.localdate():
            raise forms.ValidationError(_("This date has passed: choose today or a later day."))
        return starts

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        data["occupation"] = code_pick(
            self,
            "occupation",
            self.candidates["occupation"],
            missing=_("Type the occupation of the opportunity."),
        )
        data["industry"] = code_pick(self, "industry", self.candidates["industry"])
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends:
            if ends < starts:
                self.add_error("ends_on", _("The last day comes before the first day."))
            elif (ends - starts).days > LONGEST_DAYS:
                self.add_error(
                    "ends_on",
                    _("A short opportunity lasts %(days)d days at most.") % {"days": LONGEST_DAYS},
                )
        if not (data.get("title_en") or "").strip() and not (data.get("title_fr") or "").strip():
            self.add_error("title_en", _("Give a title in English, in French or both."))
        typed = (data.get("postal_code") or "").strip()
        data["postal_area"] = None
        if typed:
            try:
                data["postal_area"] = postal_area_of(typed)
            except forms.ValidationError as error:
                self.add_error("postal_code", error)
        elif data.get("mode") in (MeetingMode.IN_PERSON, MeetingMode.EITHER):
            self.add_error(
                "postal_code", _("An opportunity in person needs the workplace's postal code.")
            )
        if data["postal_area"] is not None:
            data["province"] = data["postal_area"].province
        elif not data.get("province") and not self.has_error("postal_code"):
            self.add_error("province", _("Choose the province or territory."))
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {name: data[name] for name in self._meta.fields or ()}
        fields.update(
            occupation=data["occupation"],
            industry=data["industry"],
            postal_area=data["postal_area"],
            province=data["province"],
        )
        return fields


VIRTUAL_CHOICES = [
    ("", _("In person or virtual")),
    ("virtual", _("Virtual (or either)")),
    ("in_person", _("In person (or either)")),
]


class BoardFilterForm(forms.Form):
    """The board's filters, read from the query string (a saved search keeps that string)."""

    province = forms.ChoiceField(
        label=_("Province or territory"), choices=[("", _("Anywhere")), *PROVINCES], required=False
    )
    mode = forms.ChoiceField(label=_("How"), choices=VIRTUAL_CHOICES, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any kind")), *OpportunityKind.choices], required=False
    )
    occupation_query = occupation_box(required=False)
    occupation = forms.CharField(max_length=5, required=False, widget=forms.HiddenInput())
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Either language")), ("en", _("English")), ("fr", _("French"))],
        required=False,
    )
    available_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    available_until = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    accommodations = accommodation_boxes(
        _("Accommodations offered"), _("Only opportunities that offer every one ticked.")
    )

    def clean_occupation(self) -> str:
        return re.sub(r"\D", "", self.cleaned_data.get("occupation") or "")[:5]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("available_from"), data.get("available_until")
        if start and end and end < start:
            self.add_error("available_until", _("“Until” comes before “From”."))
        return data


class ApplyForm(forms.Form):
    participant = forms.ModelChoiceField(
        label=_("Job-seeker"), queryset=Participant.objects.none(), empty_label=None
    )
    message = forms.CharField(
        label=_("Message to the employer (optional)"),
        help_text=_("What the job-seeker hopes to learn, and when they are free."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    shares_accommodations = forms.BooleanField(
        label=_("Share accommodation needs with this employer"),
        help_text=_(
            "Only for this opportunity, and only with the job-seeker's consent. Left unticked, "
            "the employer sees none of them."
        ),
        required=False,
    )
    accommodations_needed = accommodation_boxes(_("Accommodations needed"))
    accommodation_note = forms.CharField(
        label=_("About these accommodations (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, people: QuerySet[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "participant").queryset = people
        label_choices(
            self,
            "participant",
            lambda p: (
                _("%(name)s — %(organization)s")
                % {
                    "name": p.full_name,
                    "organization": p.organization.name,
                }
            ),
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        shares = data.get("shares_accommodations")
        if shares and not data.get("accommodations_needed") and not data.get("accommodation_note"):
            self.add_error(
                "accommodations_needed", _("Tick the accommodations to share, or untick sharing.")
            )
        if not shares and (data.get("accommodations_needed") or data.get("accommodation_note")):
            self.add_error(
                "shares_accommodations",
                _("Tick this box to share these accommodations, or clear them."),
            )
        return data


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (needed to decline)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("decision") == "decline" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why, so that the person and their job developer know."))
        return data


class HappenedForm(forms.Form):
    happened_on = forms.DateField(label=_("It took place on"), widget=DateInput())
    hired = forms.BooleanField(label=_("The job-seeker was hired"), required=False)
    further_opportunity = forms.BooleanField(
        label=_("It led to a further opportunity"), required=False
    )
    reference = forms.BooleanField(label=_("The employer gives a reference"), required=False)

    def clean_happened_on(self) -> Any:
        day = self.cleaned_data["happened_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(
                _("This date is in the future: record it once it took place.")
            )
        return day


class FeedbackForm(forms.Form):
    learned = forms.CharField(
        label=_("What did you learn?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    accessible = forms.ChoiceField(
        label=_("Was the opportunity accessible to you?"),
        choices=Accessible.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    would_host_again = forms.BooleanField(label=_("We would host again"), required=False)

    def __init__(self, *args: Any, side: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.side = side
        if side == "employer":
            del self.fields["accessible"]
            self.fields["learned"].label = _("What did you learn about workplace inclusion?")
        else:
            del self.fields["would_host_again"]
            choice_field(self, "accessible").required = True


class SaveSearchForm(forms.Form):
    name = forms.CharField(label=_("Name of this search"), max_length=100)
    query = forms.CharField(max_length=1000, required=False, widget=forms.HiddenInput())
