"""Learning test data: factories for rows, and a small realistic course built through the services."""

from dataclasses import dataclass

import factory
from i18nfield.strings import LazyI18nString

from tremplin.agencies.models import Agency, Network
from tremplin.agencies.tests.factories import NetworkFactory
from tremplin.learning import services
from tremplin.learning.models import Audience, Course, Lesson, LessonKind, Module


class CourseFactory(factory.django.DjangoModelFactory):
    """A published network course shared with every member agency."""

    class Meta:
        model = Course

    network = factory.SubFactory(NetworkFactory)
    agency = None
    title = factory.Sequence(lambda n: LazyI18nString({"en": f"Course {n}", "fr": f"Cours {n}"}))
    language = "en"
    audience = Audience.CLIENTS
    is_published = True
    shared_with_all = True


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    agency = factory.SelfAttribute("course.agency")
    title = LazyI18nString({"en": "Module"})
    position = factory.Sequence(lambda n: n + 1)


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    module = factory.SubFactory(ModuleFactory)
    course = factory.SelfAttribute("module.course")
    agency = factory.SelfAttribute("module.agency")
    title = LazyI18nString({"en": "Lesson"})
    kind = LessonKind.TEXT
    body = "Hello"
    body_html = "<p>Hello</p>"


@dataclass
class SmallCourse:
    """Module 1: text, video, optional text; module 2 (needs 1): quiz; module 3 (needs 2): text."""

    course: Course
    text: Lesson
    video: Lesson
    optional: Lesson
    quiz: Lesson
    final: Lesson


def small_course(
    *,
    network: Network,
    agency: Agency | None = None,
    audience: str = Audience.CLIENTS,
    title: str = "Workplace basics",
) -> SmallCourse:
    course = services.course_create(
        actor=None,
        network=network,
        agency=agency,
        title={"en": title, "fr": f"{title} (fr)"},
        language="en",
        audience=audience,
        is_published=True,
    )
    first = services.module_create(course=course, actor=None, title={"en": "Talking"})
    text = services.lesson_create(
        module=first,
        actor=None,
        title={"en": "Small talk"},
        kind=LessonKind.TEXT,
        body="## Hello\n\nSay *hi*.",
    )
    video = services.lesson_create(
        module=first,
        actor=None,
        title={"en": "First day"},
        kind=LessonKind.VIDEO,
        video_url="https://www.youtube.com/watch?v=abc123XYZ_-",
        transcript="Good morning, welcome to the team.",
    )
    optional = services.lesson_create(
        module=first,
        actor=None,
        title={"en": "Going further"},
        kind=LessonKind.TEXT,
        body="Extra reading.",
        is_required=False,
    )
    second = services.module_create(
        course=course, actor=None, title={"en": "Emails"}, requires_previous=True
    )
    quiz = services.lesson_create(
        module=second,
        actor=None,
        title={"en": "Email quiz"},
        kind=LessonKind.QUIZ,
        pass_mark=60,
        max_attempts=3,
    )
    services.question_create(
        lesson=quiz,
        actor=None,
        text="Best subject line?",
        choices=[
            ("Question", False, "Too vague."),
            ("Shift change — Friday", True, "Clear."),
        ],
    )
    services.question_create(
        lesson=quiz,
        actor=None,
        text="Polite closings?",
        allows_multiple=True,
        choices=[
            ("Best regards,", True, "Safe."),
            ("Thank you,", True, "Polite."),
            ("Bye", False, "Too casual."),
        ],
    )
    third = services.module_create(
        course=course, actor=None, title={"en": "Feedback"}, requires_previous=True
    )
    final = services.lesson_create(
        module=third,
        actor=None,
        title={"en": "Asking questions"},
        kind=LessonKind.TEXT,
        body="Ask.",
    )
    return SmallCourse(course, text, video, optional, quiz, final)


def quiz_answers(
    lesson: Lesson, *, right: bool = True, only_first_right: bool = False
) -> dict[int, list[int]]:
    """Answers to every question of a quiz: all right, all wrong, or only the first question right."""
    answers = {}
    for index, question in enumerate(lesson.questions.order_by("position")):
        choices = list(question.choices.order_by("position"))
        correct = right or (only_first_right and index == 0)
        answers[question.pk] = (
            [c.pk for c in choices if c.is_correct]
            if correct
            else [next(c.pk for c in choices if not c.is_correct)]
        )
    return answers
