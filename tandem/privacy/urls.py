from django.urls import path

from tandem.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("people/<int:participant_id>/", views.person, name="person"),
    path("people/<int:participant_id>/consent/", views.consent, name="consent"),
    path("people/<int:participant_id>/requests/", views.request_new, name="request_new"),
    path("requests/<int:request_id>/", views.request_detail, name="request"),
    path("requests/<int:request_id>/answer.pdf", views.request_pdf, name="request_pdf"),
    path("requests/<int:request_id>/answer.json", views.request_json, name="request_json"),
    path("purposes/", views.purposes, name="purposes"),
    path("purposes/<slug:purpose_code>/", views.purpose, name="purpose"),
    path("organizations/<slug:org_slug>/", views.office, name="office"),
    path("organizations/<slug:org_slug>/officer/", views.officer, name="officer"),
    path("organizations/<slug:org_slug>/retention/", views.retention_periods, name="retention"),
    path("people/<int:participant_id>/hold/", views.hold, name="hold"),
    path("organizations/<slug:org_slug>/incidents/new/", views.incident_new, name="incident_new"),
    path("incidents/<int:incident_id>/", views.incident, name="incident"),
]
