from django.urls import path

from tandem.reference import views

app_name = "reference"
urlpatterns = [
    path("", views.search, name="occupation_search"),
    path("suggestions/", views.occupation_suggestions, name="occupation_suggestions"),
    path("industries/suggestions/", views.industry_suggestions, name="industry_suggestions"),
]
