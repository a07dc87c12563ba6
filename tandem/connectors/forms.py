from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.connectors.models import (
    FEEDBACK_MAX_LENGTH,
    REASON_MAX_LENGTH,
    TIMES_OFFERED_MAX,
    MeetingMode,
    Result,
)
from tandem.core.forms import choice_field
from tandem.reference.models import Industry, Occupation
from tandem.referrals.forms import ApplicationForm, _language_choices


class ProfileForm(forms.Form):
    """The light profile: city and meetings a month (a connector who applied already gave the
    rest of their record on the application)."""

    city = forms.CharField(label=_("City"), max_length=100)
    meetings_per_month = forms.IntegerField(
        label=_("30-minute meetings a month"),
        min_value=1,
        max_value=4,
        initial=1,
        help_text=_("How many newcomers you can meet each month (1 to 4)."),
    )


class JoinForm(ProfileForm):
    """What a person invited to become a connector writes when they accept."""

    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    preferred_language = forms.ChoiceField(
        label=_("Language for everything we send you"), choices=settings.LANGUAGES
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you work in"),
        choices=_language_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    occupation = forms.ChoiceField(label=_("Your occupation"), choices=())
    industry = forms.ChoiceField(label=_("Your industry"), choices=(), required=False)
    employer = forms.CharField(label=_("Your organization or employer"), max_length=200)
    postal_code = forms.CharField(
        label=_("Postal code"), max_length=7, required=False, help_text=_("For example K1K 2C5.")
    )
    field_order = [
        "given_name",
        "family_name",
        "preferred_language",
        "languages",
        "occupation",
        "industry",
        "employer",
        "city",
        "postal_code",
        "meetings_per_month",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "occupation").choices = [("", "—")] + [
            (o.code, f"{o.title} ({o.code})")
            for o in Occupation.objects.filter(level=5).order_by("title_en")
        ]
        # A light profile: the twenty NAICS sectors, not the classes.
        choice_field(self, "industry").choices = [("", "—")] + [
            (i.code, i.title) for i in Industry.objects.filter(level=1).order_by("code")
        ]

    clean_postal_code = ApplicationForm.clean_postal_code

    def profile_fields(self) -> dict[str, Any]:
        """The service's `Profile` fields."""
        data = dict(self.cleaned_data)
        return {
            **{key: data[key] for key in self.fields if key not in ("occupation", "industry")},
            "languages": ";".join(dict.fromkeys(data["languages"])),
            "occupation_id": data["occupation"],
            "industry_id": data["industry"] or None,
        }


class InviteForm(forms.Form):
    """Staff invite a connector, or a person passes the invitation on to someone else."""

    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)
    reason = forms.CharField(
        label=_("Why this person"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def invitee(self) -> dict[str, Any]:
        """The service's keyword arguments for the person invited."""
        return {key: self.cleaned_data[key] for key in self.fields}


class RequestForm(forms.Form):
    connector = forms.ChoiceField(label=_("Connector"), widget=forms.RadioSelect, choices=())
    message = forms.CharField(
        label=_("A word for the connector (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, connectors: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "connector").choices = connectors


class FollowUpForm(forms.Form):
    message = forms.CharField(
        label=_("A word for the contact (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OfferForm(forms.Form):
    """One to three times for a 30-minute meeting, and how."""

    time_1 = forms.DateTimeField(
        label=_("First time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    time_2 = forms.DateTimeField(
        label=_("Second time (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    time_3 = forms.DateTimeField(
        label=_("Third time (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    mode = forms.ChoiceField(label=_("How"), choices=MeetingMode.choices)
    where = forms.CharField(label=_("Place, phone number or link"), max_length=300, required=False)

    def times(self) -> list[datetime]:
        return [
            self.cleaned_data[f"time_{n}"]
            for n in range(1, TIMES_OFFERED_MAX + 1)
            if self.cleaned_data.get(f"time_{n}")
        ]


class HeldForm(forms.Form):
    held_on = forms.DateField(
        label=_("Date of the meeting"),
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
    )


class IntroductionsForm(forms.Form):
    """Up to five contacts at once; at least three in all for each meeting."""

    ROWS = 5

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, self.ROWS + 1):
            self.fields[f"name_{n}"] = forms.CharField(
                label=_("Name"), max_length=201, required=False
            )
            self.fields[f"email_{n}"] = forms.EmailField(
                label=_("E-mail address"), max_length=254, required=False
            )
            self.fields[f"reason_{n}"] = forms.CharField(
                label=_("Why this person"), max_length=REASON_MAX_LENGTH, required=False
            )
            self.fields[f"language_{n}"] = forms.ChoiceField(
                label=_("Their language"), choices=settings.LANGUAGES, required=False
            )

    def rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"{name}_{n}"] for name in ("name", "email", "reason", "language")]
            for n in range(1, self.ROWS + 1)
        ]

    def contacts(self) -> list[dict[str, str]]:
        found = []
        for n in range(1, self.ROWS + 1):
            values = {
                key: self.cleaned_data.get(f"{key}_{n}") or ""
                for key in ("name", "email", "reason", "language")
            }
            if values["name"] or values["email"] or values["reason"]:
                found.append(values)
        return found


class FeedbackForm(forms.Form):
    text = forms.CharField(
        label=_("Your feedback in one line"), max_length=FEEDBACK_MAX_LENGTH, required=True
    )


class ResultForm(forms.Form):
    result = forms.ChoiceField(
        label=_("What the meeting led to"), choices=Result.choices, required=False
    )
    on = forms.DateField(
        label=_("On"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ContinueForm(forms.Form):
    wants = forms.BooleanField(label=_("I would like to continue as a mentorship"), required=False)
