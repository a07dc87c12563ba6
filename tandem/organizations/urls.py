from django.urls import path

from tandem.organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("setup/", views.setup, name="setup"),
    path("setup/new/", views.organization_create, name="create"),
    path("<slug:org_slug>/", views.detail, name="detail"),
    path("<slug:org_slug>/edit/", views.organization_edit, name="edit"),
    path(
        "<slug:org_slug>/partnerships/<int:partnership_id>/remove/",
        views.partnership_remove,
        name="partnership_remove",
    ),
    path("<slug:org_slug>/locations/", views.locations, name="locations"),
    path("<slug:org_slug>/locations/<int:location_id>/", views.location_edit, name="location_edit"),
    path("<slug:org_slug>/people/", views.people, name="people"),
    path("<slug:org_slug>/people/<int:membership_id>/", views.member_edit, name="member"),
    path(
        "<slug:org_slug>/invitations/<int:invitation_id>/",
        views.invitation_resend,
        name="invitation",
    ),
]
