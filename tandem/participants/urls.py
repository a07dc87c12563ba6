from django.urls import path

from tandem.participants import views

app_name = "participants"
urlpatterns = [
    path("organization/<slug:org_slug>/", views.organization_participants, name="list"),
    path("<int:participant_id>/", views.detail, name="detail"),
]
