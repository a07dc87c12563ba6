from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tandem.accounts.models import User
from tandem.core.forms import label_choices, model_choice_field
from tandem.privacy.models import ConsentChannel, Purpose


class OfficerForm(forms.Form):
    officer = forms.ModelChoiceField(
        label=_("Privacy officer"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("No one named: the organization's admins act"),
        help_text=_(
            "The person responsible for the protection of personal information: they read who "
            "viewed the records, answer access requests and keep the incident register."
        ),
    )

    def __init__(self, *args: Any, candidates: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "officer").queryset = candidates
        label_choices(self, "officer", lambda user: user.get_full_name() or user.email)


class ConsentForm(forms.Form):
    purpose = forms.SlugField(widget=forms.HiddenInput, max_length=40)
    given = forms.TypedChoiceField(
        label=_("Your choice"),
        choices=[("yes", _("I agree")), ("no", _("I do not agree"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    channel = forms.ChoiceField(
        label=_("How the person gave it"),
        choices=[(c.value, c.label) for c in ConsentChannel if c is not ConsentChannel.ONLINE],
        required=False,
    )

    def __init__(self, *args: Any, for_staff: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if for_staff:
            self.fields["given"].label = _("The person's choice")
        else:
            del self.fields["channel"]


class NoticeForm(forms.ModelForm):
    class Meta:
        model = Purpose
        fields = ["name_en", "name_fr", "notice_en", "notice_fr", "depends_en", "depends_fr"]
