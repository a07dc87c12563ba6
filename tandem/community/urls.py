from django.urls import path

from tandem.community import views

app_name = "community"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<slug:community_slug>/", views.detail, name="detail"),
    path("<slug:community_slug>/join/", views.join, name="join"),
    path("<slug:community_slug>/agree/", views.agree, name="agree"),
    path("<slug:community_slug>/leave/", views.leave, name="leave"),
    path("<slug:community_slug>/settings/", views.settings_page, name="settings"),
    path("<slug:community_slug>/members/", views.members, name="members"),
    path(
        "<slug:community_slug>/members/<int:community_membership_id>/",
        views.member_action,
        name="member_action",
    ),
    path("<slug:community_slug>/preferences/", views.preferences, name="preferences"),
    path("<slug:community_slug>/reports/", views.reports, name="reports"),
    path("<slug:community_slug>/search/", views.search, name="search"),
    path("<slug:community_slug>/spaces/<slug:space_slug>/", views.space, name="space"),
    path(
        "<slug:community_slug>/spaces/<slug:space_slug>/members/",
        views.space_members,
        name="space_members",
    ),
    path(
        "<slug:community_slug>/spaces/<slug:space_slug>/new/", views.thread_new, name="thread_new"
    ),
    path("<slug:community_slug>/threads/<int:thread_id>/", views.thread, name="thread"),
    path(
        "<slug:community_slug>/threads/<int:thread_id>/moderate/",
        views.thread_moderate,
        name="thread_moderate",
    ),
    path("<slug:community_slug>/posts/<int:post_id>/react/", views.react, name="react"),
    path("<slug:community_slug>/posts/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("<slug:community_slug>/posts/<int:post_id>/answer/", views.answer, name="answer"),
    path("<slug:community_slug>/posts/<int:post_id>/report/", views.report, name="report"),
    path("<slug:community_slug>/posts/<int:post_id>/hide/", views.hide, name="hide"),
    path("<slug:community_slug>/files/<int:attachment_id>/", views.attachment, name="attachment"),
    path("<slug:community_slug>/messages/", views.conversations, name="conversations"),
    path(
        "<slug:community_slug>/messages/<int:conversation_id>/",
        views.conversation,
        name="conversation",
    ),
]
