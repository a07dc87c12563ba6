from django.urls import path

from tandem.employers import views

app_name = "employers"
urlpatterns = [
    path("", views.partner_list, name="partners"),
    path("me/", views.my_terms, name="me"),
    path("partner/<slug:partner_slug>/", views.partner_home, name="partner"),
    path("partner/<slug:partner_slug>/invite/", views.partner_invite, name="invite"),
    path(
        "mentorship/<int:mentorship_id>/activity/",
        views.activity_propose,
        name="activity_propose",
    ),
    path("mentorship/<int:mentorship_id>/hire/", views.hire, name="hire"),
    path("mentorship/<int:mentorship_id>/terms/", views.terms_for_mentor, name="terms"),
    path("activity/<int:workplace_activity_id>/", views.activity, name="activity"),
    path("program/<int:program_id>/tracks/", views.tracks, name="tracks"),
    path("hosted/", views.hosted_programs, name="hosted"),
    path("hosted/<int:hosted_program_id>/", views.offer, name="offer"),
    path("hosted/<int:hosted_program_id>/help/", views.help_desk, name="help"),
]
