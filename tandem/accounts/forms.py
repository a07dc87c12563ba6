from django import forms
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
