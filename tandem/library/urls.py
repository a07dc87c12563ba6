from django.urls import path

from tandem.library import views

app_name = "library"
urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:community_slug>/", views.resources, name="resources"),
    path("c/<slug:community_slug>/new/", views.resource_create, name="resource_create"),
    path("c/<slug:community_slug>/directory/", views.directory, name="directory"),
    path("c/<slug:community_slug>/gatherings/", views.gatherings, name="gatherings"),
    path(
        "c/<slug:community_slug>/gatherings/new/",
        views.gathering_create,
        name="gathering_create",
    ),
    path("c/<slug:community_slug>/spokespersons/", views.roster, name="roster"),
    path("resources/<int:resource_id>/", views.resource_detail, name="resource"),
    path("resources/<int:resource_id>/edit/", views.resource_edit, name="resource_edit"),
    path("resources/<int:resource_id>/draft/", views.draft_edit, name="draft"),
    path("resources/<int:resource_id>/draft/start/", views.draft_start, name="draft_start"),
    path("resources/<int:resource_id>/publish/", views.publish, name="publish"),
    path("resources/<int:resource_id>/review/", views.round_open, name="round_open"),
    path("reviews/<int:round_id>/", views.review, name="review"),
    path("versions/<int:version_id>/", views.version_detail, name="version"),
    path("files/<int:file_id>/", views.file_download, name="file"),
    path("profiles/<slug:org_slug>/", views.profile_edit, name="profile_edit"),
    path("gatherings/<int:gathering_id>/", views.gathering_detail, name="gathering"),
    path("gatherings/<int:gathering_id>/edit/", views.gathering_edit, name="gathering_edit"),
    path("gatherings/<int:gathering_id>/attendance/", views.attendance, name="attendance"),
    path("gatherings/<int:gathering_id>/materials/", views.materials, name="materials"),
    path(
        "spokespersons/<int:spokesperson_id>/remove/",
        views.spokesperson_remove,
        name="spokesperson_remove",
    ),
]
