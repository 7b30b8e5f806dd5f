"""/api/v1/…: the REST API (token-authenticated, not language-prefixed; see docs/api.md)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from tremplin.api import views
from tremplin.api.errors import not_found_view

app_name = "api"

agency = "agencies/<slug:slug>/"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from our static files (drf-spectacular-sidecar), its script in a file: no CDN,
    # nothing inline (the site's Content-Security-Policy allows neither).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    path(f"{agency}programs/", views.ProgramList.as_view(), name="programs"),
    path(f"{agency}programs/<int:program_id>/", views.ProgramDetail.as_view(), name="program"),
    path(f"{agency}sessions/", views.SessionList.as_view(), name="sessions"),
    path(f"{agency}sessions/<int:session_id>/", views.SessionDetail.as_view(), name="session"),
    path(f"{agency}registrations/", views.RegistrationList.as_view(), name="registrations"),
    path(
        f"{agency}registrations/<int:registration_id>/",
        views.RegistrationDetail.as_view(),
        name="registration",
    ),
    path(
        f"{agency}registrations/<int:registration_id>/cancel/",
        views.RegistrationCancel.as_view(),
        name="registration_cancel",
    ),
    path(
        f"{agency}registrations/<int:registration_id>/switch-mode/",
        views.RegistrationSwitchMode.as_view(),
        name="registration_switch_mode",
    ),
    path(
        f"{agency}registrations/<int:registration_id>/attendance/",
        views.RegistrationAttendance.as_view(),
        name="registration_attendance",
    ),
    path(f"{agency}clients/", views.ClientList.as_view(), name="clients"),
    path(f"{agency}clients/<int:client_id>/", views.ClientDetail.as_view(), name="client"),
    path(f"{agency}courses/", views.CourseList.as_view(), name="courses"),
    path(f"{agency}courses/<int:course_id>/", views.CourseDetail.as_view(), name="course"),
    path(f"{agency}enrolments/", views.EnrolmentList.as_view(), name="enrolments"),
    path(
        f"{agency}enrolments/<int:enrolment_id>/",
        views.EnrolmentDetail.as_view(),
        name="enrolment",
    ),
    path(f"{agency}outcomes/", views.OutcomeList.as_view(), name="outcomes"),
    path(f"{agency}outcomes/<int:outcome_id>/", views.OutcomeDetail.as_view(), name="outcome"),
    path(
        f"{agency}survey-responses/",
        views.SurveyResponseList.as_view(),
        name="survey_responses",
    ),
    path(
        f"{agency}survey-responses/<uuid:survey_response_id>/",
        views.SurveyResponseDetail.as_view(),
        name="survey_response",
    ),
    path(f"{agency}messages/", views.MessageList.as_view(), name="messages"),
    path(f"{agency}messages/<int:message_id>/", views.MessageDetail.as_view(), name="message"),
    path(f"{agency}employers/", views.EmployerList.as_view(), name="employers"),
    path(f"{agency}employers/<int:employer_id>/", views.EmployerDetail.as_view(), name="employer"),
    path(f"{agency}job-postings/", views.JobPostingList.as_view(), name="job_postings"),
    path(
        f"{agency}job-postings/<int:job_posting_id>/",
        views.JobPostingDetail.as_view(),
        name="job_posting",
    ),
    path("network/agencies/", views.NetworkAgencyList.as_view(), name="network_agencies"),
    path(
        "network/program-templates/",
        views.NetworkTemplateList.as_view(),
        name="network_program_templates",
    ),
    path(
        "network/learning-summary/",
        views.NetworkLearningSummary.as_view(),
        name="network_learning_summary",
    ),
    # Anything else under /api/v1/: a 404 in the API's error shape, not an HTML page.
    re_path(r"^.*$", not_found_view, name="not_found"),
]
