from django.urls import path

from tandem.reference import views

app_name = "reference"
urlpatterns = [path("", views.search, name="occupation_search")]
