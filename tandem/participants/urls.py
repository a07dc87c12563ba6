from django.urls import path

from tandem.participants import views

app_name = "participants"
urlpatterns = [
    path("organization/<slug:org_slug>/", views.organization_participants, name="list"),
    path("organization/<slug:org_slug>/new/", views.participant_create, name="create"),
    path("organization/<slug:org_slug>/import/", views.import_start, name="import"),
    path("organization/<slug:org_slug>/export/", views.export, name="export"),
    path("imports/<int:import_id>/", views.import_status, name="import_status"),
    path("imports/<int:import_id>/progress/", views.import_progress, name="import_progress"),
    path("organization/<slug:org_slug>/accounts/", views.accounts, name="accounts"),
    path("organization/<slug:org_slug>/duplicates/", views.duplicate_list, name="duplicates"),
    path("<int:participant_id>/merge/<int:other_id>/", views.merge, name="merge"),
    path("<int:participant_id>/", views.detail, name="detail"),
    path("<int:participant_id>/edit/", views.participant_edit, name="edit"),
    path("<int:participant_id>/accommodations/", views.accommodation_edit, name="accommodations"),
    path("<int:participant_id>/resumes/", views.resume_upload, name="resume_upload"),
    path("resumes/<int:resume_id>/", views.resume_download, name="resume_download"),
    path("resumes/<int:resume_id>/delete/", views.resume_delete, name="resume_delete"),
]
