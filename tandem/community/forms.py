from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tandem.community.models import (
    LANGUAGES,
    Frequency,
    Membership,
    ReactionKind,
    SpaceKind,
    ThreadKind,
)
from tandem.community.services.threads import MAX_BODY, MAX_TITLE
from tandem.core.forms import label_choices, model_choice_field
from tandem.organizations.models import Organization
from tandem.reference.places import PROVINCES

BODY_HELP = _(
    "Plain text, or simple formatting (bold, italics, lists, links). Mention a member with "
    "@ and their handle (listed on the members page): they are told."
)


class CommunityForm(forms.Form):
    slug = forms.SlugField(
        label=_("Short name"), max_length=60, help_text=_("Letters, digits and dashes: in links.")
    )
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_fr = forms.CharField(label=_("Name (French)"), max_length=200)
    description_en = forms.CharField(
        label=_("Description (English)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )
    description_fr = forms.CharField(
        label=_("Description (French)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )
    terms_en = forms.CharField(
        label=_("Terms of reference (English)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        help_text=_("What members agree to when they join. Changing them asks everyone again."),
    )
    terms_fr = forms.CharField(
        label=_("Terms of reference (French)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
    )


class NewCommunityForm(CommunityForm):
    host = forms.ModelChoiceField(
        label=_("Hosted by"),
        queryset=Organization.objects.none(),
        help_text=_("Your organization, which runs the community; you are its first moderator."),
    )
    field_order = ["host", "slug"]

    def __init__(self, *args: Any, hosts: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "host").queryset = hosts
        label_choices(self, "host", lambda o: str(o.name))


class EditCommunityForm(CommunityForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["slug"]


class OrganizationsForm(forms.Form):
    organizations = forms.ModelMultipleChoiceField(
        label=_("Member organizations"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Their people may be invited or ask to join. Taking one out ends its people's access at once."
        ),
    )

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organizations").queryset = organizations
        label_choices(self, "organizations", lambda o: str(o.name))


class JoinForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Your organization"), queryset=Organization.objects.none()
    )
    note = forms.CharField(
        label=_("A word to the moderators (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
    )
    agree = forms.BooleanField(
        label=_("I have read the terms of reference above and I agree to them."),
        required=True,
        error_messages={"required": _("Agree to the terms of reference to join.")},
    )

    def __init__(
        self, *args: Any, organizations: QuerySet[Organization], invited: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organization").queryset = organizations
        label_choices(self, "organization", lambda o: str(o.name))
        if invited:
            del self.fields["organization"]
            del self.fields["note"]


class AgreeForm(forms.Form):
    agree = forms.BooleanField(
        label=_("I have read the new terms of reference and I agree to them."),
        error_messages={"required": _("Agree to the terms of reference to go on posting.")},
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    note = forms.CharField(
        label=_("A word to the person (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
    )


class SpaceForm(forms.Form):
    slug = forms.SlugField(label=_("Short name"), max_length=60)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_fr = forms.CharField(label=_("Name (French)"), max_length=200)
    description_en = forms.CharField(
        label=_("Description (English)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
    description_fr = forms.CharField(
        label=_("Description (French)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
    kind = forms.ChoiceField(label=_("Who takes part"), choices=SpaceKind.choices)
    province = forms.ChoiceField(
        label=_("Province"),
        choices=[("", "—"), *PROVINCES],
        required=False,
        help_text=_("For a province's space: its members are offered first."),
    )


class SpaceMembersForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=_("Members of this space"),
        queryset=Membership.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, members: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "members").queryset = members
        label_choices(self, "members", lambda m: f"{m.user} ({m.organization.name})")


def body_field(label: Any, rows: int) -> forms.CharField:
    """What a member writes (a thread, a reply, a change): the same limit and help everywhere."""
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=MAX_BODY,
        help_text=BODY_HELP,
    )


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    kind = forms.ChoiceField(
        label=_("This is"),
        choices=ThreadKind.choices,
        widget=forms.RadioSelect,
        initial=ThreadKind.DISCUSSION,
    )
    language = forms.ChoiceField(label=_("Written in"), choices=LANGUAGES)
    body = body_field(_("Message"), 8)
    attachment = forms.FileField(
        label=_("Attach a file (optional)"),
        required=False,
        help_text=_("PDF, Word, Excel, PowerPoint, PNG or JPEG, up to 10 MB."),
    )
    # Set once the writer has seen the similar threads and chose to post anyway.
    seen_similar = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ReplyForm(forms.Form):
    body = body_field(_("Your reply"), 5)
    language = forms.ChoiceField(label=_("Written in"), choices=LANGUAGES)
    attachment = forms.FileField(
        label=_("Attach a file (optional)"),
        required=False,
        help_text=_("PDF, Word, Excel, PowerPoint, PNG or JPEG, up to 10 MB."),
    )


class EditPostForm(forms.Form):
    body = body_field(_("Your post"), 6)


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this post?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown to the author)"), max_length=300, required=False
    )


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=ReactionKind.choices)


class ConversationForm(forms.Form):
    recipients = forms.ModelMultipleChoiceField(
        label=_("To"),
        queryset=Membership.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One person, or a small group (up to 7)."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=MAX_BODY
    )

    def __init__(self, *args: Any, members: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "recipients").queryset = members
        label_choices(self, "recipients", lambda m: f"{m.user} ({m.organization.name})")


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_BODY
    )
    attachment = forms.FileField(
        label=_("Attach a file (optional)"),
        required=False,
        help_text=_("PDF, Word, Excel, PowerPoint, PNG or JPEG, up to 10 MB."),
    )


class PreferencesForm(forms.Form):
    def __init__(self, *args: Any, rows: list[tuple[Any, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for space, frequency in rows:
            self.fields[f"space_{space.pk}"] = forms.ChoiceField(
                label=str(space.name), choices=Frequency.choices, initial=frequency
            )

    def choices(self) -> dict[int, str]:
        return {
            int(name.removeprefix("space_")): value for name, value in self.cleaned_data.items()
        }
