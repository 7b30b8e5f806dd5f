from django.urls import path

from tremplin.programs import views

app_name = "programs"

# Pages of this capability under /<lang>/a/<agency_slug>/programs/ (see tremplin/config/urls.py).
urlpatterns = [
    # Public catalogue and calendars
    path("", views.catalogue, name="catalogue"),
    path("<int:program_id>/", views.program_detail, name="program_detail"),
    path("sessions/<int:session_id>/", views.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/calendar.ics", views.session_ics, name="session_ics"),
    path("calendar.ics", views.agency_feed, name="agency_feed"),
    path("calendar/<slug:token>.ics", views.client_feed, name="client_feed"),
    # A client's own registrations
    path("sessions/<int:session_id>/register/", views.register, name="register"),
    path("sessions/<int:session_id>/check-in/", views.self_check_in, name="self_check_in"),
    path("my/", views.my_registrations, name="my_registrations"),
    path("my/calendar/reset/", views.feed_reset, name="feed_reset"),
    path("my/<int:registration_id>/cancel/", views.cancel, name="cancel"),
    path("my/<int:registration_id>/switch/", views.switch, name="switch"),
    path("my/<int:registration_id>/join/", views.join, name="join"),
    path("recordings/<int:recording_id>/", views.recording_detail, name="recording_detail"),
    path("recordings/<int:recording_id>/file/", views.recording_file, name="recording_file"),
    # Staff
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/programs/new/", views.program_create, name="program_create"),
    path("staff/programs/<int:program_id>/", views.staff_program, name="staff_program"),
    path("staff/programs/<int:program_id>/edit/", views.program_edit, name="program_edit"),
    path(
        "staff/programs/<int:program_id>/elements/new/", views.element_create, name="element_create"
    ),
    path("staff/elements/<int:service_element_id>/edit/", views.element_edit, name="element_edit"),
    path("staff/templates/", views.templates, name="templates"),
    path("staff/templates/<int:program_id>/adopt/", views.adopt, name="adopt"),
    path("staff/sessions/new/", views.session_create, name="session_create"),
    path("staff/sessions/<int:session_id>/", views.staff_session, name="staff_session"),
    path("staff/sessions/<int:session_id>/edit/", views.session_edit, name="session_edit"),
    path("staff/sessions/<int:session_id>/cancel/", views.session_cancel, name="session_cancel"),
    path(
        "staff/sessions/<int:session_id>/complete/", views.session_complete, name="session_complete"
    ),
    path("staff/sessions/<int:session_id>/register/", views.staff_register, name="staff_register"),
    path("staff/sessions/<int:session_id>/door/", views.door, name="door"),
    path("staff/sessions/<int:session_id>/attendance/", views.attendance, name="attendance"),
    path(
        "staff/sessions/<int:session_id>/attendance.csv",
        views.attendance_csv,
        name="attendance_csv",
    ),
    path(
        "staff/sessions/<int:session_id>/recordings/new/",
        views.recording_create,
        name="recording_create",
    ),
    path(
        "staff/registrations/<int:registration_id>/cancel/", views.staff_cancel, name="staff_cancel"
    ),
    path("staff/registrations/<int:registration_id>/attendance/", views.check_in, name="check_in"),
    path(
        "staff/recordings/<int:recording_id>/delete/",
        views.recording_delete,
        name="recording_delete",
    ),
]
