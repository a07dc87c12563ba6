from django.urls import path

from tandem.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("<int:mentorship_id>/close/", views.mentorship_close, name="close"),
    path("<int:mentorship_id>/extend/", views.mentorship_extend, name="extend"),
    path(
        "<int:mentorship_id>/exit-survey/mentee/",
        views.exit_survey,
        {"side": "mentee"},
        name="exit_survey_mentee",
    ),
    path(
        "<int:mentorship_id>/exit-survey/mentor/",
        views.exit_survey,
        {"side": "mentor"},
        name="exit_survey_mentor",
    ),
    path(
        "<int:mentorship_id>/certificate/mentee.pdf",
        views.certificate,
        {"side": "mentee"},
        name="certificate_mentee",
    ),
    path(
        "<int:mentorship_id>/certificate/mentor.pdf",
        views.certificate,
        {"side": "mentor"},
        name="certificate_mentor",
    ),
    path("person/<int:participant_id>/", views.person_outcomes, name="person"),
    path("person/<int:participant_id>/consent/", views.person_consent, name="consent"),
    path(
        "follow-ups/<int:follow_up_id>/on-behalf/",
        views.follow_up_behalf,
        name="follow_up_behalf",
    ),
    path("follow-up/<str:token>/", views.follow_up, name="follow_up"),
    path("me/", views.my_status, name="me"),
]
