from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.core.access import Audience, rule


@rule(Audience.PUBLIC)
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "core/landing.html")
    dashboard_for = import_string(settings.TANDEM_DASHBOARD)
    return render(request, "core/dashboard.html", dashboard_for(user=request.user))


@rule(Audience.PUBLIC)
def health(request: HttpRequest) -> JsonResponse:
    """200 when the database and the task queue answer, 503 otherwise (for load balancers)."""
    from django_tasks_db.models import DBTaskResult

    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        checks["database"] = "unavailable"
    try:
        checks["queue_ready"] = DBTaskResult.objects.ready().count()
        checks["queue"] = "ok"
    except Exception:  # noqa: BLE001
        checks["queue"] = "unavailable"
    healthy = checks["database"] == "ok" and checks["queue"] == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


@rule(Audience.PUBLIC, methods=("POST",))
def switch_language(request: HttpRequest) -> HttpResponse:
    """Changes the interface language; a signed-in person's preference follows it."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    next_url = request.POST.get("next", "")
    if not next_url or not url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, request.is_secure()
    ):
        with translation.override(language):
            next_url = reverse("core:home")
    response = HttpResponseRedirect(translate_url(next_url, language))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        samesite="Lax",
    )
    if request.user.is_authenticated and request.user.preferred_language != language:
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    return response


class ProfileForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["first_name", "last_name", "preferred_language"]
        labels = {
            "first_name": gettext_lazy("Given name"),
            "last_name": gettext_lazy("Family name"),
        }


@rule(Audience.SIGNED_IN, methods=("GET", "POST"))
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        language = form.cleaned_data["preferred_language"]
        translation.activate(language)
        return redirect(translate_url(request.path, language))
    return render(request, "core/profile.html", {"form": form})
