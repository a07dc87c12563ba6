from django.urls import path

from tandem.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("programs/<int:program_id>/", views.program_dashboard, name="program"),
    path("programs/<int:program_id>/export.csv", views.program_csv, name="program_csv"),
    path("programs/<int:program_id>/export.xlsx", views.program_xlsx, name="program_xlsx"),
    path("programs/<int:program_id>/build/", views.program_build, name="program_build"),
    path("programs/<int:program_id>/refresh/", views.program_refresh, name="program_refresh"),
    path("networks/<slug:org_slug>/", views.network_dashboard, name="network"),
    path("networks/<slug:org_slug>/export.csv", views.network_csv, name="network_csv"),
    path("networks/<slug:org_slug>/export.xlsx", views.network_xlsx, name="network_xlsx"),
    path("networks/<slug:org_slug>/build/", views.network_build, name="network_build"),
    path("networks/<slug:org_slug>/refresh/", views.network_refresh, name="network_refresh"),
    path("referred-by/<slug:org_slug>/", views.referring_network, name="referring_network"),
    path("funded/<slug:org_slug>/", views.funder_report, name="funder"),
    path("funded/<slug:org_slug>/export.csv", views.funder_csv, name="funder_csv"),
    path("funded/<slug:org_slug>/export.xlsx", views.funder_xlsx, name="funder_xlsx"),
    path("funded/<slug:org_slug>/build/", views.funder_build, name="funder_build"),
    path("funded/<slug:org_slug>/publish/", views.funder_publish, name="funder_publish"),
    path("runs/<int:report_id>/", views.run_status, name="run"),
    path("runs/<int:report_id>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:report_id>/download/", views.run_download, name="run_download"),
]
