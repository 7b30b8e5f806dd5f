"""Course authoring pages, shared by an agency's catalogue managers and the network administrator.

The same pages serve both owners; `Author` says whose courses are edited and builds the URLs
(agency pages under /a/<agency>/learning/staff/author/…, network pages under /network/learning/…).
The views in views.py and network_views.py only declare access and hand over to these functions,
which take a plain HttpRequest: a network page has no `request.agency` (whose courses: `Author`).
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tremplin.agencies.models import Agency, Network
from tremplin.agencies.requests import AgencyRequest
from tremplin.agencies.selectors import network_get_default
from tremplin.learning import exchange, services
from tremplin.learning.forms import (
    CourseForm,
    CourseImportForm,
    LessonForm,
    ModuleForm,
    QuestionForm,
)
from tremplin.learning.models import Course, LessonKind
from tremplin.learning.selectors import (
    course_get_for_agency,
    course_get_for_editing,
    course_lessons,
    course_list_for_agency,
    course_list_for_editing,
    course_modules,
    lesson_get_for_editing,
    module_get_for_editing,
    question_get_for_editing,
    quiz_questions,
)


@dataclass
class Author:
    network: Network
    agency: Agency | None  # None: the network administrator

    @property
    def owner(self) -> Agency | Network:
        return self.agency if self.agency is not None else self.network

    def url(self, name: str, **kwargs: Any) -> str:
        if self.agency is not None:
            return reverse(
                f"learning:author_{name}", kwargs={"agency_slug": self.agency.slug, **kwargs}
            )
        return reverse(f"network_learning:{name}", kwargs=kwargs)

    def counterparts(self) -> QuerySet[Course]:
        """Courses a new one may be linked to as its other-language version."""
        if self.agency is not None:
            return course_list_for_agency(agency=self.agency, include_drafts=True)
        return course_list_for_editing(owner=self.network)

    def member_agencies(self) -> QuerySet[Agency] | None:
        return (
            Agency.objects.filter(network=self.network, is_active=True)
            if self.agency is None
            else None
        )


def author_for_agency(request: AgencyRequest) -> Author:
    agency = request.agency
    return Author(network=agency.network, agency=agency)


def author_for_network() -> Author:
    network = network_get_default()
    if network is None:
        raise Http404
    return Author(network=network, agency=None)


def _render(
    request: HttpRequest, author: Author, template: str, context: dict[str, Any]
) -> HttpResponse:
    return render(request, f"learning/author/{template}", {"author": author, **context})


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def course_list(request: HttpRequest, author: Author) -> HttpResponse:
    shared: list[Course] = []
    if author.agency is not None:
        shared = list(course_list_for_agency(agency=author.agency).filter(agency__isnull=True))
    return _render(
        request,
        author,
        "course_list.html",
        {
            "courses": course_list_for_editing(owner=author.owner),
            "shared": shared,
            "import_form": CourseImportForm(),
        },
    )


def course_new(request: HttpRequest, author: Author) -> HttpResponse:
    form = CourseForm(
        request.POST or None,
        counterparts=author.counterparts(),
        agencies=author.member_agencies(),
        initial={"language": request.LANGUAGE_CODE},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            course = services.course_create(
                actor=request.user,
                network=author.network,
                agency=author.agency,
                shared_with=data.pop("shared_with", ()),
                **data,
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Course created. Now add its modules and lessons."))
            return redirect(author.url("course_edit", course_id=course.pk))
    return _render(request, author, "course_form.html", {"form": form})


def course_edit(request: HttpRequest, author: Author, course_id: int) -> HttpResponse:
    course = course_get_for_editing(owner=author.owner, course_id=course_id)
    form = CourseForm(
        request.POST or None,
        instance=course,
        counterparts=author.counterparts(),
        agencies=author.member_agencies(),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.course_update(
                course=course, actor=request.user, shared_with=data.pop("shared_with", None), **data
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Course saved."))
            return redirect(author.url("course_edit", course_id=course.pk))
    modules = course_modules(course=course)
    lessons = course_lessons(course=course)
    outline = [
        (module, [lesson for lesson in lessons if lesson.module_id == module.pk])
        for module in modules
    ]
    return _render(
        request,
        author,
        "course_form.html",
        {
            "form": form,
            "course": course,
            "outline": outline,
            "module_form": ModuleForm(initial={"position": len(modules) + 1}),
        },
    )


def module_new(request: HttpRequest, author: Author, course_id: int) -> HttpResponse:
    course = course_get_for_editing(owner=author.owner, course_id=course_id)
    form = ModuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.module_create(course=course, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Module added."))
        return redirect(author.url("course_edit", course_id=course.pk))
    return _render(request, author, "module_form.html", {"form": form, "course": course})


def module_edit(request: HttpRequest, author: Author, module_id: int) -> HttpResponse:
    module = module_get_for_editing(owner=author.owner, module_id=module_id)
    form = ModuleForm(request.POST or None, instance=module)
    if request.method == "POST" and form.is_valid():
        services.module_update(module=module, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Module saved."))
        return redirect(author.url("course_edit", course_id=module.course_id))
    return _render(
        request,
        author,
        "module_form.html",
        {"form": form, "course": module.course, "module": module},
    )


def lesson_new(request: HttpRequest, author: Author, module_id: int) -> HttpResponse:
    module = module_get_for_editing(owner=author.owner, module_id=module_id)
    modules = course_modules(course=module.course)
    form = LessonForm(
        request.POST or None, request.FILES or None, modules=modules, initial={"module": module.pk}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        lesson = services.lesson_create(module=data.pop("module"), actor=request.user, **data)
        messages.success(request, _("Lesson added."))
        if lesson.kind == LessonKind.QUIZ:
            return redirect(author.url("lesson_edit", lesson_id=lesson.pk))
        return redirect(author.url("course_edit", course_id=module.course_id))
    return _render(request, author, "lesson_form.html", {"form": form, "course": module.course})


def lesson_edit(request: HttpRequest, author: Author, lesson_id: int) -> HttpResponse:
    lesson = lesson_get_for_editing(owner=author.owner, lesson_id=lesson_id)
    form = LessonForm(
        request.POST or None,
        request.FILES or None,
        instance=lesson,
        modules=course_modules(course=lesson.course),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.lesson_update(lesson=lesson, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Lesson saved."))
            return redirect(author.url("lesson_edit", lesson_id=lesson.pk))
    return _render(
        request,
        author,
        "lesson_form.html",
        {
            "form": form,
            "course": lesson.course,
            "lesson": lesson,
            "questions": quiz_questions(lesson=lesson) if lesson.kind == LessonKind.QUIZ else [],
            "question_form": QuestionForm() if lesson.kind == LessonKind.QUIZ else None,
        },
    )


def lesson_delete(request: HttpRequest, author: Author, lesson_id: int) -> HttpResponse:
    lesson = lesson_get_for_editing(owner=author.owner, lesson_id=lesson_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    course_id = lesson.course_id
    services.lesson_delete(lesson=lesson, actor=request.user)
    messages.success(request, _("Lesson deleted."))
    return redirect(author.url("course_edit", course_id=course_id))


def question_new(request: HttpRequest, author: Author, lesson_id: int) -> HttpResponse:
    lesson = lesson_get_for_editing(owner=author.owner, lesson_id=lesson_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_create(
                lesson=lesson,
                actor=request.user,
                text=form.cleaned_data["text"],
                allows_multiple=form.cleaned_data["allows_multiple"],
                choices=form.choices(),
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Question added."))
            return redirect(author.url("lesson_edit", lesson_id=lesson.pk))
    lesson_form = LessonForm(instance=lesson, modules=course_modules(course=lesson.course))
    return _render(
        request,
        author,
        "lesson_form.html",
        {
            "form": lesson_form,
            "course": lesson.course,
            "lesson": lesson,
            "questions": quiz_questions(lesson=lesson),
            "question_form": form,
        },
    )


def question_delete(request: HttpRequest, author: Author, question_id: int) -> HttpResponse:
    question = question_get_for_editing(owner=author.owner, question_id=question_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    lesson_id = question.lesson_id
    services.question_delete(question=question, actor=request.user)
    messages.success(request, _("Question deleted."))
    return redirect(author.url("lesson_edit", lesson_id=lesson_id))


def course_export(request: HttpRequest, author: Author, course_id: int) -> HttpResponse:
    """Download a course as one JSON file: any course this agency offers, or a network course."""
    if author.agency is not None:
        course = course_get_for_agency(
            agency=author.agency, course_id=course_id, include_drafts=True
        )
    else:
        course = course_get_for_editing(owner=author.network, course_id=course_id)
    response = HttpResponse(
        exchange.course_export_json(course=course), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="course-{course.uuid}.json"'
    return response


@require_POST
def course_import(request: HttpRequest, author: Author) -> HttpResponse:
    form = CourseImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            course = exchange.course_import(
                raw=form.cleaned_data["file"].read(),
                network=author.network,
                agency=author.agency,
                actor=request.user,
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Course imported as a draft. Check it, then publish it."))
            return redirect(author.url("course_edit", course_id=course.pk))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
    return redirect(author.url("course_list"))
