from django.urls import path

from tandem.accounts import views

app_name = "accounts"
urlpatterns = [
    path("request/", views.invitation_request, name="request"),
    path("<str:token>/", views.invitation, name="invitation"),
]
