"""Network pages of the learning app: the shared catalogue and aggregates per member agency.

The network administrator authors network courses (the same pages as an agency's authors, see
authoring.py) and sees counts per agency, never individual learners.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tremplin.agencies.policy import network_view
from tremplin.learning import authoring
from tremplin.learning.forms import CourseImportForm
from tremplin.learning.selectors import course_list_for_editing, network_aggregates


@network_view
def network_learning_home(request: HttpRequest) -> HttpResponse:
    author = authoring.author_for_network()
    return render(
        request,
        "learning/network/home.html",
        {
            "author": author,
            "network": author.network,
            "aggregates": network_aggregates(network=author.network),
            "courses": course_list_for_editing(owner=author.network),
            "import_form": CourseImportForm(),
        },
    )


@network_view
def course_new(request: HttpRequest) -> HttpResponse:
    return authoring.course_new(request, authoring.author_for_network())


@network_view
def course_edit(request: HttpRequest, course_id: int) -> HttpResponse:
    return authoring.course_edit(request, authoring.author_for_network(), course_id)


@network_view
def course_export(request: HttpRequest, course_id: int) -> HttpResponse:
    return authoring.course_export(request, authoring.author_for_network(), course_id)


@network_view
def course_import(request: HttpRequest) -> HttpResponse:
    return authoring.course_import(request, authoring.author_for_network())


@network_view
def module_new(request: HttpRequest, course_id: int) -> HttpResponse:
    return authoring.module_new(request, authoring.author_for_network(), course_id)


@network_view
def module_edit(request: HttpRequest, module_id: int) -> HttpResponse:
    return authoring.module_edit(request, authoring.author_for_network(), module_id)


@network_view
def lesson_new(request: HttpRequest, module_id: int) -> HttpResponse:
    return authoring.lesson_new(request, authoring.author_for_network(), module_id)


@network_view
def lesson_edit(request: HttpRequest, lesson_id: int) -> HttpResponse:
    return authoring.lesson_edit(request, authoring.author_for_network(), lesson_id)


@network_view
def lesson_delete(request: HttpRequest, lesson_id: int) -> HttpResponse:
    return authoring.lesson_delete(request, authoring.author_for_network(), lesson_id)


@network_view
def question_new(request: HttpRequest, lesson_id: int) -> HttpResponse:
    return authoring.question_new(request, authoring.author_for_network(), lesson_id)


@network_view
def question_delete(request: HttpRequest, question_id: int) -> HttpResponse:
    return authoring.question_delete(request, authoring.author_for_network(), question_id)
