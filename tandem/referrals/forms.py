from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import choice_field, label_choices, model_choice_field
from tandem.organizations.models import Organization, OrganizationType, Partnership
from tandem.participants.models import ImmigrationStatus
from tandem.programs.models import CriteriaVersion, Criterion, CriterionKind, Program
from tandem.reference.models import Occupation
from tandem.reference.places import PROVINCES
from tandem.referrals.models import DecisionOutcome

YES_NO = [("", _("I don't know yet")), ("yes", _("Yes")), ("no", _("No"))]
COMMON_LANGUAGES = [
    "en",
    "fr",
    "ar",
    "es",
    "zh-hans",
    "pt",
    "ru",
    "uk",
    "fa",
    "hi",
    "ur",
    "pa",
    "tl",
    "so",
    "sw",
    "tr",
    "de",
    "it",
    "vi",
    "ko",
]


def _language_choices():
    choices = []
    for code in COMMON_LANGUAGES:
        try:
            info = get_language_info(code)
        except KeyError:  # a language Django has no name for
            continue
        choices.append((code[:2], info["name_translated"]))
    return choices


class YesNoQuestionsMixin:
    """One yes/no/unknown field per yes/no criterion of the program, keyed by criterion key."""

    # Provided by the form this is mixed into.
    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def add_questions(self, criteria: list[Criterion], answers: dict[str, bool]) -> None:
        self.questions = [c for c in criteria if c.kind == CriterionKind.YES_NO]
        for criterion in self.questions:
            value = answers.get(str(criterion.key))
            self.fields[f"answer_{criterion.key}"] = forms.ChoiceField(
                label=criterion.question,
                choices=YES_NO,
                required=False,
                initial="" if value is None else ("yes" if value else "no"),
            )

    def answers(self) -> dict[str, bool]:
        result = {}
        for criterion in self.questions:
            value = self.cleaned_data.get(f"answer_{criterion.key}")
            if value:
                result[str(criterion.key)] = value == "yes"
        return result


class ReferralForm(YesNoQuestionsMixin, forms.Form):
    """The standard referral form shared by every agency of the network."""

    note = forms.CharField(
        label=_("Why the client is ready for this program"),
        help_text=_(
            "Their goals, the preparation done with them, anything the program should know."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
    )
    has_consent = forms.BooleanField(
        label=_("The client agreed to share their information with this program."),
        required=True,
    )

    def __init__(self, *args, criteria: list[Criterion], answers=None, resubmit=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_questions(criteria, answers or {})
        if resubmit:
            del self.fields["has_consent"]


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=DecisionOutcome.choices, widget=forms.RadioSelect
    )
    unmet_criteria = forms.ModelMultipleChoiceField(
        label=_("Criteria not met"),
        help_text=_("Ticked from the client's record; untick what you verified otherwise."),
        queryset=Criterion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label=_("Note to the agency"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, version: CriteriaVersion, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "unmet_criteria").queryset = version.criteria.select_related(
            "organization", "program"
        )
        self.fields["version"].initial = version.pk

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == DecisionOutcome.ACCEPTED and data.get("unmet_criteria"):
            self.add_error(
                "unmet_criteria",
                _("Untick the criteria you verified as met, or return the referral."),
            )
        if outcome == DecisionOutcome.RETURNED and not (
            data.get("unmet_criteria") or (data.get("note") or "").strip()
        ):
            self.add_error(
                "note", _("Tick the criteria not met or write a note: the agency needs reasons.")
            )
        return data


class ApplicationForm(YesNoQuestionsMixin, forms.Form):
    """The public self-referral (mentee) form; MentorApplicationForm adds the mentor's fields."""

    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    email = forms.EmailField(label=_("E-mail address"))
    preferred_language = forms.ChoiceField(
        label=_("Language for everything we send you"), choices=settings.LANGUAGES
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you work in"),
        choices=_language_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    noc_code = forms.ChoiceField(label=_("Your occupation"), choices=())
    postal_code = forms.CharField(
        label=_("Postal code"), max_length=7, required=False, help_text=_("For example K1K 2C5.")
    )
    goals = forms.CharField(
        label=_("Your career goal"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    immigration_status = forms.ChoiceField(
        label=_("Immigration status"),
        choices=[("", "—"), *ImmigrationStatus.choices],
        required=False,
    )
    is_internationally_educated = forms.ChoiceField(
        label=_("Did you study outside Canada?"), choices=YES_NO, required=False
    )
    province = forms.ChoiceField(
        label=_("Province of residence"), choices=[("", "—"), *PROVINCES], required=False
    )
    clb_level = forms.IntegerField(
        label=_("Canadian Language Benchmark (CLB) level, if you know it"),
        min_value=1,
        max_value=12,
        required=False,
    )
    completed_job_search_workshop = forms.ChoiceField(
        label=_("Have you completed a job-search workshop?"), choices=YES_NO, required=False
    )
    consent = forms.BooleanField(
        label=_("I agree that the program's staff use this information to review my application."),
    )

    role = "mentee"
    mentee_only = (
        "immigration_status",
        "is_internationally_educated",
        "clb_level",
        "completed_job_search_workshop",
    )

    def __init__(self, *args, program: Program, criteria: list[Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        choice_field(self, "noc_code").choices = [("", "—")] + [
            (o.code, f"{o.title} ({o.code})")
            for o in Occupation.objects.filter(level=5).order_by("title_en")
        ]
        self.add_questions(criteria, {})
        # Keep the consent last.
        self.fields["consent"] = self.fields.pop("consent")

    def clean_postal_code(self):
        from tandem.participants.csvformat import POSTAL_CODE

        value = self.cleaned_data["postal_code"].strip().upper()
        if not value:
            return ""
        match = POSTAL_CODE.match(value)
        if not match:
            raise forms.ValidationError(
                _("Write a Canadian postal code (K1K 2C5) or its first three characters.")
            )
        return " ".join(part for part in match.groups() if part)

    def data_for_storage(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("consent", None)
        for name in list(data):
            if name.startswith("answer_"):
                data.pop(name)
        for name in ("is_internationally_educated", "completed_job_search_workshop"):
            if name in data:
                data[name] = None if not data[name] else data[name] == "yes"
        data["languages"] = ";".join(dict.fromkeys(data["languages"]))
        data["answers"] = self.answers()
        data["role"] = self.role
        data.pop("recruited_by", None)
        return data


class MentorApplicationForm(ApplicationForm):
    years_experience = forms.IntegerField(
        label=_("Years of work experience in the region"), min_value=0, max_value=80
    )
    employer = forms.CharField(label=_("Employer"), max_length=200, required=False)
    capacity = forms.IntegerField(
        label=_("How many mentees at once"), min_value=1, max_value=5, initial=1
    )
    recruited_by = forms.ModelChoiceField(
        label=_("Did a partner organization invite you to mentor?"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("No, I am volunteering on my own"),
    )

    role = "mentor"

    def __init__(self, *args, program: Program, partner_slug: str = "", **kwargs):
        super().__init__(*args, program=program, **kwargs)
        for name in self.mentee_only:
            del self.fields[name]
        self.fields["goals"].label = _("How you can help a mentee")
        partners = Partnership.objects.filter(organization=program.organization).values(
            "partner_id"
        )
        # The partners of the program's organization, and the organization itself when an
        # employer or an association runs the program (an employer-hosted program).
        recruiters = Organization.objects.filter(
            Q(pk__in=partners) | Q(pk=program.organization_id),
            is_active=True,
            kind__in=[
                OrganizationType.EMPLOYER,
                OrganizationType.ASSOCIATION,
                OrganizationType.IMMIGRANT_NETWORK,
            ],
        )
        model_choice_field(self, "recruited_by").queryset = recruiters
        label_choices(self, "recruited_by", lambda org: org.name)
        # A partner's invitation links here with ?partner=<its short name> (tandem/employers).
        chosen = recruiters.filter(slug=partner_slug).first() if partner_slug else None
        if chosen is not None and not self.is_bound:
            self.initial["recruited_by"] = chosen.pk
        self.fields["consent"] = self.fields.pop("consent")
