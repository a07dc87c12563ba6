from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tandem.accounts.models import User
from tandem.core.forms import model_choice_field
from tandem.organizations.models import (
    Membership,
    Organization,
    PartnershipKind,
    Role,
    ServiceLocation,
)
from tandem.organizations.services import HUB_PARENT_KINDS
from tandem.reference.places import PROVINCES

RESERVED_SLUGS = {"setup"}

# How a partnership reads from the partner's side: "<partner> refers clients to <organization>".
PARTNERSHIP_VERBS = [
    (PartnershipKind.SERVICE_DELIVERY, _("refers clients to")),
    (PartnershipKind.FUNDING, _("funds")),
    (PartnershipKind.EMPLOYER, _("recruits mentors for")),
    (PartnershipKind.PROGRAM_DELIVERY, _("delivers the program with")),
    (PartnershipKind.ASSOCIATION, _("is an association partner of")),
    (PartnershipKind.ACADEMIC, _("is an academic partner of")),
    (PartnershipKind.NETWORK, _("is a network member of")),
]


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = [
            "name_en",
            "name_fr",
            "slug",
            "kind",
            "province",
            "parent",
            "description_en",
            "description_fr",
            "website",
            "is_active",
        ]
        help_texts = {
            "slug": _("Letters, digits and hyphens; it appears in addresses (e.g. ottawa-hub)."),
            "parent": _(
                "The professional immigrant network or hub this organization belongs to; for a "
                "provincial hub, its national organization."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A hub may also belong to a national association or lead agency (services.
        # _check_parent says which parent each kind of organization may have).
        parents = Organization.objects.filter(kind__in=HUB_PARENT_KINDS)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        model_choice_field(self, "parent").queryset = parents
        for name in ("description_en", "description_fr"):
            self.fields[name].max_length = 4000
            self.fields[name].widget.attrs.update(rows=3, maxlength=4000)

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This short name is reserved; choose another."))
        return slug


class PartnershipForm(forms.Form):
    kind = forms.ChoiceField(label=_("This organization"), choices=PARTNERSHIP_VERBS)
    other = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects.none())

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "other").queryset = Organization.objects.filter(
            is_active=True
        ).exclude(pk=organization.pk)


class LocationForm(forms.ModelForm):
    province = forms.ChoiceField(label=_("province"), choices=PROVINCES, initial="ON")

    class Meta:
        model = ServiceLocation
        fields = ["name_en", "name_fr", "street_address", "city", "province", "postal_code"]


class StaffInviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    language = forms.ChoiceField(
        label=_("Language of the invitation"), choices=settings.LANGUAGES, initial="en"
    )


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_("Untick to revoke: the person loses this role's access at once."),
    )
    locations = forms.ModelMultipleChoiceField(
        label=_("Service locations"),
        queryset=ServiceLocation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, membership: Membership, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "role": membership.role,
                "is_active": membership.is_active,
                "locations": list(membership.locations.all()),
            },
        )
        super().__init__(*args, **kwargs)
        model_choice_field(self, "locations").queryset = membership.organization.locations.all()


class HandOverForm(forms.Form):
    colleague = forms.ModelChoiceField(label=_("Hand over to"), queryset=User.objects.none())

    def __init__(self, *args, organization: Organization, leaver: User, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "colleague").queryset = (
            User.objects.filter(
                is_active=True,
                memberships__organization=organization,
                memberships__is_active=True,
            )
            .exclude(pk=leaver.pk)
            .distinct()
            .order_by("last_name", "first_name")
        )
