from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tremplin.agencies.roles import Role
from tremplin.agencies.tests.factories import member
from tremplin.audit.models import AuditEvent
from tremplin.learning import services
from tremplin.learning.models import (
    Audience,
    Certificate,
    Enrolment,
    LessonKind,
    LessonProgress,
    QuizAttempt,
)
from tremplin.learning.services import LearningRefused
from tremplin.learning.tests.factories import quiz_answers, small_course


def _opened_minutes_ago(enrolment, lesson, minutes):
    LessonProgress.objects.filter(enrolment=enrolment, lesson=lesson).update(
        opened_at=timezone.now() - timedelta(minutes=minutes)
    )


@pytest.fixture
def course(network):
    return small_course(network=network)


@pytest.fixture
def enrolment(agency, course, client_user):
    return services.enrolment_create(
        agency=agency, course=course.course, user=client_user, actor=client_user
    )


def test_enrolment_links_the_client_record_and_is_idempotent(
    agency, course, client_user, enrolment
):
    assert enrolment.client is not None and enrolment.client.user == client_user
    again = services.enrolment_create(
        agency=agency, course=course.course, user=client_user, actor=client_user
    )
    assert again.pk == enrolment.pk
    assert (
        AuditEvent.objects.filter(action="enrolment.create", client_id=enrolment.client_id).count()
        == 1
    )


def test_staff_cannot_take_a_client_course_and_clients_cannot_take_staff_training(
    network, agency, counsellor, client_user
):
    client_course = small_course(network=network).course
    staff_course = small_course(network=network, audience=Audience.STAFF, title="Hybrid").course
    with pytest.raises(LearningRefused):
        services.enrolment_create(
            agency=agency, course=client_course, user=counsellor, actor=counsellor
        )
    with pytest.raises(LearningRefused):
        services.enrolment_create(
            agency=agency, course=staff_course, user=client_user, actor=client_user
        )
    staff_enrolment = services.enrolment_create(
        agency=agency, course=staff_course, user=counsellor, actor=counsellor
    )
    assert staff_enrolment.client is None


def test_unpublished_or_unshared_courses_cannot_be_taken(
    network, agency, other_agency, client_user
):
    draft = small_course(network=network).course
    draft.is_published = False
    draft.save()
    others = small_course(network=network, agency=other_agency, title="Other agency's own").course
    for course in (draft, others):
        with pytest.raises(LearningRefused):
            services.enrolment_create(
                agency=agency, course=course, user=client_user, actor=client_user
            )
    assert not Enrolment.objects.exists()


def test_progress_is_exact_through_a_failed_then_passed_quiz(course, enrolment):
    services.lesson_open(enrolment=enrolment, lesson=course.text)
    _opened_minutes_ago(enrolment, course.text, 5)
    services.lesson_complete(enrolment=enrolment, lesson=course.text)
    enrolment.refresh_from_db()
    assert (enrolment.percent_complete, enrolment.time_spent_seconds) == (25, 300)

    services.lesson_open(enrolment=enrolment, lesson=course.video)
    _opened_minutes_ago(enrolment, course.video, 10)
    services.lesson_complete(enrolment=enrolment, lesson=course.video)
    enrolment.refresh_from_db()
    assert (enrolment.percent_complete, enrolment.time_spent_seconds) == (50, 900)
    assert enrolment.last_lesson == course.video

    services.lesson_open(enrolment=enrolment, lesson=course.quiz)
    _opened_minutes_ago(enrolment, course.quiz, 3)
    failed = services.quiz_submit(
        enrolment=enrolment,
        lesson=course.quiz,
        answers=quiz_answers(course.quiz, right=False, only_first_right=True),
    )
    assert (failed.number, failed.score_percent, failed.passed) == (1, 50, False)
    enrolment.refresh_from_db()
    assert (enrolment.percent_complete, enrolment.time_spent_seconds) == (50, 1080)

    _opened_minutes_ago(
        enrolment, course.quiz, 2
    )  # the retry's clock started when the first attempt ended
    passed = services.quiz_submit(
        enrolment=enrolment, lesson=course.quiz, answers=quiz_answers(course.quiz)
    )
    assert (passed.number, passed.score_percent, passed.passed) == (2, 100, True)
    enrolment.refresh_from_db()
    assert (enrolment.percent_complete, enrolment.time_spent_seconds, enrolment.completed_at) == (
        75,
        1200,
        None,
    )

    services.lesson_open(enrolment=enrolment, lesson=course.final)
    _opened_minutes_ago(enrolment, course.final, 45)  # a tab left open: capped at 30 minutes
    services.lesson_complete(enrolment=enrolment, lesson=course.final)
    enrolment.refresh_from_db()
    assert (enrolment.percent_complete, enrolment.time_spent_seconds) == (100, 3000)
    assert enrolment.completed_at is not None  # the optional lesson was never opened
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.learner_name == "Cleo Client"
    assert certificate.course_title == "Workplace basics"
    assert certificate.issuer_name == "Test Network"
    assert len(certificate.code) == 19


def test_certificate_is_in_the_learners_language(network, agency):
    course = small_course(network=network)
    user = member(
        agency=agency, role=Role.CLIENT, first_name="Zoë", last_name="Nguyễn", language="fr"
    )
    enrolment = services.enrolment_create(
        agency=agency, course=course.course, user=user, actor=user
    )
    for lesson in (course.text, course.video):
        services.lesson_complete(enrolment=enrolment, lesson=lesson)
    services.quiz_submit(enrolment=enrolment, lesson=course.quiz, answers=quiz_answers(course.quiz))
    services.lesson_complete(enrolment=enrolment, lesson=course.final)
    certificate = Certificate.objects.get(enrolment__user=user)
    assert (certificate.learner_name, certificate.language) == ("Zoë Nguyễn", "fr")
    assert certificate.course_title == "Workplace basics (fr)"
    assert certificate.issuer_name == "Réseau test"


def _nothing_written(enrolment, before):
    assert QuizAttempt.objects.count() == before["attempts"]
    assert LessonProgress.objects.count() == before["progress"]
    enrolment_now = Enrolment.objects.get(pk=enrolment.pk)
    assert enrolment_now.last_activity_at == before["activity"]


def _snapshot(enrolment):
    return {
        "attempts": QuizAttempt.objects.count(),
        "progress": LessonProgress.objects.count(),
        "activity": Enrolment.objects.get(pk=enrolment.pk).last_activity_at,
    }


def test_quiz_of_a_locked_module_is_refused_without_writing(course, enrolment):
    services.lesson_complete(enrolment=enrolment, lesson=course.text)  # the video is still to do
    before = _snapshot(enrolment)
    with pytest.raises(LearningRefused, match="not open yet"):
        services.quiz_submit(
            enrolment=enrolment, lesson=course.quiz, answers=quiz_answers(course.quiz)
        )
    with pytest.raises(LearningRefused, match="not open yet"):
        services.lesson_open(enrolment=enrolment, lesson=course.final)
    _nothing_written(enrolment, before)


def test_answers_from_another_quiz_are_refused_without_writing(network, course, enrolment):
    other = small_course(network=network, title="Other course")
    for lesson in (course.text, course.video):
        services.lesson_complete(enrolment=enrolment, lesson=lesson)
    before = _snapshot(enrolment)
    with pytest.raises(LearningRefused, match="not for this quiz"):
        services.quiz_submit(
            enrolment=enrolment, lesson=course.quiz, answers=quiz_answers(other.quiz)
        )
    mixed = quiz_answers(course.quiz)
    first_question = next(iter(mixed))
    mixed[first_question] = quiz_answers(other.quiz)[next(iter(quiz_answers(other.quiz)))]
    with pytest.raises(LearningRefused, match="not for this quiz"):
        services.quiz_submit(enrolment=enrolment, lesson=course.quiz, answers=mixed)
    with pytest.raises(LearningRefused, match="not part of this course"):
        services.quiz_submit(
            enrolment=enrolment, lesson=other.quiz, answers=quiz_answers(other.quiz)
        )
    with pytest.raises(LearningRefused, match="not part of this course"):
        services.lesson_complete(enrolment=enrolment, lesson=other.text)
    _nothing_written(enrolment, before)


def test_incomplete_or_malformed_answers_are_refused(course, enrolment):
    for lesson in (course.text, course.video):
        services.lesson_complete(enrolment=enrolment, lesson=lesson)
    answers = quiz_answers(course.quiz)
    single_question = next(iter(answers))
    before = _snapshot(enrolment)
    with pytest.raises(LearningRefused, match="Answer every question"):
        services.quiz_submit(
            enrolment=enrolment,
            lesson=course.quiz,
            answers={single_question: answers[single_question]},
        )
    with pytest.raises(LearningRefused, match="could not be read"):
        services.quiz_submit(enrolment=enrolment, lesson=course.quiz, answers={"x": ["y"]})
    both_choices = [c.pk for c in course.quiz.questions.get(pk=single_question).choices.all()]
    with pytest.raises(LearningRefused, match="only one answer"):
        services.quiz_submit(
            enrolment=enrolment,
            lesson=course.quiz,
            answers={**answers, single_question: both_choices},
        )
    _nothing_written(enrolment, before)


def test_attempts_run_out_and_a_passed_quiz_cannot_be_retaken(course, enrolment):
    for lesson in (course.text, course.video):
        services.lesson_complete(enrolment=enrolment, lesson=lesson)
    for _ in range(3):
        services.quiz_submit(
            enrolment=enrolment, lesson=course.quiz, answers=quiz_answers(course.quiz, right=False)
        )
    with pytest.raises(LearningRefused, match="every attempt"):
        services.quiz_submit(
            enrolment=enrolment, lesson=course.quiz, answers=quiz_answers(course.quiz)
        )
    assert QuizAttempt.objects.count() == 3
    course.quiz.max_attempts = 0  # staff lift the limit
    course.quiz.save()
    services.quiz_submit(enrolment=enrolment, lesson=course.quiz, answers=quiz_answers(course.quiz))
    with pytest.raises(LearningRefused, match="already passed"):
        services.quiz_submit(
            enrolment=enrolment, lesson=course.quiz, answers=quiz_answers(course.quiz)
        )


def test_a_quiz_is_not_completed_by_marking_it_done(course, enrolment):
    for lesson in (course.text, course.video):
        services.lesson_complete(enrolment=enrolment, lesson=lesson)
    with pytest.raises(LearningRefused, match="passing"):
        services.lesson_complete(enrolment=enrolment, lesson=course.quiz)


def test_adding_a_lesson_recomputes_unfinished_learners(course, enrolment):
    services.lesson_complete(enrolment=enrolment, lesson=course.text)
    enrolment.refresh_from_db()
    assert enrolment.percent_complete == 25
    services.lesson_create(
        module=course.text.module, actor=None, title={"en": "New"}, kind=LessonKind.TEXT, body="x"
    )
    enrolment.refresh_from_db()
    assert enrolment.percent_complete == 20


def test_lesson_kinds_are_validated(course):
    module = course.text.module
    with pytest.raises(ValidationError) as error:
        services.lesson_create(
            module=module,
            actor=None,
            title={"en": "Video"},
            kind=LessonKind.VIDEO,
            video_url="https://example.org/v",
        )
    assert "transcript" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.lesson_create(
            module=module, actor=None, title={"en": "File"}, kind=LessonKind.FILE
        )
    with pytest.raises(ValidationError):
        services.question_create(
            lesson=course.quiz,
            actor=None,
            text="No right answer",
            choices=[("a", False, ""), ("b", False, "")],
        )
    with pytest.raises(ValidationError):
        services.question_create(
            lesson=course.quiz,
            actor=None,
            text="Two right, single",
            choices=[("a", True, ""), ("b", True, "")],
        )


def test_lesson_text_is_sanitised_when_saved(course):
    lesson = services.lesson_update(
        lesson=course.text,
        actor=None,
        body='Hi <script>alert(1)</script> [x](javascript:alert(1)) <img src="a.png" onerror="alert(1)">',
    )
    assert (
        "<script" not in lesson.body_html
        and "javascript:" not in lesson.body_html
        and "onerror" not in lesson.body_html
    )
