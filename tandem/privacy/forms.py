from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tandem.accounts.models import User
from tandem.core import retention
from tandem.core.forms import label_choices, model_choice_field
from tandem.privacy.models import (
    ConsentChannel,
    Incident,
    Purpose,
    RequestKind,
)


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


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is asked"), choices=RequestKind.choices)
    details = forms.CharField(
        label=_("Details"),
        help_text=_("For a correction: what is wrong and what it should say."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )


class CorrectionForm(forms.Form):
    field = forms.CharField(label=_("What was corrected"), max_length=200)
    before = forms.CharField(label=_("Before"), max_length=2000, required=False)
    after = forms.CharField(label=_("After"), max_length=2000)
    answer = forms.CharField(
        label=_("Answer to the person"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class RetentionForm(forms.Form):
    """One field a kind of record (core.retention's registry, so a kind an area adds appears
    here with no change): empty, the kind's default applies."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in retention.kinds():
            self.fields[kind.code] = forms.IntegerField(
                label=kind.label,
                help_text=ngettext(
                    "Months %(starts)s; empty: the default, %(months)d month.",
                    "Months %(starts)s; empty: the default, %(months)d months.",
                    kind.default_months,
                )
                % {"starts": kind.starts, "months": kind.default_months},
                min_value=kind.minimum_months,
                max_value=1200,
                required=False,
            )


class HoldForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the legal hold"), max_length=300, required=False)


class DeletionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept: anonymise the record")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Answer to the person"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


def _when(label: Any, *, required: bool = False) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class IncidentForm(forms.ModelForm):
    occurred_at = _when(_("When it happened"), required=True)
    discovered_at = _when(_("When it was discovered"), required=True)
    window_start = _when(_("Views from"))
    window_end = _when(_("Views until"))
    commission_notified_at = _when(_("Regulator notified on"))
    people_notified_at = _when(_("People affected notified on"))

    class Meta:
        model = Incident
        fields = [
            "what",
            "occurred_at",
            "discovered_at",
            "viewer",
            "window_start",
            "window_end",
            "risk_of_serious_harm",
            "risk_assessment",
            "commission_notified_at",
            "people_notified_at",
            "notified_whom",
        ]
        help_texts = {
            "viewer": _(
                "When the incident is what an account viewed (a stolen password, a curious "
                "colleague): the people whose records it viewed in the window are listed from "
                "the view log."
            )
        }

    def __init__(self, *args: Any, members: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = model_choice_field(self, "viewer")
        field.queryset = members
        field.required = False
        label_choices(self, "viewer", lambda user: user.get_full_name() or user.email)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and end < start:
            self.add_error("window_end", _("The end of the window comes after its start."))
        return data
