"""allauth's messages that Tandem shows, listed here so that the root French catalogue
(`locale/fr`, first in LOCALE_PATHS, so it takes precedence over allauth's own) carries them in
Canadian French: allauth's French is France's (« adresse e-mail », « Connexion » on the button
beside our « Me connecter », « spam »). Nothing imports this module; `update_catalogues` reads it.
"""

from django.utils.translation import gettext_noop

ALLAUTH_MESSAGES = [
    gettext_noop("Email"),
    gettext_noop("Email address"),
    gettext_noop("Email Address"),
    gettext_noop("Email Addresses"),
    gettext_noop("Username or email"),
    gettext_noop("Password"),
    gettext_noop("Password (again)"),
    gettext_noop("Remember Me"),
    gettext_noop("Sign In"),
    gettext_noop("Sign Up"),
    gettext_noop("Forgot your password?"),
    gettext_noop("Forgot Password?"),
    gettext_noop("Password Reset"),
    gettext_noop("Reset My Password"),
    gettext_noop(
        "If you have not created an account yet, then please %(link)ssign up%(end_link)s first."
    ),
    gettext_noop("Already have an account? Then please %(link)ssign in%(end_link)s."),
    gettext_noop(
        "Forgotten your password? Enter your email address below, and we'll send you an email "
        "allowing you to reset it."
    ),
    gettext_noop("Please contact us if you have any trouble resetting your password."),
    gettext_noop(
        "We have sent you an email. If you have not received it please check your spam folder. "
        "Otherwise contact us if you do not receive it in a few minutes."
    ),
    gettext_noop("The email address and/or password you specified are not correct."),
    gettext_noop("A user is already registered with this email address."),
    gettext_noop("Verify Your Email Address"),
    gettext_noop(
        "We have sent an email to you for verification. Follow the link provided to finalize the "
        "signup process. If you do not see the verification email in your main inbox, check your "
        "spam folder. Please contact us if you do not receive the verification email within a "
        "few minutes."
    ),
    gettext_noop("Confirm Email Address"),
    gettext_noop("Please Confirm Your Email Address"),
    gettext_noop("Email Confirmation"),
    gettext_noop("Password Reset Email"),
    gettext_noop(
        "You're receiving this email because you or someone else has requested a password reset "
        "for your user account.\nIt can be safely ignored if you did not request a password "
        "reset. Click the link below to reset your password."
    ),
]
