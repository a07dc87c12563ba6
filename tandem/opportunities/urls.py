from django.urls import path

from . import views

app_name = "opportunities"
urlpatterns = [
    path("", views.board, name="board"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.opportunity_new, name="new"),
    path("searches/", views.search_save, name="search_save"),
    path("searches/<int:saved_search_id>/delete/", views.search_delete, name="search_delete"),
    path("<int:posting_id>/", views.posting, name="posting"),
    path("<int:posting_id>/apply/", views.apply, name="apply"),
    path("manage/<int:opportunity_id>/", views.manage, name="manage"),
    path("manage/<int:opportunity_id>/change/", views.edit, name="edit"),
    path("manage/<int:opportunity_id>/close/", views.close, name="close"),
    path("applications/<int:application_id>/", views.application, name="application"),
    path("applications/<int:application_id>/decide/", views.decide, name="decide"),
    path("applications/<int:application_id>/happened/", views.happened, name="happened"),
    path("applications/<int:application_id>/feedback/", views.feedback, name="feedback"),
    path("applications/<int:application_id>/withdraw/", views.withdraw, name="withdraw"),
    path("employers/<int:employer_id>/", views.employer, name="employer"),
    path("hubs/<int:hub_id>/", views.hub, name="hub"),
    path("national/<slug:network_slug>/", views.national, name="national"),
]
