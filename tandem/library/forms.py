"""Forms of the library's pages. Bounds come from the models (bounded_text, max_length)."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tandem.community.models import Space
from tandem.core.forms import label_choices, model_choice_field
from tandem.library.models import (
    Audience,
    Gathering,
    GatheringKind,
    NetworkProfile,
    Registration,
    Resource,
    ResourceKind,
    Section,
    Spokesperson,
    TagKind,
    Topic,
)
from tandem.library.services.gatherings import GATHERING_FIELDS
from tandem.library.services.resources import SectionText
from tandem.organizations.models import Organization
from tandem.reference.places import PROVINCES

FRENCH = {"lang": "fr"}


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *ResourceKind.choices], required=False
    )
    topic = forms.ChoiceField(
        label=_("Topic"), choices=[("", _("All topics")), *Topic.choices], required=False
    )
    audience = forms.ChoiceField(
        label=_("For"), choices=[("", _("Everyone")), *Audience.choices], required=False
    )
    province = forms.ChoiceField(
        label=_("Province"), choices=[("", _("All provinces")), *PROVINCES], required=False
    )


class TagsMixin(forms.Form):
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    audiences = forms.MultipleChoiceField(
        label=_("For whom"),
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    provinces = forms.MultipleChoiceField(
        label=_("Provinces (none: national)"),
        choices=PROVINCES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def tags(self) -> dict[str, list[str]]:
        data = self.cleaned_data
        return {
            TagKind.TOPIC: data.get("topics", []),
            TagKind.AUDIENCE: data.get("audiences", []),
            TagKind.PROVINCE: data.get("provinces", []),
        }


RESOURCE_WIDGETS = {
    "description_en": forms.Textarea(attrs={"rows": 3}),
    "description_fr": forms.Textarea(attrs={"rows": 3, **FRENCH}),
    "title_fr": forms.TextInput(attrs=FRENCH),
    "link_fr": forms.URLInput(attrs=FRENCH),
}


class ResourceForm(TagsMixin, forms.ModelForm):
    # Set once the similar resources were shown: "start it anyway".
    checked_similar = forms.BooleanField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Resource
        fields = [
            "kind",
            "title_en",
            "title_fr",
            "description_en",
            "description_fr",
            "link_en",
            "link_fr",
        ]
        widgets = RESOURCE_WIDGETS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["checked_similar"]
            for kind, name in (
                (TagKind.TOPIC, "topics"),
                (TagKind.AUDIENCE, "audiences"),
                (TagKind.PROVINCE, "provinces"),
            ):
                self.initial[name] = [t.value for t in self.instance.tags.all() if t.kind == kind]

    def resource_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["heading_en", "heading_fr", "body_en", "body_fr"]
        widgets = {
            "heading_fr": forms.TextInput(attrs=FRENCH),
            "body_en": forms.Textarea(attrs={"rows": 6}),
            "body_fr": forms.Textarea(attrs={"rows": 6, **FRENCH}),
        }


SectionFormSet = forms.modelformset_factory(
    Section, form=SectionForm, extra=1, can_delete=True, max_num=40, validate_max=True
)


def sections_of(formset: Any) -> list[SectionText]:
    """The formset's sections in order, without those marked for removal or left empty."""
    kept: list[SectionText] = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        kept.append(
            SectionText(
                heading_en=data["heading_en"],
                heading_fr=data["heading_fr"],
                body_en=data.get("body_en", ""),
                body_fr=data.get("body_fr", ""),
            )
        )
    return kept


class FileForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the file"), choices=[("en", _("English")), ("fr", _("French"))]
    )
    upload = forms.FileField(
        label=_("File"),
        help_text=_("A PDF or an Office document (Word, PowerPoint, Excel), 10 MB at most."),
    )


class PublishForm(forms.Form):
    note_en = forms.CharField(
        label=_("What changed (English)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note_fr = forms.CharField(
        label=_("What changed (French)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, **FRENCH}),
    )


class RoundForm(forms.Form):
    organizations = forms.ModelMultipleChoiceField(
        label=_("Hubs invited to review"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    message = forms.CharField(
        label=_("Message to the reviewers"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, hubs: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organizations").queryset = hubs


class CommentForm(forms.Form):
    section = forms.ModelChoiceField(
        label=_("Section"), queryset=Section.objects.none(), widget=forms.HiddenInput
    )
    body = forms.CharField(
        label=_("Your comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, sections: QuerySet[Section], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "section").queryset = sections


class ProfileForm(forms.ModelForm):
    class Meta:
        model = NetworkProfile
        fields = [
            "served_en",
            "served_fr",
            "focus_en",
            "focus_fr",
            "members_count",
            "languages",
            "offers_mentoring",
            "offers_job_board",
            "offers_professional_development",
            "contact_email",
        ]
        widgets = {
            "served_fr": forms.TextInput(attrs=FRENCH),
            "focus_en": forms.Textarea(attrs={"rows": 3}),
            "focus_fr": forms.Textarea(attrs={"rows": 3, **FRENCH}),
        }


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label=_("Search the directory"), max_length=200, required=False)


class GatheringForm(forms.ModelForm):
    speakers = forms.ModelMultipleChoiceField(
        label=_("Speakers from the roster"),
        queryset=Spokesperson.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Gathering
        fields = list(GATHERING_FIELDS)  # what the services write, and nothing else
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "title_fr": forms.TextInput(attrs=FRENCH),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "description_fr": forms.Textarea(attrs={"rows": 4, **FRENCH}),
        }

    # Asked when the gathering is announced only: its readers are mailed once, then.
    space = forms.ModelChoiceField(
        label=_("Announce it in"),
        queryset=Space.objects.none(),
        required=False,
        empty_label=_("No space: list it on the Gatherings page only"),
        help_text=_(
            "Each member who reads this space is e-mailed the gathering, with a calendar file, "
            "unless they chose to hear nothing from the space."
        ),
    )

    def __init__(
        self,
        *args: Any,
        roster: QuerySet[Spokesperson],
        spaces: QuerySet[Space] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "speakers").queryset = roster
        label_choices(self, "speakers", lambda s: f"{s.user} ({s.organization})")
        if self.instance.pk or spaces is None:
            del self.fields["space"]
        else:
            model_choice_field(self, "space").queryset = spaces
            self.initial["space"] = next((s.pk for s in spaces if s.is_open), None)
        if self.instance.pk:
            self.initial["speakers"] = list(self.instance.speakers.values_list("pk", flat=True))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("A gathering ends after it starts."))
        if data.get("theme") and data.get("kind") != GatheringKind.LEADERSHIP_WORKSHOP:
            self.add_error("theme", _("Only a leadership workshop has a theme."))
        return data

    def gathering_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AttendanceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        label=_("Who attended"),
        queryset=Registration.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, registrations: QuerySet[Registration], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "present").queryset = registrations
        label_choices(self, "present", lambda r: f"{r.user} ({r.organization})")
        self.initial["present"] = [r.pk for r in registrations if r.attended]


class MaterialForm(TagsMixin, forms.ModelForm):
    language = forms.ChoiceField(
        label=_("Language of the file"),
        choices=[("en", _("English")), ("fr", _("French"))],
        required=False,
    )
    upload = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("A PDF or an Office document (Word, PowerPoint, Excel), 10 MB at most."),
    )

    class Meta:
        model = Resource
        fields = ["kind", "title_en", "title_fr", "description_en", "description_fr", "link_en"]
        widgets = RESOURCE_WIDGETS

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("upload") and not data.get("link_en"):
            raise forms.ValidationError(_("Attach a file or give a link."))
        return data

    def resource_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SpokespersonForm(forms.ModelForm):
    class Meta:
        model = Spokesperson
        fields = ["expertise_en", "expertise_fr", "languages"]
        widgets = {
            "expertise_en": forms.Textarea(attrs={"rows": 2}),
            "expertise_fr": forms.Textarea(attrs={"rows": 2, **FRENCH}),
        }
