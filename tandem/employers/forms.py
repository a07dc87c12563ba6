from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import label_choices, model_choice_field
from tandem.employers.models import ActivityKind, CareerStage, CareerTrack
from tandem.employers.services import MAX_ADDRESSES
from tandem.organizations.models import Organization
from tandem.outcomes.models import EmploymentOutcome
from tandem.participants.models import Participant
from tandem.programs.models import Enrolment, Program

# 500 lines of an address and a language code, with room for spaces.
ADDRESSES_MAX_LENGTH = MAX_ADDRESSES * 300


class InviteForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.none())
    language = forms.ChoiceField(
        label=_("Language of the invitations"),
        choices=settings.LANGUAGES,
        help_text=_("For everyone whose line does not say otherwise."),
    )
    addresses = forms.CharField(
        label=_("E-mail addresses"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=ADDRESSES_MAX_LENGTH,
        help_text=_(
            "One address a line (up to 500), optionally followed by a comma and the person's "
            "language, “en” or “fr”: marie@example.org, fr"
        ),
    )

    def __init__(self, *args: Any, programs: QuerySet[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "program").queryset = programs
        label_choices(self, "program", lambda p: f"{p.name} ({p.organization.name})")


class TermsForm(forms.Form):
    record = forms.ModelChoiceField(queryset=Participant.objects.none(), widget=forms.HiddenInput)
    in_work_hours = forms.BooleanField(
        label=_("My employer lets me mentor during work hours"), required=False
    )
    hosts_activities = forms.BooleanField(
        label=_(
            "I can invite my mentee to my workplace: a tour, a day of job shadowing, a "
            "department meeting"
        ),
        required=False,
    )

    def __init__(
        self, *args: Any, records: QuerySet[Participant], staff: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "record").queryset = records
        if staff:  # staff write for the mentor
            self.fields["in_work_hours"].label = _(
                "The mentor's employer lets them mentor during work hours"
            )
            self.fields["hosts_activities"].label = _(
                "The mentor can invite their mentee to their workplace: a tour, a day of job "
                "shadowing, a department meeting"
            )


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Activity"), choices=ActivityKind.choices)
    planned_on = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    host_detail = forms.CharField(
        label=_("Where, and who receives the mentee"), max_length=200, required=False
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(forms.Form):
    what = forms.ChoiceField(
        choices=[("agree", "agree"), ("held", "held"), ("cancel", "cancel")],
        widget=forms.HiddenInput,
    )
    held_on = forms.DateField(
        label=_("Day it was held"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class HireForm(forms.Form):
    outcome = forms.ModelChoiceField(
        label=_("Employment outcome"), queryset=EmploymentOutcome.objects.none()
    )
    employer = forms.ModelChoiceField(
        label=_("Partner employer"), queryset=Organization.objects.none()
    )

    def __init__(
        self,
        *args: Any,
        outcomes: QuerySet[EmploymentOutcome],
        employers: QuerySet[Organization],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "outcome").queryset = outcomes
        label_choices(
            self,
            "outcome",
            lambda o: f"{o.get_status_display()} — {o.job_title or '—'} ({o.recorded_at:%Y-%m-%d})",
        )
        model_choice_field(self, "employer").queryset = employers
        label_choices(self, "employer", lambda org: org.name)


class TracksForm(forms.Form):
    stages = forms.MultipleChoiceField(
        label=_("Career stages this program offers"),
        choices=CareerStage.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class PlacementForm(forms.Form):
    enrolment = forms.ModelChoiceField(label=_("Person"), queryset=Enrolment.objects.none())
    track = forms.ModelChoiceField(
        label=_("Track"),
        queryset=CareerTrack.objects.none(),
        required=False,
        empty_label=_("No track"),
    )

    def __init__(
        self,
        *args: Any,
        enrolments: QuerySet[Enrolment],
        tracks: QuerySet[CareerTrack],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "enrolment").queryset = enrolments
        label_choices(
            self,
            "enrolment",
            lambda e: f"{e.participant.full_name} ({e.get_side_display()})",
        )
        model_choice_field(self, "track").queryset = tracks
        label_choices(self, "track", lambda t: t.get_stage_display())


class OfferForm(forms.Form):
    """A lead agency's offer of help on an employer-hosted program."""

    lead = forms.ModelChoiceField(label=_("On behalf of"), queryset=Organization.objects.none())
    note = forms.CharField(
        label=_("What you offer (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
        help_text=_(
            "For example: screening referrals, running the matching desk, monthly check-ins."
        ),
    )

    def __init__(self, *args: Any, leads: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = model_choice_field(self, "lead")
        field.queryset = Organization.objects.filter(pk__in=[lead.pk for lead in leads])
        if len(leads) == 1:
            field.initial = leads[0].pk
            field.widget = forms.HiddenInput()
        label_choices(self, "lead", lambda o: o.name)
