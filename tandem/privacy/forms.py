from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tandem.accounts.models import User
from tandem.core.forms import label_choices, model_choice_field


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
