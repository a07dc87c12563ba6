from django.urls import path

from tandem.matching import views

app_name = "matching"
urlpatterns = [
    path("", views.home, name="home"),
    path("programs/<int:program_id>/", views.desk, name="desk"),
    path("programs/<int:program_id>/run/", views.run_start, name="run_start"),
    path("programs/<int:program_id>/proposals/", views.proposals, name="proposals"),
    path("programs/<int:program_id>/settings/", views.program_settings, name="settings"),
    path(
        "programs/<int:program_id>/mentees/<int:participant_id>/",
        views.candidates,
        name="candidates",
    ),
    path("runs/<int:run_id>/", views.run_progress, name="run_progress"),
    path("proposals/<int:proposal_id>/", views.proposal, name="proposal"),
    path("proposals/<int:proposal_id>/edit/", views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:proposal_id>/confirm/", views.proposal_confirm, name="proposal_confirm"),
]
