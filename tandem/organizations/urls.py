from django.urls import path

from tandem.organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("<slug:org_slug>/", views.detail, name="detail"),
]
