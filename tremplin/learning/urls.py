from django.urls import include, path

from tremplin.learning import views
from tremplin.learning.models import Audience

app_name = "learning"


def learner_patterns(audience: Audience) -> list:
    """The learner pages, once per audience: same views, each mount with its own permission."""
    page = {name: mounts[audience] for name, mounts in views.LEARNER_PAGES.items()}
    extra = {"audience": audience}
    return [
        path("", page["catalogue"], extra, name="catalogue"),
        path("<int:course_id>/", page["course"], extra, name="course"),
        path("<int:course_id>/enrol/", page["enrol"], extra, name="enrol"),
        path("lessons/<int:lesson_id>/", page["lesson"], extra, name="lesson"),
        path("lessons/<int:lesson_id>/done/", page["complete"], extra, name="complete"),
        path("lessons/<int:lesson_id>/quiz/", page["quiz"], extra, name="quiz"),
        path("lessons/<int:lesson_id>/file/", page["file"], extra, name="file"),
        path("attempts/<int:quiz_attempt_id>/", page["attempt"], extra, name="attempt"),
        path("certificates/<int:certificate_id>/", page["certificate"], extra, name="certificate"),
    ]


# Pages under /<lang>/a/<agency_slug>/learning/ (see tremplin/config/urls.py).
urlpatterns = [
    # Clients' courses and staff training share the learner pages; {% url 'learning:learner:…' %}
    # resolves to the mount of the current page, and "learning:courses:…"/"learning:training:…"
    # name one explicitly.
    path("courses/", include((learner_patterns(Audience.CLIENTS), "learner"), namespace="courses")),
    path("training/", include((learner_patterns(Audience.STAFF), "learner"), namespace="training")),
    path("staff/", views.staff_courses, name="staff_courses"),
    path("staff/courses/<int:course_id>/", views.staff_course_learners, name="staff_course"),
    path(
        "staff/learners/<int:enrolment_id>/", views.staff_enrolment_detail, name="staff_enrolment"
    ),
    path(
        "staff/certificates/<int:certificate_id>/",
        views.staff_certificate_download,
        name="staff_certificate",
    ),
    path("staff/xapi/", views.staff_xapi, name="staff_xapi"),
    path("staff/author/", views.author_course_list, name="author_course_list"),
    path("staff/author/new/", views.author_course_new, name="author_course_new"),
    path("staff/author/import/", views.author_course_import, name="author_course_import"),
    path("staff/author/<int:course_id>/", views.author_course_edit, name="author_course_edit"),
    path(
        "staff/author/<int:course_id>/export/",
        views.author_course_export,
        name="author_course_export",
    ),
    path(
        "staff/author/<int:course_id>/modules/new/",
        views.author_module_new,
        name="author_module_new",
    ),
    path(
        "staff/author/modules/<int:module_id>/", views.author_module_edit, name="author_module_edit"
    ),
    path(
        "staff/author/modules/<int:module_id>/lessons/new/",
        views.author_lesson_new,
        name="author_lesson_new",
    ),
    path(
        "staff/author/lessons/<int:lesson_id>/", views.author_lesson_edit, name="author_lesson_edit"
    ),
    path(
        "staff/author/lessons/<int:lesson_id>/delete/",
        views.author_lesson_delete,
        name="author_lesson_delete",
    ),
    path(
        "staff/author/lessons/<int:lesson_id>/questions/",
        views.author_question_new,
        name="author_question_new",
    ),
    path(
        "staff/author/questions/<int:question_id>/delete/",
        views.author_question_delete,
        name="author_question_delete",
    ),
]
