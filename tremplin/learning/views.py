"""Agency pages of the learning app.

Learner pages are mounted twice (see urls.py): under courses/ for clients (CLIENT_AREA) and under
training/ for staff digital-skills courses (STAFF_AREA); the URL passes `audience`. Staff pages
follow learners (LEARNING_FOLLOW) and author courses (CATALOGUE_MANAGE, see authoring.py).
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from tremplin.agencies.models import Agency
from tremplin.agencies.policy import Perm, agency_view
from tremplin.agencies.requests import AgencyRequest
from tremplin.audit.reads import audited_read
from tremplin.learning import authoring, services
from tremplin.learning.certificates import certificate_pdf
from tremplin.learning.content import video_embed_url
from tremplin.learning.forms import StaffEnrolForm
from tremplin.learning.models import Audience, Certificate, Enrolment, LessonKind
from tremplin.learning.selectors import (
    certificate_get_for_agency,
    course_counterpart,
    course_get_for_agency,
    course_list_for_agency,
    course_outline,
    course_stats_for_agency,
    enrolment_attempts,
    enrolment_get_for_agency,
    enrolment_get_for_learner,
    enrolment_list_for_course,
    enrolment_list_for_user,
    learner_candidates,
    learner_name,
    learner_rows_for_course,
    lesson_get_for_learner,
    quiz_attempt_get_for_learner,
    quiz_questions,
)
from tremplin.learning.xapi import XAPI_VERSION, statements_for_agency

LEARNERS_PER_PAGE = 50
LEARNER_MATCHES = 20

# ---------------------------------------------------------------- learners


def learner_url(request: AgencyRequest, name: str, **kwargs: Any) -> str:
    """A learner page in the same mount (courses/ or training/) as the current one."""
    return reverse(
        f"learning:learner:{name}",
        kwargs={"agency_slug": request.agency.slug, **kwargs},  # type: ignore[attr-defined]
        current_app=request.resolver_match.namespace,  # type: ignore[union-attr]
    )


def _refused(request: AgencyRequest, error: services.LearningRefused) -> None:
    for message in error.messages:
        messages.error(request, message)


def catalogue(request: AgencyRequest, audience: str) -> HttpResponse:
    agency = request.agency  # type: ignore[attr-defined]
    enrolments = {e.course_id: e for e in enrolment_list_for_user(agency=agency, user=request.user)}
    courses = [
        (course, enrolments.get(course.pk))
        for course in course_list_for_agency(agency=agency, audience=audience)
    ]
    return render(
        request,
        "learning/catalogue.html",
        {
            "courses": courses,
            "audience": audience,
            "mine": [e for e in enrolments.values() if e.course.audience == audience],
        },
    )


def course_detail(request: AgencyRequest, course_id: int, audience: str) -> HttpResponse:
    agency = request.agency  # type: ignore[attr-defined]
    course = course_get_for_agency(agency=agency, course_id=course_id)
    if course.audience != audience:
        raise Http404
    enrolment = enrolment_get_for_learner(agency=agency, user=request.user, course=course)
    outline = course_outline(course=course, enrolment=enrolment)
    return render(
        request,
        "learning/course_detail.html",
        {
            "course": course,
            "enrolment": enrolment,
            "outline": outline,
            "next_lesson": outline.next_lesson(enrolment.last_lesson_id) if enrolment else None,
            "counterpart": course_counterpart(course=course, agency=agency),
        },
    )


def course_enrol(request: AgencyRequest, course_id: int, audience: str) -> HttpResponse:
    agency = request.agency  # type: ignore[attr-defined]
    course = course_get_for_agency(agency=agency, course_id=course_id)
    if course.audience != audience:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.enrolment_create(
            agency=agency, course=course, user=request.user, actor=request.user
        )
    except services.LearningRefused as error:
        _refused(request, error)
    else:
        messages.success(request, _("You are enrolled. Start whenever you like."))
    return redirect(learner_url(request, "course", course_id=course.pk))


def _learner_lesson(
    request: AgencyRequest, lesson_id: int, audience: str
) -> tuple[Any, Enrolment | None]:
    agency = request.agency  # type: ignore[attr-defined]
    lesson = lesson_get_for_learner(agency=agency, audience=audience, lesson_id=lesson_id)
    return lesson, enrolment_get_for_learner(agency=agency, user=request.user, course=lesson.course)


def lesson_detail(request: AgencyRequest, lesson_id: int, audience: str) -> HttpResponse:
    lesson, enrolment = _learner_lesson(request, lesson_id, audience)
    if enrolment is None:
        messages.info(request, _("Enrol in the course to open its lessons."))
        return redirect(learner_url(request, "course", course_id=lesson.course_id))
    try:
        services.lesson_open(enrolment=enrolment, lesson=lesson)
    except services.LearningRefused as error:
        _refused(request, error)
        return redirect(learner_url(request, "course", course_id=lesson.course_id))
    outline = course_outline(course=lesson.course, enrolment=enrolment)
    ordered = [state for module in outline.modules for state in module.lessons]
    index = next(i for i, state in enumerate(ordered) if state.lesson.pk == lesson.pk)
    return render(
        request,
        "learning/lesson_detail.html",
        {
            "lesson": lesson,
            "course": lesson.course,
            "enrolment": enrolment,
            "state": ordered[index],
            "previous": ordered[index - 1].lesson if index > 0 else None,
            "next": ordered[index + 1] if index + 1 < len(ordered) else None,
            "embed_url": video_embed_url(lesson.video_url)
            if lesson.kind == LessonKind.VIDEO
            else "",
            "questions": quiz_questions(lesson=lesson) if lesson.kind == LessonKind.QUIZ else [],
            "attempts_left": _attempts_left(lesson, ordered[index].attempts),
        },
    )


def _attempts_left(lesson: Any, used: int) -> int | None:
    return max(lesson.max_attempts - used, 0) if lesson.max_attempts else None


def _after_progress(request: AgencyRequest, enrolment: Enrolment) -> HttpResponse:
    enrolment.refresh_from_db()
    if enrolment.completed_at:
        messages.success(
            request, _("Well done: you have completed the course. Your certificate is ready.")
        )
        return redirect(learner_url(request, "course", course_id=enrolment.course_id))
    following = course_outline(course=enrolment.course, enrolment=enrolment).next_lesson(None)
    if following is None:
        return redirect(learner_url(request, "course", course_id=enrolment.course_id))
    return redirect(learner_url(request, "lesson", lesson_id=following.pk))


def lesson_complete(request: AgencyRequest, lesson_id: int, audience: str) -> HttpResponse:
    lesson, enrolment = _learner_lesson(request, lesson_id, audience)
    if enrolment is None:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.lesson_complete(enrolment=enrolment, lesson=lesson)
    except services.LearningRefused as error:
        _refused(request, error)
        return redirect(learner_url(request, "course", course_id=lesson.course_id))
    return _after_progress(request, enrolment)


def quiz_submit(request: AgencyRequest, lesson_id: int, audience: str) -> HttpResponse:
    lesson, enrolment = _learner_lesson(request, lesson_id, audience)
    if enrolment is None:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    answers = {
        key.removeprefix("question_"): request.POST.getlist(key)[:20]
        for key in list(request.POST.keys())[:200]
        if key.startswith("question_")
    }
    try:
        attempt = services.quiz_submit(enrolment=enrolment, lesson=lesson, answers=answers)
    except services.LearningRefused as error:
        _refused(request, error)
        return redirect(learner_url(request, "lesson", lesson_id=lesson.pk))
    return redirect(learner_url(request, "attempt", quiz_attempt_id=attempt.pk))


def quiz_attempt_detail(
    request: AgencyRequest, quiz_attempt_id: int, audience: str
) -> HttpResponse:
    agency = request.agency  # type: ignore[attr-defined]
    attempt = quiz_attempt_get_for_learner(
        agency=agency, user=request.user, quiz_attempt_id=quiz_attempt_id
    )
    lesson = attempt.lesson
    if lesson.course.audience != audience:
        raise Http404
    chosen = {int(q): set(ids) for q, ids in attempt.answers.items()}
    review = [
        (
            question,
            [
                (choice, choice.pk in chosen.get(question.pk, set()))
                for choice in question.choices.all()
            ],
        )
        for question in quiz_questions(lesson=lesson)
    ]
    used = len(
        [a for a in enrolment_attempts(enrolment=attempt.enrolment) if a.lesson_id == lesson.pk]
    )
    return render(
        request,
        "learning/attempt_detail.html",
        {
            "attempt": attempt,
            "lesson": lesson,
            "course": lesson.course,
            "review": review,
            "attempts_left": _attempts_left(lesson, used),
            "completed": attempt.enrolment.completed_at is not None,
        },
    )


def lesson_file(request: AgencyRequest, lesson_id: int, audience: str) -> HttpResponseBase:
    lesson, enrolment = _learner_lesson(request, lesson_id, audience)
    if enrolment is None or lesson.kind != LessonKind.FILE or not lesson.file:
        raise Http404
    return FileResponse(
        lesson.file.open("rb"), as_attachment=True, filename=lesson.file.name.rsplit("/", 1)[-1]
    )


def _certificate_response(request: AgencyRequest, certificate: Certificate) -> HttpResponse:
    with translation.override(certificate.language):
        verify_url = request.build_absolute_uri(
            reverse("certificates:verify", kwargs={"code": certificate.code})
        )
    pdf = certificate_pdf(
        certificate=certificate,
        verify_url=verify_url,
        time_zone=request.agency.time_zone,  # type: ignore[attr-defined]
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


def certificate_download(
    request: AgencyRequest, certificate_id: int, audience: str
) -> HttpResponse:
    agency: Agency = request.agency  # type: ignore[attr-defined]
    certificate = certificate_get_for_agency(
        agency=agency, certificate_id=certificate_id, user=request.user
    )
    return _certificate_response(request, certificate)


# The two mounts of every learner page: clients' courses and staff training.
_LEARNER_PAGES: dict[str, Callable[..., HttpResponseBase]] = {
    "catalogue": catalogue,
    "course": course_detail,
    "enrol": course_enrol,
    "lesson": lesson_detail,
    "complete": lesson_complete,
    "quiz": quiz_submit,
    "attempt": quiz_attempt_detail,
    "file": lesson_file,
    "certificate": certificate_download,
}
LEARNER_PAGES: dict[str, dict[str, Callable[..., HttpResponseBase]]] = {
    name: {
        Audience.CLIENTS: agency_view(perm=Perm.CLIENT_AREA)(page),
        Audience.STAFF: agency_view(perm=Perm.STAFF_AREA)(page),
    }
    for name, page in _LEARNER_PAGES.items()
}


# ---------------------------------------------------------------- staff: following learners


@agency_view(perm=Perm.LEARNING_FOLLOW)
def staff_courses(request: AgencyRequest) -> HttpResponse:
    agency: Agency = request.agency  # type: ignore[attr-defined]
    return render(
        request, "learning/staff/courses.html", {"stats": course_stats_for_agency(agency=agency)}
    )


@agency_view(perm=Perm.LEARNING_FOLLOW)
@audited_read("learning.learners_list")
def staff_course_learners(request: AgencyRequest, course_id: int) -> HttpResponse:
    agency = request.agency  # type: ignore[attr-defined]
    course = course_get_for_agency(agency=agency, course_id=course_id, include_drafts=True)
    form = StaffEnrolForm(
        request.POST or None, candidates=learner_candidates(agency=agency, course=course)
    )
    # Thousands of people may be enrolled or enrollable: a page of learners at a time, and the
    # people to enrol found by a search rather than listed.
    query = request.GET.get("learner_q", "").strip()[:100]
    matches = (
        list(learner_candidates(agency=agency, course=course, query=query)[:LEARNER_MATCHES])
        if query
        else []
    )
    page = Paginator(
        enrolment_list_for_course(agency=agency, course=course), LEARNERS_PER_PAGE
    ).get_page(request.GET.get("page"))
    if request.method == "POST":
        if form.is_valid():
            try:
                services.enrolment_create(
                    agency=agency,
                    course=course,
                    user=form.cleaned_data["learner"].user,
                    actor=request.user,
                )
            except services.LearningRefused as error:
                _refused(request, error)
            else:
                messages.success(request, _("Learner enrolled."))
                return redirect(
                    "learning:staff_course", agency_slug=agency.slug, course_id=course.pk
                )
    return render(
        request,
        "learning/staff/course_learners.html",
        {
            "course": course,
            "rows": learner_rows_for_course(agency=agency, course=course, enrolments=page),
            "page": page,
            "form": form,
            "query": query,
            "matches": matches,
        },
    )


@agency_view(perm=Perm.LEARNING_FOLLOW)
@audited_read("learning.learner_view")
def staff_enrolment_detail(request: AgencyRequest, enrolment_id: int) -> HttpResponse:
    enrolment = enrolment_get_for_agency(agency=request.agency, enrolment_id=enrolment_id)  # type: ignore[attr-defined]
    return render(
        request,
        "learning/staff/enrolment_detail.html",
        {
            "enrolment": enrolment,
            "name": learner_name(enrolment),
            "outline": course_outline(course=enrolment.course, enrolment=enrolment),
            "attempts": enrolment_attempts(enrolment=enrolment),
        },
    )


@agency_view(perm=Perm.LEARNING_FOLLOW)
def staff_certificate_download(request: AgencyRequest, certificate_id: int) -> HttpResponse:
    certificate = certificate_get_for_agency(agency=request.agency, certificate_id=certificate_id)  # type: ignore[attr-defined]
    return _certificate_response(request, certificate)


@agency_view(perm=Perm.LEARNING_FOLLOW)
@audited_read("learning.xapi_export")
def staff_xapi(request: AgencyRequest) -> HttpResponse:
    """This agency's learning events as xAPI statements (JSON), optionally for one course."""
    course_id = request.GET.get("course", "")
    statements = statements_for_agency(
        agency=request.agency,  # type: ignore[attr-defined]
        base_url=request.build_absolute_uri("/").rstrip("/"),
        course_id=int(course_id) if course_id.isdigit() and len(course_id) < 12 else None,
    )
    response = JsonResponse(
        {"statements": statements, "more": ""}, json_dumps_params={"ensure_ascii": False}
    )
    response["X-Experience-API-Version"] = XAPI_VERSION
    if request.GET.get("download"):
        response["Content-Disposition"] = 'attachment; filename="xapi-statements.json"'
    return response


# ---------------------------------------------------------------- staff: authoring (see authoring.py)


def _author(request: AgencyRequest) -> authoring.Author:
    return authoring.author_for_agency(request)


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def author_course_list(request: AgencyRequest) -> HttpResponse:
    return authoring.course_list(request, _author(request))


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def author_course_new(request: AgencyRequest) -> HttpResponse:
    return authoring.course_new(request, _author(request))


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def author_course_edit(request: AgencyRequest, course_id: int) -> HttpResponse:
    return authoring.course_edit(request, _author(request), course_id)


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def author_course_export(request: AgencyRequest, course_id: int) -> HttpResponse:
    return authoring.course_export(request, _author(request), course_id)


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def author_course_import(request: AgencyRequest) -> HttpResponse:
    return authoring.course_import(request, _author(request))


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def author_module_new(request: AgencyRequest, course_id: int) -> HttpResponse:
    return authoring.module_new(request, _author(request), course_id)


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def author_module_edit(request: AgencyRequest, module_id: int) -> HttpResponse:
    return authoring.module_edit(request, _author(request), module_id)


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def author_lesson_new(request: AgencyRequest, module_id: int) -> HttpResponse:
    return authoring.lesson_new(request, _author(request), module_id)


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def author_lesson_edit(request: AgencyRequest, lesson_id: int) -> HttpResponse:
    return authoring.lesson_edit(request, _author(request), lesson_id)


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def author_lesson_delete(request: AgencyRequest, lesson_id: int) -> HttpResponse:
    return authoring.lesson_delete(request, _author(request), lesson_id)


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def author_question_new(request: AgencyRequest, lesson_id: int) -> HttpResponse:
    return authoring.question_new(request, _author(request), lesson_id)


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def author_question_delete(request: AgencyRequest, question_id: int) -> HttpResponse:
    return authoring.question_delete(request, _author(request), question_id)
