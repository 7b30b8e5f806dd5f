import pytest
from django.http import Http404
from django_scopes import scope
from django_scopes.exceptions import ScopeError

from tremplin.learning import services
from tremplin.learning.models import Certificate, Course, Enrolment, Lesson, Question
from tremplin.learning.selectors import (
    certificate_get_by_code,
    course_counterpart,
    course_get_for_agency,
    course_list_for_agency,
    enrolment_list_for_user,
)
from tremplin.learning.tests.factories import CourseFactory, small_course


def test_course_visibility_owned_shared_with_all_or_chosen(network, agency, other_agency):
    for_all = CourseFactory(network=network)
    chosen = CourseFactory(network=network, shared_with_all=False)
    chosen.shared_with.set([other_agency])
    own = CourseFactory(network=network, agency=agency, shared_with_all=False)
    theirs = CourseFactory(network=network, agency=other_agency, shared_with_all=False)
    draft = CourseFactory(network=network, is_published=False)
    assert set(course_list_for_agency(agency=agency)) == {for_all, own}
    assert set(course_list_for_agency(agency=other_agency)) == {for_all, chosen, theirs}
    assert draft in course_list_for_agency(agency=agency, include_drafts=True)
    with pytest.raises(Http404):
        course_get_for_agency(agency=agency, course_id=theirs.pk)
    with pytest.raises(Http404):
        course_get_for_agency(agency=agency, course_id=chosen.pk)


def test_the_manager_scopes_content_like_every_agency_model(network, agency, other_agency):
    shared = small_course(network=network)
    theirs = small_course(network=network, agency=other_agency, title="Theirs")
    with scope(agency=agency):
        assert set(Course.objects.all()) == {shared.course}
        assert theirs.text.pk not in set(Lesson.objects.values_list("pk", flat=True))
        assert not Question.objects.filter(lesson=theirs.quiz).exists()
        assert shared.quiz.questions.count() == 2  # related managers keep working
    with scope(agency=other_agency):
        assert set(Course.objects.all()) == {shared.course, theirs.course}
    with scope(), pytest.raises(ScopeError):
        list(Course.objects.all())
    with scope(), pytest.raises(ScopeError):
        Course.objects.visible_to(agency)


def test_counterpart_in_the_other_language(network, agency):
    english = CourseFactory(network=network, language="en")
    french = CourseFactory(network=network, language="fr", translation_of=english)
    assert course_counterpart(course=english, agency=agency) == french
    assert course_counterpart(course=french, agency=agency) == english


def test_enrolment_list_for_user_needs_no_query_per_row(
    network, agency, client_user, django_assert_num_queries
):
    for index in range(3):
        course = small_course(network=network, title=f"C{index}").course
        services.enrolment_create(agency=agency, course=course, user=client_user, actor=client_user)
    with django_assert_num_queries(1):
        rows = [
            (e.course.title, e.percent_complete, e.completed_at, e.last_lesson)
            for e in enrolment_list_for_user(agency=agency, user=client_user)
        ]
    assert len(rows) == 3


def test_enrolments_are_scoped_to_their_agency(network, agency, other_agency, client_user):
    course = small_course(network=network).course
    services.enrolment_create(agency=agency, course=course, user=client_user, actor=client_user)
    with scope(agency=other_agency):
        assert not Enrolment.objects.exists()
    assert list(enrolment_list_for_user(agency=other_agency, user=client_user)) == []


def test_certificate_lookup_by_code_ignores_case_and_dashes(agency, network, client_user):
    course = small_course(network=network).course
    enrolment = services.enrolment_create(
        agency=agency, course=course, user=client_user, actor=client_user
    )
    certificate = Certificate.objects.create(
        agency=agency,
        enrolment=enrolment,
        learner_name="Cleo",
        course_title="C",
        issuer_name="N",
        agency_name="A",
        language="en",
        issued_at=enrolment.created_at,
    )
    with scope():  # the public page runs with no agency
        assert (
            certificate_get_by_code(code=certificate.code.lower().replace("-", " ")) == certificate
        )
        with pytest.raises(Http404):
            certificate_get_by_code(code="short")
