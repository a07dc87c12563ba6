from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from tandem.core.mail import queue_rendered_mail


class AccountAdapter(DefaultAccountAdapter):
    """Sends allauth's mail through the task queue, in the recipient's preferred language."""

    def send_mail(self, template_prefix, email, context):
        user = context.get("user")
        language = getattr(user, "preferred_language", None) or translation.get_language() or "en"
        with translation.override(language):
            message = self.render_mail(template_prefix, email, context)
        queue_rendered_mail(message)

    def save_user(self, request, user, form, commit=True):
        # A person who signs up keeps the language they were reading the site in.
        user.preferred_language = (translation.get_language() or "en")[:2]
        return super().save_user(request, user, form, commit=commit)

    def is_open_for_signup(self, request):
        # Every account is linked to a record: it comes from an invitation (staff, program team,
        # an accepted mentee or mentor). The closed page tells people how to get one.
        return False
