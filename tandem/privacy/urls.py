from django.urls import path

from tandem.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("people/<int:participant_id>/", views.person, name="person"),
    path("<slug:org_slug>/", views.office, name="office"),
    path("<slug:org_slug>/officer/", views.officer, name="officer"),
]
