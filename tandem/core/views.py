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
    """The web app's health: 200 when the database and the task queue answer, 503 otherwise.

    The workers' state is reported too, but does not fail this check (a load balancer must not
    take the web app out because a worker is down): /health/worker is the worker's check.
    """
    from django_tasks_db.models import DBTaskResult

    from tandem.core.models import WorkerHeartbeat
    from tandem.core.worker import oldest_ready_age

    checks: dict[str, str | int | float] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        checks["database"] = "unavailable"
    try:
        checks["queue_ready"] = DBTaskResult.objects.ready().count()
        checks["queue_oldest_seconds"] = round(oldest_ready_age(), 1)
        checks["workers_alive"] = WorkerHeartbeat.objects.alive().count()
        checks["queue"] = "ok"
    except Exception:  # noqa: BLE001
        checks["queue"] = "unavailable"
    healthy = checks["database"] == "ok" and checks["queue"] == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


@rule(Audience.PUBLIC)
def health_worker(request: HttpRequest) -> JsonResponse:
    """The workers' readiness: 200 when one is alive and the queue is kept up with, 503 otherwise.

    "Kept up with": the oldest runnable task has waited less than TANDEM_QUEUE_MAX_AGE_SECONDS.
    """
    from django.conf import settings

    from tandem.core.models import WorkerHeartbeat
    from tandem.core.worker import oldest_ready_age

    try:
        alive = list(
            WorkerHeartbeat.objects.alive().values("hostname", "pid", "seen_at", "tasks_run")
        )
        oldest = oldest_ready_age()
    except Exception:  # noqa: BLE001
        return JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
    problems = []
    if not alive:
        problems.append("no worker has written a heartbeat within the lease")
    if oldest > settings.TANDEM_QUEUE_MAX_AGE_SECONDS:
        problems.append("the oldest runnable task has waited too long")
    return JsonResponse(
        {
            "status": "unavailable" if problems else "ok",
            "problems": problems,
            "workers": alive,
            "queue_oldest_seconds": round(oldest, 1),
        },
        status=503 if problems else 200,
    )


@rule(Audience.PUBLIC)
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format, for platform admins or a scraper with TANDEM_METRICS_TOKEN."""
    import hmac

    from django.conf import settings
    from django.http import Http404
    from prometheus_client import CONTENT_TYPE_LATEST

    from tandem.core import metrics as figures

    token = settings.TANDEM_METRICS_TOKEN
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    by_token = bool(token) and hmac.compare_digest(offered.encode(), token.encode())
    if not by_token and not (request.user.is_authenticated and request.user.is_platform_admin):
        raise Http404
    return HttpResponse(figures.render(), content_type=CONTENT_TYPE_LATEST)


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
