"""Courses shared across the network, and each learner's progress through them.

Content (Course → Module → Lesson → Question → Choice) belongs to one agency or to the network;
which agencies see it is decided by CourseContentManager (see scoping.py). What learners do
(Enrolment, LessonProgress, QuizAttempt, Certificate) belongs to the agency under which they
enrolled and is agency-scoped like every other personal record: a client of agency A in a
network course is invisible to agency B.
"""

import secrets
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from i18nfield.fields import I18nCharField, I18nTextField

from tremplin.core.files import random_file_name
from tremplin.learning.scoping import CourseContentManager


class Audience(models.TextChoices):
    CLIENTS = "clients", _("Clients")
    STAFF = "staff", _("Staff (digital skills training)")


class LessonKind(models.TextChoices):
    TEXT = "text", _("Text")
    VIDEO = "video", _("Video")
    FILE = "file", _("Downloadable file")
    QUIZ = "quiz", _("Quiz")


class Course(models.Model):
    """A self-paced course, owned by an agency (`agency`) or by the network (`agency` empty).

    A network course is offered by every member agency (`shared_with_all`) or by the agencies
    chosen in `shared_with`. Its lessons are written in `language`; the version in the other
    language is a separate course linked by `translation_of`.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    network = models.ForeignKey(
        "agencies.Network", on_delete=models.PROTECT, related_name="courses"
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="owned_courses",
        help_text=_("Empty for a course of the whole network."),
    )
    shared_with_all = models.BooleanField(_("offered by every member agency"), default=True)
    shared_with = models.ManyToManyField(
        "agencies.Agency",
        blank=True,
        related_name="shared_courses",
        verbose_name=_("offered by these agencies"),
    )
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.CLIENTS
    )
    language = models.CharField(
        _("language of the lessons"), max_length=8, choices=settings.LANGUAGES
    )
    translation_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translations",
        verbose_name=_("same course in another language"),
    )
    title = I18nCharField(_("title"), max_length=200)
    summary = I18nTextField(_("summary"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated time (minutes)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(6000)],
    )
    is_published = models.BooleanField(_("published"), default=False)
    imported_from = models.CharField(_("imported from"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CourseContentManager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def is_network_course(self) -> bool:
        return self.agency_id is None


class Module(models.Model):
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The course's owner, copied for simple queries."),
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = I18nCharField(_("title"), max_length=200)
    requires_previous = models.BooleanField(
        _("requires the previous module"),
        default=False,
        help_text=_("Learners must finish the previous module before they can open this one."),
    )

    objects = CourseContentManager("course")

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["course", "position", "id"]

    def __str__(self) -> str:
        return str(self.title)


def lesson_upload_to(lesson: "Lesson", filename: str) -> str:
    return random_file_name("learning/files", filename)


class Lesson(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The course's owner, copied for simple queries."),
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = I18nCharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=10, choices=LessonKind.choices, default=LessonKind.TEXT
    )
    is_required = models.BooleanField(_("required to complete the course"), default=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated time (minutes)"), default=10)
    body = models.TextField(_("text (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)  # rendered and sanitised on save
    video_url = models.URLField(_("video link"), blank=True)
    transcript = models.TextField(_("transcript"), blank=True)
    file = models.FileField(_("file"), upload_to=lesson_upload_to, blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"),
        default=3,
        validators=[MaxValueValidator(100)],
        help_text=_("0 means no limit."),
    )

    objects = CourseContentManager("course")

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["course", "module__position", "module_id", "position", "id"]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def counts_for_completion(self) -> bool:
        return self.is_required or self.kind == LessonKind.QUIZ

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.kind == LessonKind.TEXT and not self.body.strip():
            errors["body"] = _("Write the text of the lesson.")
        if self.kind == LessonKind.VIDEO:
            if not self.video_url.startswith("https://"):
                errors["video_url"] = _("Give the video's address, starting with https://.")
            if not self.transcript.strip():
                errors["transcript"] = _(
                    "A video lesson needs its transcript, for learners on a slow line or who cannot hear it."
                )
        if self.kind == LessonKind.FILE and not self.file:
            errors["file"] = _("Choose the file learners will download.")
        if errors:
            raise ValidationError(errors)


class Question(models.Model):
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The course's owner, copied for simple queries."),
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    text = models.TextField(_("question"))
    allows_multiple = models.BooleanField(_("several answers may be right"), default=False)

    objects = CourseContentManager("lesson__course")

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["lesson", "position", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    text = models.CharField(_("answer"), max_length=500)
    is_correct = models.BooleanField(_("right answer"), default=False)
    feedback = models.TextField(_("feedback shown when chosen"), blank=True)

    objects = CourseContentManager("question__lesson__course")

    class Meta:
        verbose_name = _("answer choice")
        verbose_name_plural = _("answer choices")
        ordering = ["question", "position", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class Enrolment(models.Model):
    """One learner in one course, under the agency through which they take it."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enrolments",
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("enrolled on"), auto_now_add=True)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    last_lesson = models.ForeignKey(
        Lesson, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    percent_complete = models.PositiveSmallIntegerField(_("percent complete"), default=0)
    time_spent_seconds = models.PositiveIntegerField(_("time spent (seconds)"), default=0)
    completed_at = models.DateTimeField(_("completed on"), null=True, blank=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "course", "user"], name="enrolment_one_per_learner"
            )
        ]
        indexes = [
            models.Index(fields=["agency", "course"]),
            models.Index(fields=["agency", "last_activity_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.course}"


class LessonProgress(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    opened_at = models.DateTimeField(
        null=True, blank=True
    )  # last opening not yet counted in time spent
    completed_at = models.DateTimeField(null=True, blank=True)
    time_spent_seconds = models.PositiveIntegerField(default=0)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="lesson_progress_once")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} · {self.lesson_id}"


class QuizAttempt(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attempts")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField(_("attempt"))
    score_percent = models.PositiveSmallIntegerField(_("score (%)"))
    passed = models.BooleanField(_("passed"))
    answers = models.JSONField(default=dict)  # {question id: [chosen choice ids]}
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "lesson", "number"], name="quiz_attempt_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} · {self.lesson_id} · {self.number}"


def new_verification_code() -> str:
    """16 characters (80 bits) without look-alikes, grouped by four: XXXX-XXXX-XXXX-XXXX."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


class Certificate(models.Model):
    """Issued once when an enrolment is complete; its texts are frozen in the learner's language."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, related_name="certificate"
    )
    code = models.CharField(
        _("verification code"), max_length=19, unique=True, default=new_verification_code
    )
    learner_name = models.CharField(_("learner"), max_length=300)
    course_title = models.CharField(_("course"), max_length=200)
    issuer_name = models.CharField(_("issued by"), max_length=200)
    agency_name = models.CharField(_("agency"), max_length=200)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    issued_at = models.DateTimeField(_("issued on"))

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.code
