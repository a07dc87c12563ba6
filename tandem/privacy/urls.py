from django.urls import path

from tandem.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("people/<int:participant_id>/", views.person, name="person"),
    path("people/<int:participant_id>/consent/", views.consent, name="consent"),
    path("purposes/", views.purposes, name="purposes"),
    path("purposes/<slug:purpose_code>/", views.purpose, name="purpose"),
    path("organizations/<slug:org_slug>/", views.office, name="office"),
    path("organizations/<slug:org_slug>/officer/", views.officer, name="officer"),
]
