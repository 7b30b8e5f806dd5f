from django.urls import path

from tremplin.surveys import views

app_name = "surveys"

# Pages under /<lang>/a/<agency_slug>/surveys/ (see tremplin/config/urls.py).
urlpatterns = [
    # The respondent's page: the single-use link is the only key.
    path("r/<str:token>/", views.respond, name="respond"),
    # Staff
    path("", views.survey_list, name="survey_list"),
    path("new/", views.survey_create, name="survey_create"),
    path("templates/", views.templates, name="templates"),
    path("templates/<int:survey_id>/adopt/", views.adopt, name="adopt"),
    path("import/", views.import_xlsform, name="import_xlsform"),
    path("settings/", views.settings_edit, name="settings"),
    path("<int:survey_id>/", views.survey_detail, name="survey_detail"),
    path("<int:survey_id>/edit/", views.survey_edit, name="survey_edit"),
    path("<int:survey_id>/export.xlsx", views.export_xlsform, name="export_xlsform"),
    path("<int:survey_id>/pages/new/", views.section_create, name="section_create"),
    path("pages/<int:section_id>/edit/", views.section_edit, name="section_edit"),
    path("pages/<int:section_id>/delete/", views.section_delete, name="section_delete"),
    path("pages/<int:section_id>/questions/new/", views.question_create, name="question_create"),
    # Questions by name within their survey (names are unique per survey).
    path(
        "<int:survey_id>/questions/<slug:question_name>/edit/",
        views.question_edit,
        name="question_edit",
    ),
    path(
        "<int:survey_id>/questions/<slug:question_name>/delete/",
        views.question_delete,
        name="question_delete",
    ),
    path(
        "<int:survey_id>/questions/<slug:question_name>/move/",
        views.question_move,
        name="question_move",
    ),
    path("<int:survey_id>/invitations/", views.invitations, name="invitations"),
    path("<int:survey_id>/invite/", views.invite, name="invite"),
    path(
        "invitations/<int:invitation_id>/cancel/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path("<int:survey_id>/responses/", views.responses, name="responses"),
    path("responses/<uuid:response_id>/", views.response_detail, name="response_detail"),
]
