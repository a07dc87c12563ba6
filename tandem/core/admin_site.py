from functools import wraps

from django.contrib.admin import AdminSite
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class TandemAdminSite(AdminSite):
    """The network's back office: platform admins only, signed in through allauth (MFA, lockout)."""

    site_header = _("Tandem network administration")
    site_title = _("Tandem administration")
    index_title = _("Network administration")

    def has_permission(self, request):
        return request.user.is_active and request.user.is_platform_admin

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request, *args, **kwargs):
            # Signed-in people who do not run the network must not learn that the back office exists.
            if request.user.is_authenticated and not request.user.is_platform_admin:
                raise Http404
            return inner(request, *args, **kwargs)

        return guarded

    def login(self, request, extra_context=None):
        if request.user.is_authenticated and not request.user.is_platform_admin:
            raise Http404
        return redirect_to_login(
            request.GET.get("next") or reverse("admin:index"), login_url=reverse("account_login")
        )
