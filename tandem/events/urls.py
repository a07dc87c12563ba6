from django.urls import path

from tandem.events import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("program/<int:program_id>/new/", views.event_create, name="create"),
    path("<int:event_id>/", views.event_detail, name="detail"),
    path("<int:event_id>/edit/", views.event_edit, name="edit"),
    path("<int:event_id>/invite/", views.event_invite, name="invite"),
    path("<int:event_id>/attendance/", views.event_attendance, name="attendance"),
    path("<int:event_id>/cancel/", views.event_cancel, name="cancel"),
    path("<int:event_id>/register/", views.event_register, name="register"),
]
