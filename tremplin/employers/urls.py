from django.urls import path

from tremplin.employers import views

app_name = "employers"

# Pages of this capability under /<lang>/a/<agency_slug>/employers/ (see tremplin/config/urls.py).
urlpatterns = [
    # Public: job postings (schema.org JobPosting) and hiring events
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<int:job_posting_id>/", views.job_detail, name="job_detail"),
    path("events/", views.event_list, name="event_list"),
    path("events/<int:hiring_event_id>/", views.event_detail, name="event_detail"),
    # A client's jobs, bookings and mentoring
    path("me/", views.my_jobs, name="my_jobs"),
    path("jobs/<int:job_posting_id>/interest/", views.interest_create, name="interest_create"),
    path(
        "me/interests/<int:job_interest_id>/withdraw/",
        views.interest_withdraw,
        name="interest_withdraw",
    ),
    path("slots/<int:time_slot_id>/book/", views.slot_book, name="slot_book"),
    path("me/bookings/<int:slot_booking_id>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("me/mentoring/", views.my_mentoring, name="my_mentoring"),
    path(
        "me/mentoring/<int:mentoring_match_id>/feedback/",
        views.mentee_feedback,
        name="mentee_feedback",
    ),
    # Employer contacts
    path("employer/", views.employer_home, name="employer_home"),
    path("employer/jobs/new/", views.employer_job_create, name="employer_job_create"),
    path("employer/jobs/<int:job_posting_id>/", views.employer_job, name="employer_job"),
    path(
        "employer/jobs/<int:job_posting_id>/edit/",
        views.employer_job_edit,
        name="employer_job_edit",
    ),
    path(
        "employer/candidates/<int:job_interest_id>/status/",
        views.employer_interest_status,
        name="employer_interest_status",
    ),
    path("employer/events/<int:hiring_event_id>/", views.employer_event, name="employer_event"),
    # A mentor signed in with an employer contact login
    path("employer/mentees/", views.mentor_home, name="mentor_home"),
    path("employer/mentees/<int:mentoring_match_id>/", views.mentor_match, name="mentor_match"),
    # Staff
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/employers/new/", views.staff_employer_create, name="staff_employer_create"),
    path("staff/employers/<int:employer_id>/", views.staff_employer, name="staff_employer"),
    path(
        "staff/employers/<int:employer_id>/edit/",
        views.staff_employer_edit,
        name="staff_employer_edit",
    ),
    path(
        "staff/employers/<int:employer_id>/share/",
        views.staff_employer_share,
        name="staff_employer_share",
    ),
    path("staff/network/", views.staff_network_employers, name="staff_network_employers"),
    path(
        "staff/network/<int:employer_id>/",
        views.staff_network_employer,
        name="staff_network_employer",
    ),
    path("staff/jobs/new/", views.staff_job_create, name="staff_job_create"),
    path("staff/jobs/<int:job_posting_id>/", views.staff_job, name="staff_job"),
    path("staff/jobs/<int:job_posting_id>/edit/", views.staff_job_edit, name="staff_job_edit"),
    path(
        "staff/candidates/<int:job_interest_id>/status/",
        views.staff_interest_status,
        name="staff_interest_status",
    ),
    path("staff/events/new/", views.staff_event_create, name="staff_event_create"),
    path("staff/events/<int:hiring_event_id>/", views.staff_event, name="staff_event"),
    path("staff/mentoring/", views.staff_mentoring, name="staff_mentoring"),
    path("staff/mentors/new/", views.staff_mentor_create, name="staff_mentor_create"),
    path("staff/mentoring/<int:mentoring_match_id>/", views.staff_match, name="staff_match"),
]
