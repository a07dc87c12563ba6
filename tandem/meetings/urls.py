from django.urls import path

from tandem.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.mentorship_list, name="list"),
    path("attention/", views.attention, name="attention"),
    path("<int:mentorship_id>/", views.mentorship_detail, name="detail"),
    path("<int:mentorship_id>/meetings/new/", views.meeting_log, name="log"),
    path("<int:mentorship_id>/next-meeting/", views.next_meeting, name="next"),
    path("<int:mentorship_id>/documents/new/", views.document_share, name="share"),
    path("documents/<int:document_id>/", views.document_download, name="document"),
    path("<int:mentorship_id>/check-ins/new/", views.check_in, name="check_in"),
    path("<int:mentorship_id>/case-meetings/new/", views.case_meeting, name="case_meeting"),
    path("person/<int:participant_id>/on-behalf/", views.on_behalf, name="on_behalf"),
]
