from django.urls import path

from tandem.connectors import views

app_name = "connectors"
urlpatterns = [
    path("me/", views.my_connector, name="me"),
    path("me/profile/<int:connector_program_id>/", views.my_profile, name="profile"),
    path("funders/", views.funder_figures, name="funder"),
    path("program/<int:connector_program_id>/", views.program_home, name="program"),
    path("program/<int:connector_program_id>/invite/", views.program_invite, name="invite"),
    path("program/<int:connector_program_id>/figures/", views.program_figures, name="figures"),
    path("newcomer/<int:newcomer_id>/", views.newcomer, name="newcomer"),
    path("introduction/<int:introduction_id>/follow-up/", views.follow_up, name="follow_up"),
    path("meeting/<int:connector_meeting_id>/", views.meeting, name="meeting"),
    path(
        "meeting/<int:connector_meeting_id>/calendar.ics",
        views.meeting_calendar,
        name="meeting_calendar",
    ),
    path(
        "meeting/<int:connector_meeting_id>/<slug:what>/",
        views.meeting_action,
        name="meeting_action",
    ),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("invitation/<str:token>/decline/", views.invitation_decline, name="invitation_decline"),
    path("invitation/<str:token>/pass-on/", views.invitation_pass_on, name="invitation_pass_on"),
]
