from django.urls import path

from tandem.mentorships import views

app_name = "mentorships"
urlpatterns = [
    path("programs/<int:program_id>/", views.program_mentorships, name="program"),
    path("<int:mentorship_id>/", views.detail, name="detail"),
    path("<int:mentorship_id>/introduction.ics", views.meeting_ics, name="meeting_ics"),
]
