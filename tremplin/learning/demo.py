"""Demo courses and learners at different stages (finished with a certificate, stuck, inactive).

Courses: two client courses built once by the network in English and French and shared with
every member agency, a staff digital-skills course, and Harbour's own regional course. Learners
go through them with the same services the pages use, then their dates are moved into the past.
"""

import uuid
from datetime import timedelta
from typing import Any

from django.db.models import F
from django.utils import timezone

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency, Membership
from tremplin.core.demodata import DemoNetwork
from tremplin.learning import services
from tremplin.learning.demo_content import HARBOUR_SEASONAL, NETWORK_COURSES
from tremplin.learning.models import (
    Certificate,
    Choice,
    Course,
    Enrolment,
    Lesson,
    LessonKind,
    LessonProgress,
    Question,
    QuizAttempt,
)
from tremplin.learning.selectors import course_outline


def _demo_uuid(key: str, language: str) -> uuid.UUID:
    return uuid.uuid5(
        uuid.NAMESPACE_URL, f"https://tremplin.example.org/demo/courses/{key}/{language}"
    )


def _course(
    demo: DemoNetwork,
    spec: dict[str, Any],
    language: str,
    agency: Agency | None,
    first: Course | None,
) -> Course:
    course_uuid = _demo_uuid(spec["key"], language)
    course = Course.objects.filter(uuid=course_uuid).first()
    if course is not None:
        return course
    course = services.course_create(
        actor=None,
        network=demo.network,
        agency=agency,
        title=spec["title"],
        summary=spec["summary"],
        language=language,
        audience=spec["audience"],
        estimated_minutes=spec["minutes"],
        is_published=True,
        translation_of=first,
    )
    Course.objects.filter(pk=course.pk).update(uuid=course_uuid)
    course.uuid = course_uuid
    for title, requires_previous, lessons in spec[language]:
        module = services.module_create(
            course=course, actor=None, title={language: title}, requires_previous=requires_previous
        )
        for item in lessons:
            lesson = services.lesson_create(
                module=module,
                actor=None,
                title={language: item["title"]},
                kind=item["kind"],
                estimated_minutes=item["minutes"],
                body=item.get("body", ""),
                video_url=item.get("video_url", ""),
                transcript=item.get("transcript", ""),
                pass_mark=item.get("pass_mark", 70),
                max_attempts=item.get("max_attempts", 3),
            )
            for text, multiple, choices in item.get("questions", []):
                services.question_create(
                    lesson=lesson, actor=None, text=text, allows_multiple=multiple, choices=choices
                )
    return course


def _answers(lesson: Lesson, *, right: bool) -> dict[int, list[int]]:
    """Right answers to every question, or the first wrong answer to each."""
    answers = {}
    for question in Question.objects.filter(lesson=lesson):
        choices = list(Choice.objects.filter(question=question))
        if right:
            answers[question.pk] = [c.pk for c in choices if c.is_correct]
        else:
            answers[question.pk] = [next(c.pk for c in choices if not c.is_correct)]
    return answers


def _study(enrolment: Enrolment, *, lessons: int, failed_quizzes: int = 0) -> None:
    """Go through the first `lessons` lessons in order, failing the first `failed_quizzes` quizzes once."""
    for _step in range(lessons):
        outline = course_outline(course=enrolment.course, enrolment=enrolment)
        lesson = outline.next_lesson(None)
        if lesson is None:
            return
        services.lesson_open(enrolment=enrolment, lesson=lesson)
        # Time spent is measured from opening: start the clock the lesson's estimated time ago.
        LessonProgress.objects.filter(enrolment=enrolment, lesson=lesson).update(
            opened_at=timezone.now() - timedelta(minutes=lesson.estimated_minutes + lesson.pk % 4)
        )
        if lesson.kind == LessonKind.QUIZ:
            if failed_quizzes > 0:
                services.quiz_submit(
                    enrolment=enrolment, lesson=lesson, answers=_answers(lesson, right=False)
                )
                failed_quizzes -= 1
            services.quiz_submit(
                enrolment=enrolment, lesson=lesson, answers=_answers(lesson, right=True)
            )
        else:
            services.lesson_complete(enrolment=enrolment, lesson=lesson)
        enrolment.refresh_from_db()


def _move_to_past(enrolment: Enrolment, *, days: int) -> None:
    """Shift the learner's history `days` back, as if they had studied then."""
    delta = timedelta(days=days)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        created_at=F("created_at") - delta - timedelta(days=3),
        last_activity_at=F("last_activity_at") - delta,
        completed_at=F("completed_at") - delta,
    )
    LessonProgress.objects.filter(enrolment=enrolment).update(
        completed_at=F("completed_at") - delta
    )
    QuizAttempt.objects.filter(enrolment=enrolment).update(created_at=F("created_at") - delta)
    Certificate.objects.filter(enrolment=enrolment).update(issued_at=F("issued_at") - delta)


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _learner(
    agency: Agency, course: Course, email: str, *, lessons: int, failed: int = 0, days_ago: int = 0
) -> None:
    user = _user(email)
    if (
        user is None
        or not Membership.objects.filter(agency=agency, user=user, is_active=True).exists()
    ):
        return
    if Enrolment.objects.filter(agency=agency, course=course, user=user).exists():
        return
    enrolment = services.enrolment_create(agency=agency, course=course, user=user, actor=user)
    _study(enrolment, lessons=lessons, failed_quizzes=failed)
    _move_to_past(enrolment, days=days_ago)


def load(demo: DemoNetwork) -> None:
    courses: dict[tuple[str, str], Course] = {}
    for spec in NETWORK_COURSES:
        first = None
        for language in ("en", "fr"):
            if language in spec:
                course = _course(demo, spec, language, None, first)
                courses[spec["key"], language] = course
                first = first or course
    harbour = demo.agencies["harbour"]
    seasonal = _course(demo, HARBOUR_SEASONAL, "en", harbour, None)
    pnec, carrefour = demo.agencies["pnec"], demo.agencies["carrefour"]

    workplace_en, workplace_fr = (
        courses["workplace-communication", "en"],
        courses["workplace-communication", "fr"],
    )
    digital_en, digital_fr = (
        courses["digital-job-search", "en"],
        courses["digital-job-search", "fr"],
    )
    hybrid = courses["hybrid-facilitation", "en"]
    # Clients: finished with a certificate, half-way, stuck and inactive for three weeks.
    _learner(
        pnec, workplace_en, "maria.santos@clients.example.org", lessons=6, failed=1, days_ago=9
    )
    _learner(pnec, digital_en, "maria.santos@clients.example.org", lessons=2, days_ago=2)
    _learner(pnec, digital_en, "ahmad.rahimi@clients.example.org", lessons=3, failed=1, days_ago=21)
    _learner(carrefour, workplace_fr, "aicha.diallo@clients.example.org", lessons=6, days_ago=5)
    _learner(carrefour, digital_fr, "aicha.diallo@clients.example.org", lessons=1, days_ago=1)
    _learner(
        harbour, seasonal, "daniel.okonkwo@clients.example.org", lessons=3, failed=1, days_ago=12
    )
    _learner(
        harbour, digital_en, "daniel.okonkwo@clients.example.org", lessons=4, failed=1, days_ago=3
    )
    # Staff digital-skills training.
    _learner(pnec, hybrid, "tomas.rivera@pnec.example.org", lessons=2, days_ago=30)
    _learner(pnec, hybrid, "grace.okafor@pnec.example.org", lessons=1, days_ago=16)
    _learner(
        harbour, hybrid, "oleksandr.bondar@harbour.example.org", lessons=2, failed=1, days_ago=4
    )
    _learner(carrefour, hybrid, "nadia.benali@carrefour.example.org", lessons=0)
