from django.urls import path

from tremplin.clients import views

app_name = "clients"

# Under /<lang>/a/<agency_slug>/clients/ (see tremplin/config/urls.py). A client's own pages
# are under me/; staff pages address a record by <client_id>.
urlpatterns = [
    path("me/", views.me_overview, name="me"),
    path("me/intake/", views.me_intake_start, name="me_intake"),
    path("me/intake/<slug:step>/", views.me_intake_step, name="me_intake_step"),
    path("me/digital/", views.me_digital, name="me_digital"),
    path("me/digital/result/", views.me_digital_result, name="me_digital_result"),
    path("me/consents/", views.me_consents, name="me_consents"),
    path("", views.client_list, name="list"),
    path("new/", views.client_new, name="new"),
    path("duplicates/", views.client_duplicates, name="duplicates"),
    path("<int:client_id>/", views.client_detail, name="detail"),
    path("<int:client_id>/intake/<slug:step>/", views.client_intake_step, name="intake_step"),
    path("<int:client_id>/digital/", views.client_digital, name="digital"),
    path("<int:client_id>/needs/", views.client_needs, name="needs"),
    path("<int:client_id>/referrals/new/", views.referral_new, name="referral_new"),
    path(
        "<int:client_id>/referrals/<int:referral_id>/",
        views.referral_status,
        name="referral_status",
    ),
    path("<int:client_id>/consents/", views.client_consents, name="consents"),
    path("<int:client_id>/notes/", views.case_notes, name="notes"),
    path("<int:client_id>/notes/<int:casenote_id>/", views.case_note_edit, name="note_edit"),
    path("<int:client_id>/export/", views.client_export, name="export"),
    path("<int:client_id>/merge/", views.client_merge, name="merge"),
    path("<int:client_id>/counsellor/", views.client_counsellor, name="counsellor"),
]
