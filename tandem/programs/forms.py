import uuid

from django import forms
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import choice_field, label_choices, model_choice_field
from tandem.organizations.models import (
    Organization,
    OrganizationType,
    PartnershipKind,
    ServiceLocation,
)
from tandem.participants.models import ImmigrationStatus
from tandem.programs.models import (
    INTAKE_NOTES_MAX_LENGTH,
    MENTEE_STEPS,
    MENTOR_STEPS,
    CriterionKind,
    Enrolment,
    NotesVisibility,
    OrientationSession,
    Program,
    SessionKind,
)
from tandem.programs.services import ProgramError, _check_criterion
from tandem.reference.places import PROVINCES


class ProgramForm(forms.ModelForm):
    mentee_steps = forms.MultipleChoiceField(
        label=_("Steps required of mentees before matching"),
        choices=[(s.value, s.label) for s in MENTEE_STEPS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    mentor_steps = forms.MultipleChoiceField(
        label=_("Steps required of mentors before matching"),
        choices=[(s.value, s.label) for s in MENTOR_STEPS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Program
        fields = [
            "name_en",
            "name_fr",
            "slug",
            "kind",
            "parent",
            "description_en",
            "description_fr",
            "mentee_materials_en",
            "mentee_materials_fr",
            "mentor_materials_en",
            "mentor_materials_fr",
            "locations",
            "staff",
            "referring_partners",
            "accepts_self_referrals",
            "accepts_mentor_applications",
            "mentee_steps",
            "mentor_steps",
            "is_active",
        ]
        widgets = {
            "locations": forms.CheckboxSelectMultiple,
            "staff": forms.CheckboxSelectMultiple,
            "referring_partners": forms.CheckboxSelectMultiple,
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "description_fr": forms.Textarea(attrs={"rows": 4}),
            "mentee_materials_en": forms.Textarea(attrs={"rows": 3}),
            "mentee_materials_fr": forms.Textarea(attrs={"rows": 3}),
            "mentor_materials_en": forms.Textarea(attrs={"rows": 3}),
            "mentor_materials_fr": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        from tandem.accounts.models import User
        from tandem.organizations.models import Partnership

        self.instance.organization = organization
        model_choice_field(self, "locations").queryset = ServiceLocation.objects.filter(
            organization=organization
        )
        model_choice_field(self, "staff").queryset = User.objects.filter(
            memberships__organization=organization,
            memberships__role__in=["program_staff", "org_admin"],
            memberships__is_active=True,
        ).distinct()
        partners = Partnership.objects.filter(organization=organization).values("partner_id")
        # An employer or association partner's own program (employer-hosted, internal) takes
        # its mentees from the network's agencies (seed 003, recommendation 11): the partners
        # of the lead agencies it works with, as well as its own.
        networks = (
            Partnership.objects.filter(partner=organization)
            .exclude(kind=PartnershipKind.FUNDING)
            .values("organization_id")
        )
        network_agencies = Partnership.objects.filter(organization__in=networks).values(
            "partner_id"
        )
        model_choice_field(self, "referring_partners").queryset = (
            Organization.objects.filter(
                Q(pk__in=partners) | Q(pk__in=networks) | Q(pk__in=network_agencies),
                is_active=True,
            )
            .exclude(kind=OrganizationType.FUNDER)
            .exclude(pk=organization.pk)
        )
        parents = Program.objects.filter(organization=organization)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        model_choice_field(self, "parent").queryset = parents
        label_choices(self, "referring_partners", lambda org: org.name)
        label_choices(self, "locations", lambda loc: str(loc))
        label_choices(self, "parent", lambda program: program.name)


class IntakePeriodForm(forms.Form):
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(
        label=_("Closes on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            raise forms.ValidationError(_("An intake period closes on or after the day it opens."))
        return data


class CriterionForm(forms.Form):
    key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=_("Criterion"), choices=[("", "—"), *CriterionKind.choices], required=False
    )
    statuses = forms.MultipleChoiceField(
        label=_("Immigration statuses that qualify"),
        choices=ImmigrationStatus.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    provinces = forms.MultipleChoiceField(
        label=_("Provinces that qualify"),
        choices=PROVINCES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    number = forms.IntegerField(
        label=_("Minimum (CLB level or years)"), min_value=0, max_value=80, required=False
    )
    organization = forms.ModelChoiceField(
        label=_("Organization (for membership)"),
        queryset=Organization.objects.none(),
        required=False,
    )
    program = forms.ModelChoiceField(
        label=_("Program (for participation)"), queryset=Program.objects.none(), required=False
    )
    question_en = forms.CharField(
        label=_("Yes/no question (English)"), max_length=300, required=False
    )
    question_fr = forms.CharField(
        label=_("Yes/no question (French)"), max_length=300, required=False
    )

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.owning_program = program  # not `program`: that name is the field
        model_choice_field(self, "organization").queryset = Organization.objects.filter(
            is_active=True
        )
        label_choices(self, "organization", lambda org: org.name)
        model_choice_field(self, "program").queryset = Program.objects.exclude(pk=program.pk)
        label_choices(self, "program", lambda p: p.name)

    def clean(self):
        data = super().clean()
        if data.get("kind") and not (self.can_delete and data.get("DELETE")):
            try:
                _check_criterion(
                    {
                        "kind": data["kind"],
                        "statuses": data.get("statuses") or [],
                        "provinces": data.get("provinces") or [],
                        "number": data.get("number"),
                        "organization": data.get("organization"),
                        "program": data.get("program"),
                        "question_en": data.get("question_en") or "",
                        "question_fr": data.get("question_fr") or "",
                    },
                    self.owning_program,
                )
            except ProgramError as error:
                raise forms.ValidationError(str(error)) from error
        return data

    @property
    def can_delete(self) -> bool:
        return "DELETE" in self.fields


CriterionFormSet = forms.formset_factory(CriterionForm, extra=1, can_delete=True)


class PublishForm(forms.Form):
    note = forms.CharField(
        label=_("What changed (kept with the version)"), max_length=300, required=False
    )


class SessionForm(forms.ModelForm):
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    class Meta:
        model = OrientationSession
        fields = ["kind", "starts_at", "location"]

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "location").queryset = ServiceLocation.objects.filter(
            organization=program.organization
        )
        choice_field(self, "kind").choices = SessionKind.choices


class AttendanceForm(forms.Form):
    attendees = forms.ModelMultipleChoiceField(
        label=_("Attended"),
        queryset=Enrolment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, session: OrientationSession, **kwargs):
        super().__init__(*args, **kwargs)
        side = "mentee" if session.kind == SessionKind.MENTEE_ORIENTATION else "mentor"
        model_choice_field(self, "attendees").queryset = (
            Enrolment.objects.filter(program=session.program, side=side)
            .select_related("participant")
            .order_by("participant__family_name")
        )
        label_choices(self, "attendees", lambda e: e.participant.full_name)


class MeetingForm(forms.Form):
    met_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=INTAKE_NOTES_MAX_LENGTH,
    )
    notes_visibility = forms.ChoiceField(
        label=_("Who may read the notes"),
        choices=NotesVisibility.choices,
        initial=NotesVisibility.STAFF,
        widget=forms.RadioSelect,
        help_text=_(
            "Program staff only, unless you choose otherwise: the person met and the "
            "caseworkers of the agency that referred them can open this page."
        ),
    )
    submission = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # In the reader's language, hence here and not at import.
        self.fields["notes"].help_text = gettext(
            "At most %(count)s characters. Only the people chosen below will read them."
        ) % {"count": INTAKE_NOTES_MAX_LENGTH}


class ActionPlanForm(forms.Form):
    objective = forms.CharField(
        label=_("Objective"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ActionStepForm(forms.Form):
    description = forms.CharField(label=_("Step"), max_length=300, required=False)
    due_on = forms.DateField(
        label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    done_on = forms.DateField(
        label=_("Done on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


ActionStepFormSet = forms.formset_factory(ActionStepForm, extra=2)
