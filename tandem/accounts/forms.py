from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from tandem.core.i18n import refuse_control_characters


class AcceptInvitationForm(forms.Form):
    given_name = forms.CharField(
        label=_("Given name"), max_length=150, validators=[refuse_control_characters]
    )
    family_name = forms.CharField(
        label=_("Family name"), max_length=150, validators=[refuse_control_characters]
    )
    password1 = forms.CharField(
        label=_("Password"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are different."))
        elif first:
            from tandem.accounts.models import User

            probe = User(
                email=self.email,
                first_name=data.get("given_name", ""),
                last_name=data.get("family_name", ""),
            )
            try:
                password_validation.validate_password(first, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class RequestInvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)


def invite_with_form(request, form: forms.Form, invite: Callable[[], object]) -> bool:
    """The one way a staff page sends an invitation from its form: on a valid POST, `invite`
    calls the service; a refusal (already a member, already on the team) is shown under the
    e-mail field, a success as a message. True when the invitation was made (the view then
    redirects)."""
    from tandem.accounts.services import InvitationError

    if request.method != "POST" or not form.is_valid():
        return False
    try:
        invite()
    except InvitationError as error:
        form.add_error("email", str(error))
        return False
    messages.success(
        request,
        _("An invitation is on its way to %(email)s.") % {"email": form.cleaned_data["email"]},
    )
    return True
