from django.urls import path

from tandem.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list, name="list"),
    path("new/<slug:org_slug>/", views.program_create, name="create"),
    path("<int:program_id>/", views.program_detail, name="detail"),
    path("<int:program_id>/edit/", views.program_edit, name="edit"),
    path("<int:program_id>/team/", views.program_team, name="team"),
    path(
        "<int:program_id>/criteria/mentees/",
        views.criteria_edit,
        {"side": "mentee"},
        name="criteria_mentee",
    ),
    path(
        "<int:program_id>/criteria/mentors/",
        views.criteria_edit,
        {"side": "mentor"},
        name="criteria_mentor",
    ),
    path("<int:program_id>/intake-periods/", views.intake_period_add, name="intake_add"),
    path(
        "<int:program_id>/intake-periods/remove/",
        views.intake_period_remove,
        name="intake_remove",
    ),
    path("<int:program_id>/sessions/", views.session_create, name="session_create"),
    path("sessions/<int:session_id>/", views.session_detail, name="session"),
    path("enrolments/<int:enrolment_id>/", views.enrolment_detail, name="enrolment"),
    path("enrolments/<int:enrolment_id>/plan/", views.action_plan_edit, name="action_plan"),
    path("about/", views.program_directory, name="directory"),
    path("about/<slug:program_slug>/", views.program_public, name="public"),
]
