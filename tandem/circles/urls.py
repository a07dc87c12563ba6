from django.urls import path

from . import views

app_name = "circles"
urlpatterns = [
    path("program/<int:program_id>/", views.program_circles, name="program"),
    path("program/<int:program_id>/new/", views.circle_create, name="create"),
    path("program/<int:program_id>/peers/", views.peer_list, name="peers"),
    path("<int:circle_id>/", views.circle_detail, name="detail"),
    path("<int:circle_id>/members/", views.circle_add_members, name="add_members"),
    path("<int:circle_id>/sessions/new/", views.circle_session_new, name="session_new"),
    path("<int:circle_id>/notes/", views.circle_note, name="note"),
    path("<int:circle_id>/my-name/", views.circle_consent, name="consent"),
    path("members/<int:circle_member_id>/remove/", views.circle_remove_member, name="remove"),
    path("sessions/<int:circle_session_id>/", views.circle_session, name="session"),
    path("sessions/<int:circle_session_id>/feedback/", views.circle_feedback, name="feedback"),
    path("sessions/<int:circle_session_id>/edit/", views.circle_session_edit, name="session_edit"),
    path(
        "sessions/<int:circle_session_id>/cancel/",
        views.circle_session_cancel,
        name="session_cancel",
    ),
    path("<int:circle_id>/end/", views.circle_end, name="end"),
    path(
        "peers/conversations/<int:peer_conversation_id>/",
        views.peer_conversation_record,
        name="conversation",
    ),
    path("peers/<int:peer_mentor_id>/", views.peer_detail, name="peer"),
]
