from typing import cast

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.accounts.models import User
from tandem.organizations.models import Organization, Partnership
from tandem.participants.models import Participant
from tandem.programs.models import Program
from tandem.reference.models import Industry, Occupation

from .models import Circle, MemberRole, Usefulness


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def partners_of(program: Program) -> QuerySet[Organization]:
    return Organization.objects.filter(
        is_active=True,
        pk__in=Partnership.objects.filter(organization=program.organization_id).values(
            "partner_id"
        ),
    ).order_by("name_en")


class CircleForm(forms.ModelForm):
    occupation_code = forms.CharField(
        label=_("Occupation group (NOC 2021 code)"),
        max_length=5,
        required=False,
        help_text=_(
            "Any level of the NOC: 2 for natural and applied sciences, 21 for its professional "
            "occupations, 2123 for engineers. Members' occupations fall under it."
        ),
    )
    industry_code = forms.CharField(
        label=_("Industry (NAICS 2022 code)"),
        max_length=6,
        required=False,
        help_text=_("Any level of NAICS, e.g. 54 or 5415. Optional when a NOC group is given."),
    )

    class Meta:
        model = Circle
        fields = [
            "name_en",
            "name_fr",
            "language",
            "mode",
            "place",
            "link",
            "mentee_capacity",
            "mentor_capacity",
            "run_by",
            "coordinator",
        ]
        widgets = {"name_fr": forms.TextInput(attrs={"lang": "fr"})}

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        partners = partners_of(program)
        run_by = cast(forms.ModelChoiceField, self.fields["run_by"])
        run_by.queryset = partners
        run_by.help_text = _(
            "Left empty, the program's staff run the group. A partner, such as a professional "
            "immigrant network, runs it with its own trained coordinator."
        )
        cast(forms.ModelChoiceField, self.fields["coordinator"]).queryset = (
            User.objects.filter(
                memberships__organization__in=partners, memberships__is_active=True, is_active=True
            )
            .distinct()
            .order_by("email")
        )
        mentees = cast(forms.IntegerField, self.fields["mentee_capacity"])
        mentees.min_value, mentees.max_value = 1, 30
        mentees.validators += [MinValueValidator(1), MaxValueValidator(30)]
        mentors = cast(forms.IntegerField, self.fields["mentor_capacity"])
        mentors.min_value, mentors.max_value = 1, 10
        mentors.validators += [MinValueValidator(1), MaxValueValidator(10)]
        self.order_fields(["name_en", "name_fr", "occupation_code", "industry_code"])

    def clean_occupation_code(self) -> Occupation | None:
        code = self.cleaned_data["occupation_code"].strip()
        if not code:
            return None
        found = Occupation.objects.filter(code=code).first()
        if found is None:
            raise forms.ValidationError(_("No NOC 2021 group has this code."))
        return found

    def clean_industry_code(self) -> Industry | None:
        code = self.cleaned_data["industry_code"].strip()
        if not code:
            return None
        found = Industry.objects.filter(code=code).first()
        if found is None:
            raise forms.ValidationError(_("No NAICS 2022 industry has this code."))
        return found

    def clean(self):
        data = super().clean()
        if not data.get("occupation_code") and not data.get("industry_code") and not self.errors:
            self.add_error(
                "occupation_code", _("Give the group's occupation group, its industry or both.")
            )
        if data.get("mode") == "virtual" and not data.get("link"):
            self.add_error("link", _("A virtual group needs a link."))
        if data.get("run_by") and not data.get("coordinator"):
            self.add_error("coordinator", _("Name the coordinator of the partner organization."))
        return data

    def service_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if not k.endswith("_code")}
        data["occupation"] = self.cleaned_data.get("occupation_code")
        data["industry"] = self.cleaned_data.get("industry_code")
        return data


def person_label(person: Participant) -> str:
    return _("%(name)s — %(organization)s (%(id)s)") % {
        "name": person.full_name,
        "organization": person.organization.name,
        "id": person.external_id,
    }


class PeopleChoice(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Participant) -> str:
        return person_label(obj)


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Participant) -> str:
        return person_label(obj)


class AddMembersForm(forms.Form):
    role = forms.ChoiceField(label=_("As"), choices=MemberRole.choices)
    people = PeopleChoice(label=_("People"), queryset=Participant.objects.none())

    def __init__(self, *args, queryset: QuerySet[Participant], **kwargs):
        super().__init__(*args, **kwargs)
        cast(PeopleChoice, self.fields["people"]).queryset = queryset


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput())
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=15, max_value=480, initial=90
    )
    weeks = forms.IntegerField(
        label=_("Number of weekly sessions"),
        min_value=1,
        max_value=12,
        initial=1,
        help_text=_("The same day and hour each week; each session gets its own invitation."),
    )
    topic_en = forms.CharField(
        label=_("Topic (English)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    topic_fr = forms.CharField(
        label=_("Topic (French)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "lang": "fr"}),
    )

    def clean_starts_at(self):
        starts = self.cleaned_data["starts_at"]
        if starts <= timezone.now():
            raise forms.ValidationError(
                _("A session is scheduled in the future: this date has passed.")
            )
        return starts


class SessionEditForm(SessionForm):
    """Moving a session or changing its topic: one session, no series."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["weeks"]


class AttendanceForm(forms.Form):
    present = PeopleChoice(label=_("Who came"), queryset=Participant.objects.none(), required=False)

    def __init__(self, *args, queryset: QuerySet[Participant], **kwargs):
        super().__init__(*args, **kwargs)
        cast(PeopleChoice, self.fields["present"]).queryset = queryset


class FeedbackForm(forms.Form):
    usefulness = forms.ChoiceField(
        label=_("Was the session useful to you?"),
        choices=Usefulness.choices,
        widget=forms.RadioSelect,
    )
    topics = forms.CharField(
        label=_("Which topics would you like next time?"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("New note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConsentForm(forms.Form):
    shows_name = forms.BooleanField(
        label=_("Show my name to the other members of the group"), required=False
    )


class ConversationForm(forms.Form):
    mentee = PersonChoice(label=_("Job-seeker"), queryset=Participant.objects.none())
    conversations = forms.TypedChoiceField(
        label=_("Conversations"),
        coerce=int,
        choices=[(1, _("One conversation")), (2, _("Two conversations"))],
        initial=1,
    )

    def __init__(self, *args, queryset: QuerySet[Participant], **kwargs):
        super().__init__(*args, **kwargs)
        cast(PersonChoice, self.fields["mentee"]).queryset = queryset


class ConversationRecordForm(forms.Form):
    held = forms.TypedChoiceField(
        label=_("Conversations held"),
        coerce=int,
        choices=[
            (0, _("None: it did not take place")),
            (1, _("One conversation")),
            (2, _("Two conversations")),
        ],
    )
