from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import JavaScriptCatalog

from tandem.core import views as core_views
from tandem.core.access import Audience, rule

urlpatterns: list[URLPattern | URLResolver] = [
    path("health", core_views.health, name="health"),
    path("health/worker", core_views.health_worker, name="health_worker"),
    path("metrics", core_views.metrics, name="metrics"),
    path("language", core_views.switch_language, name="switch_language"),
]

urlpatterns += i18n_patterns(
    path("", include("tandem.core.urls")),
    path("accounts/", include("allauth.urls")),
    path("invitations/", include("tandem.accounts.urls")),
    path("organizations/", include("tandem.organizations.urls")),
    path("participants/", include("tandem.participants.urls")),
    path("programs/", include("tandem.programs.urls")),
    path("referrals/", include("tandem.referrals.urls")),
    path("matching/", include("tandem.matching.urls")),
    path("mentorships/", include("tandem.mentorships.urls")),
    path("connectors/", include("tandem.connectors.urls")),
    path("employers/", include("tandem.employers.urls")),
    path("occupations/", include("tandem.reference.urls")),
    path("events/", include("tandem.events.urls")),
    path("groups/", include("tandem.circles.urls")),
    path("opportunities/", include("tandem.opportunities.urls")),
    path("reports/", include("tandem.reports.urls")),
    path("mentoring/", include("tandem.meetings.urls")),
    path("outcomes/", include("tandem.outcomes.urls")),
    path("privacy/", include("tandem.privacy.urls")),
    path("library/", include("tandem.library.urls")),
    path("community/", include("tandem.community.urls")),
    path("jsi18n/", rule(Audience.PUBLIC)(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("admin/", admin.site.urls),
)
