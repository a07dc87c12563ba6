from django.urls import path

from tandem.referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.referral_list, name="list"),
    path("client/<int:participant_id>/", views.participant_eligibility, name="eligibility"),
    path(
        "client/<int:participant_id>/refer/<int:program_id>/",
        views.referral_create,
        name="create",
    ),
    path("<int:referral_id>/", views.referral_detail, name="detail"),
    path("<int:referral_id>/decide/", views.referral_decide, name="decide"),
    path("<int:referral_id>/resubmit/", views.referral_resubmit, name="resubmit"),
    path("<int:referral_id>/withdraw/", views.referral_withdraw, name="withdraw"),
    path("apply/<slug:program_slug>/", views.self_referral, name="self_referral"),
    path("mentor/<slug:program_slug>/", views.mentor_application, name="mentor_application"),
    path("applied/", views.application_sent, name="application_sent"),
    path("verify/<str:token>/", views.application_verify, name="verify"),
]
