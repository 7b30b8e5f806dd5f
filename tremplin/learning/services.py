"""Writes of the learning app: authoring courses, enrolling, progress, quizzes, certificates."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled
from i18nfield.strings import LazyI18nString

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency, Network
from tremplin.agencies.roles import STAFF_ROLES, Role
from tremplin.agencies.selectors import roles_in_agency
from tremplin.api.webhooks import webhook_emit
from tremplin.audit.services import audit_log
from tremplin.clients.selectors import client_of_user
from tremplin.core.services import Actor
from tremplin.learning.content import render_markdown
from tremplin.learning.models import (
    Audience,
    Certificate,
    Choice,
    Course,
    Enrolment,
    Lesson,
    LessonKind,
    LessonProgress,
    Module,
    Question,
    QuizAttempt,
)
from tremplin.learning.progress import TIME_CAP_PER_OPENING, Outline

COURSE_FIELDS = {
    "title",
    "summary",
    "audience",
    "language",
    "translation_of",
    "estimated_minutes",
    "is_published",
    "shared_with_all",
}
MODULE_FIELDS = {"title", "position", "requires_previous"}
LESSON_FIELDS = {
    "title",
    "position",
    "kind",
    "is_required",
    "estimated_minutes",
    "body",
    "video_url",
    "transcript",
    "file",
    "pass_mark",
    "max_attempts",
    "module",
}


class LearningRefused(ValidationError):
    """A learner's request that the rules do not allow; nothing has been written."""


def _audit_content(*, course: Course, actor: Actor, action: str, obj: Any) -> None:
    # Network courses have no agency; the audit log is per agency, so only agency courses are logged.
    if course.agency is not None:
        audit_log(agency=course.agency, actor=actor, action=action, obj=obj)


# full_clean(validate_unique=False): the only unique field of content is a random UUID (the
# database enforces it), and uniqueness checks would query through the scoped manager.


def _set_fields(instance: Any, changes: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(instance, name, value)


def _i18n(value: Any) -> LazyI18nString:
    return value if isinstance(value, LazyI18nString) else LazyI18nString(value)


# ---------------------------------------------------------------- authoring


@transaction.atomic
def course_create(
    *,
    actor: Actor,
    network: Network,
    agency: Agency | None,
    title: Any,
    language: str,
    audience: str = Audience.CLIENTS,
    summary: Any = "",
    estimated_minutes: int = 60,
    is_published: bool = False,
    shared_with_all: bool = True,
    shared_with: Iterable[Agency] = (),
    translation_of: Course | None = None,
    imported_from: str = "",
) -> Course:
    """A course of `agency`, or of the network when `agency` is None."""
    if agency is not None and agency.network_id != network.pk:
        raise ValidationError(_("This agency is not a member of the network."))
    course = Course(
        network=network,
        agency=agency,
        title=_i18n(title),
        summary=_i18n(summary),
        language=language,
        audience=audience,
        estimated_minutes=estimated_minutes,
        is_published=is_published,
        shared_with_all=shared_with_all if agency is None else False,
        translation_of=translation_of,
        imported_from=imported_from,
    )
    course.full_clean(validate_unique=False)
    course.save()
    if agency is None:
        course.shared_with.set([a for a in shared_with if a.network_id == network.pk])
    _audit_content(course=course, actor=actor, action="course.create", obj=course)
    return course


@transaction.atomic
def course_update(
    *, course: Course, actor: Actor, shared_with: Iterable[Agency] | None = None, **changes: Any
) -> Course:
    _set_fields(course, changes, COURSE_FIELDS)
    if course.agency_id is not None:
        course.shared_with_all = False
    course.full_clean(validate_unique=False)
    course.save()
    if shared_with is not None and course.agency_id is None:
        course.shared_with.set([a for a in shared_with if a.network_id == course.network_id])
    _audit_content(course=course, actor=actor, action="course.update", obj=course)
    return course


@transaction.atomic
def module_create(
    *,
    course: Course,
    actor: Actor,
    title: Any,
    position: int | None = None,
    requires_previous: bool = False,
) -> Module:
    if position is None:
        position = (
            Module.objects.with_scopes_disabled()
            .filter(course=course)
            .aggregate(m=Max("position"))["m"]
            or 0
        ) + 1
    module = Module(
        course=course,
        agency=course.agency,
        title=_i18n(title),
        position=position,
        requires_previous=requires_previous,
    )
    module.full_clean(validate_unique=False)
    module.save()
    _audit_content(course=course, actor=actor, action="module.create", obj=module)
    return module


@transaction.atomic
def module_update(*, module: Module, actor: Actor, **changes: Any) -> Module:
    _set_fields(module, changes, MODULE_FIELDS)
    module.full_clean(validate_unique=False)
    module.save()
    _audit_content(course=module.course, actor=actor, action="module.update", obj=module)
    return module


def _lesson_save(lesson: Lesson) -> None:
    if lesson.kind == LessonKind.QUIZ:
        lesson.is_required = True  # a course is complete only when every quiz is passed
    lesson.body_html = render_markdown(lesson.body)
    lesson.full_clean(validate_unique=False)
    lesson.save()


@transaction.atomic
def lesson_create(
    *,
    module: Module,
    actor: Actor,
    title: Any,
    kind: str,
    position: int | None = None,
    is_required: bool = True,
    estimated_minutes: int = 10,
    body: str = "",
    video_url: str = "",
    transcript: str = "",
    file: Any = None,
    pass_mark: int = 70,
    max_attempts: int = 3,
) -> Lesson:
    if position is None:
        position = (
            Lesson.objects.with_scopes_disabled()
            .filter(module=module)
            .aggregate(m=Max("position"))["m"]
            or 0
        ) + 1
    lesson = Lesson(
        module=module,
        course_id=module.course_id,
        agency_id=module.agency_id,
        title=_i18n(title),
        kind=kind,
        position=position,
        is_required=is_required,
        estimated_minutes=estimated_minutes,
        body=body,
        video_url=video_url,
        transcript=transcript,
        pass_mark=pass_mark,
        max_attempts=max_attempts,
    )
    if file:
        lesson.file = file
    _lesson_save(lesson)
    _course_progress_refresh(course=module.course)
    _audit_content(course=module.course, actor=actor, action="lesson.create", obj=lesson)
    return lesson


@transaction.atomic
def lesson_update(*, lesson: Lesson, actor: Actor, **changes: Any) -> Lesson:
    if "file" in changes and not changes["file"]:
        changes.pop("file")  # an empty upload keeps the current file
    _set_fields(lesson, changes, LESSON_FIELDS)
    if lesson.module.course_id != lesson.course_id:
        raise ValidationError(_("A lesson can only move to a module of the same course."))
    _lesson_save(lesson)
    _course_progress_refresh(course=lesson.course)
    _audit_content(course=lesson.course, actor=actor, action="lesson.update", obj=lesson)
    return lesson


@transaction.atomic
def lesson_delete(*, lesson: Lesson, actor: Actor) -> Lesson:
    course = lesson.course
    _audit_content(course=course, actor=actor, action="lesson.delete", obj=lesson)
    lesson.delete()
    _course_progress_refresh(course=course)
    return lesson


@transaction.atomic
def question_create(
    *,
    lesson: Lesson,
    actor: Actor,
    text: str,
    choices: Sequence[tuple[str, bool, str]],
    allows_multiple: bool = False,
    position: int | None = None,
) -> Question:
    """`choices` are (answer, is right, feedback) in order; at least two, at least one right."""
    if lesson.kind != LessonKind.QUIZ:
        raise ValidationError(_("Questions belong to quiz lessons."))
    choices = [
        (answer.strip(), right, feedback.strip())
        for answer, right, feedback in choices
        if answer.strip()
    ]
    if len(choices) < 2:
        raise ValidationError(_("Give at least two answers."))
    right_count = sum(1 for _answer, right, _feedback in choices if right)
    if right_count == 0:
        raise ValidationError(_("Mark at least one answer as right."))
    if right_count > 1 and not allows_multiple:
        raise ValidationError(
            _("Only one answer can be right unless several answers may be right.")
        )
    if position is None:
        position = (
            Question.objects.with_scopes_disabled()
            .filter(lesson=lesson)
            .aggregate(m=Max("position"))["m"]
            or 0
        ) + 1
    question = Question(
        lesson=lesson,
        agency_id=lesson.agency_id,
        text=text,
        allows_multiple=allows_multiple,
        position=position,
    )
    question.full_clean(validate_unique=False)
    question.save()
    Choice.objects.with_scopes_disabled().bulk_create(
        Choice(question=question, position=i, text=answer, is_correct=right, feedback=feedback)
        for i, (answer, right, feedback) in enumerate(choices, start=1)
    )
    _audit_content(course=lesson.course, actor=actor, action="question.create", obj=question)
    return question


@transaction.atomic
def question_delete(*, question: Question, actor: Actor) -> Question:
    _audit_content(
        course=question.lesson.course, actor=actor, action="question.delete", obj=question
    )
    question.delete()
    return question


# ---------------------------------------------------------------- learners


def _learner_may_take(*, agency: Agency, user: User | AnonymousUser, course: Course) -> bool:
    roles = roles_in_agency(user=user, agency=agency)
    if course.audience == Audience.STAFF:
        return bool(roles & STAFF_ROLES)
    return Role.CLIENT in roles


@transaction.atomic
def enrolment_create(
    *, agency: Agency, course: Course, user: User | AnonymousUser, actor: Actor
) -> Enrolment:
    """Enrol `user` (themselves when actor is user, or by staff) in a course the agency offers."""
    from tremplin.learning.selectors import course_is_offered_by

    if not course.is_published or not course_is_offered_by(course=course, agency=agency):
        raise LearningRefused(_("This course is not offered by this agency."))
    if not _learner_may_take(agency=agency, user=user, course=course):
        raise LearningRefused(_("This course is not meant for this person."))
    existing = (
        Enrolment.objects.with_scope(agency=agency)
        .filter(agency=agency, course=course, user=user)
        .first()
    )
    if existing is not None:
        return existing
    client = (
        client_of_user(agency=agency, user=user) if course.audience == Audience.CLIENTS else None
    )
    now = timezone.now()
    enrolment = Enrolment.objects.with_scope(agency=agency).create(
        agency=agency,
        course=course,
        user=user,
        client=client,
        enrolled_by=actor if actor is not None and actor.pk != user.pk else None,
        last_activity_at=now,
    )
    audit_log(
        agency=agency,
        actor=actor,
        action="enrolment.create",
        obj=enrolment,
        client_id=client.pk if client else None,
    )
    return enrolment


def _locked_enrolment(enrolment: Enrolment) -> Enrolment:
    """Serialise one learner's writes (two tabs, double clicks) on their enrolment row."""
    return (
        Enrolment.objects.with_scope(agency=enrolment.agency_id)
        .select_for_update()
        .select_related("course", "agency", "user")
        .get(pk=enrolment.pk)
    )


def _outline_for(enrolment: Enrolment) -> Outline:
    from tremplin.learning.selectors import course_outline

    return course_outline(course=enrolment.course, enrolment=enrolment)


def _check_lesson(enrolment: Enrolment, lesson: Lesson, outline: Outline) -> None:
    state = outline.lesson_state(lesson.pk) if lesson.course_id == enrolment.course_id else None
    if state is None:
        raise LearningRefused(_("This lesson is not part of this course."))
    if not state.unlocked:
        raise LearningRefused(_("This lesson is not open yet: finish the previous module first."))


def _elapsed_seconds(opened_at: datetime | None, now: datetime) -> int:
    if opened_at is None:
        return 0
    return int(min(max(now - opened_at, timedelta(0)), TIME_CAP_PER_OPENING).total_seconds())


def _progress_for(enrolment: Enrolment, lesson: Lesson) -> LessonProgress:
    progress, _created = LessonProgress.objects.with_scope(
        agency=enrolment.agency_id
    ).get_or_create(enrolment=enrolment, lesson=lesson, defaults={"agency_id": enrolment.agency_id})
    return progress


# A lesson reopened within this time of the learner's last activity on it writes nothing.
REOPEN_QUIET = timedelta(minutes=5)


def lesson_open(*, enrolment: Enrolment, lesson: Lesson) -> LessonProgress:
    """The learner opened a lesson: start its clock and remember it for "continue".

    Reloading the lesson being read writes nothing (a page view should not cost a locked write):
    its clock already runs and "continue" already points at it."""
    _check_lesson(enrolment, lesson, _outline_for(enrolment))
    progress = (
        LessonProgress.objects.with_scope(agency=enrolment.agency_id)
        .filter(enrolment=enrolment, lesson=lesson)
        .first()
    )
    if (
        progress is not None
        and (progress.opened_at or progress.completed_at)
        and enrolment.last_lesson_id == lesson.pk
        and enrolment.last_activity_at is not None
        and timezone.now() - enrolment.last_activity_at < REOPEN_QUIET
    ):
        return progress
    return _lesson_open_write(enrolment=enrolment, lesson=lesson)


@transaction.atomic
def _lesson_open_write(*, enrolment: Enrolment, lesson: Lesson) -> LessonProgress:
    enrolment = _locked_enrolment(enrolment)
    _check_lesson(enrolment, lesson, _outline_for(enrolment))
    now = timezone.now()
    progress = _progress_for(enrolment, lesson)
    if progress.completed_at is None:
        progress.opened_at = now
        progress.save(update_fields=["opened_at"])
    enrolment.last_lesson = lesson
    enrolment.last_activity_at = now
    enrolment.save(update_fields=["last_lesson", "last_activity_at"])
    return progress


@transaction.atomic
def lesson_complete(*, enrolment: Enrolment, lesson: Lesson) -> LessonProgress:
    """Mark a text, video or file lesson done (quizzes are done by passing them)."""
    enrolment = _locked_enrolment(enrolment)
    _check_lesson(enrolment, lesson, _outline_for(enrolment))
    if lesson.kind == LessonKind.QUIZ:
        raise LearningRefused(_("A quiz is completed by passing it."))
    now = timezone.now()
    progress = _progress_for(enrolment, lesson)
    if progress.completed_at is None:
        progress.time_spent_seconds += _elapsed_seconds(progress.opened_at, now)
        progress.opened_at = None
        progress.completed_at = now
        progress.save(update_fields=["time_spent_seconds", "opened_at", "completed_at"])
    _enrolment_refresh(enrolment, now=now)
    return progress


def _parse_answers(lesson: Lesson, answers: Mapping[Any, Iterable[Any]]) -> dict[int, set[int]]:
    """Check every answer belongs to this quiz and every question is answered, or refuse."""
    questions = {
        q.pk: q
        for q in Question.objects.with_scopes_disabled()
        .filter(lesson=lesson)
        .prefetch_related("choices")
    }
    chosen: dict[int, set[int]] = {}
    for raw_question, raw_choices in answers.items():
        try:
            question_id = int(raw_question)
            choice_ids = {int(c) for c in raw_choices}
        except (TypeError, ValueError):
            raise LearningRefused(_("These answers could not be read.")) from None
        question = questions.get(question_id)
        if question is None or not choice_ids <= {c.pk for c in question.choices.all()}:
            raise LearningRefused(_("These answers are not for this quiz."))
        if len(choice_ids) > 1 and not question.allows_multiple:
            raise LearningRefused(_("Choose only one answer for a single-choice question."))
        if choice_ids:
            chosen[question_id] = choice_ids
    if not questions:
        raise LearningRefused(_("This quiz has no questions yet."))
    if set(chosen) != set(questions):
        raise LearningRefused(_("Answer every question before you submit."))
    return chosen


def quiz_score(lesson: Lesson, chosen: Mapping[int, set[int]]) -> int:
    """Percent of questions answered exactly right (all the right choices and only those)."""
    questions = list(
        Question.objects.with_scopes_disabled().filter(lesson=lesson).prefetch_related("choices")
    )
    right = sum(
        1
        for q in questions
        if chosen.get(q.pk, set()) == {c.pk for c in q.choices.all() if c.is_correct}
    )
    return 100 * right // len(questions) if questions else 0


@transaction.atomic
def quiz_submit(
    *, enrolment: Enrolment, lesson: Lesson, answers: Mapping[Any, Iterable[Any]]
) -> QuizAttempt:
    """Score one attempt. Refused, with nothing written, for a quiz of another course, a lesson
    not unlocked yet, answers to another quiz's questions, or no attempts left."""
    enrolment = _locked_enrolment(enrolment)
    if lesson.kind != LessonKind.QUIZ:
        raise LearningRefused(_("This lesson is not a quiz."))
    _check_lesson(enrolment, lesson, _outline_for(enrolment))
    chosen = _parse_answers(lesson, answers)
    previous = list(
        QuizAttempt.objects.with_scope(agency=enrolment.agency_id).filter(
            enrolment=enrolment, lesson=lesson
        )
    )
    if any(attempt.passed for attempt in previous):
        raise LearningRefused(_("You have already passed this quiz."))
    if lesson.max_attempts and len(previous) >= lesson.max_attempts:
        raise LearningRefused(
            _("You have used every attempt at this quiz. Ask your facilitator for help.")
        )
    now = timezone.now()
    score = quiz_score(lesson, chosen)
    attempt = QuizAttempt.objects.with_scope(agency=enrolment.agency_id).create(
        agency_id=enrolment.agency_id,
        enrolment=enrolment,
        lesson=lesson,
        number=len(previous) + 1,
        score_percent=score,
        passed=score >= lesson.pass_mark,
        answers={str(q): sorted(c) for q, c in chosen.items()},
    )
    progress = _progress_for(enrolment, lesson)
    progress.time_spent_seconds += _elapsed_seconds(progress.opened_at, now)
    progress.opened_at = None if attempt.passed else now  # a retry starts a new clock
    if attempt.passed:
        progress.completed_at = now
    progress.save(update_fields=["time_spent_seconds", "opened_at", "completed_at"])
    enrolment.last_lesson = lesson
    _enrolment_refresh(enrolment, now=now)
    return attempt


def _enrolment_refresh(enrolment: Enrolment, *, now: datetime) -> None:
    """Recompute the stored figures; on the first completion, issue the certificate."""
    outline = _outline_for(enrolment)
    totals = LessonProgress.objects.with_scope(agency=enrolment.agency_id).filter(
        enrolment=enrolment
    )
    enrolment.time_spent_seconds = sum(totals.values_list("time_spent_seconds", flat=True))
    enrolment.last_activity_at = now
    enrolment.percent_complete = 100 if enrolment.completed_at else outline.percent
    newly_complete = enrolment.completed_at is None and outline.is_complete
    if newly_complete:
        enrolment.completed_at = now
    enrolment.save(
        update_fields=[
            "time_spent_seconds",
            "last_activity_at",
            "percent_complete",
            "completed_at",
            "last_lesson",
        ]
    )
    if newly_complete:
        _certificate_issue(enrolment)
        audit_log(
            agency=enrolment.agency,
            actor=enrolment.user,
            action="enrolment.complete",
            obj=enrolment,
            client_id=enrolment.client_id,
        )
        webhook_emit(
            agency=enrolment.agency_id,
            event_type="course.completed",
            object_type="enrolment",
            object_id=enrolment.pk,
        )


def _certificate_issue(enrolment: Enrolment) -> Certificate:
    user: User = enrolment.user  # type: ignore[assignment]
    language = user.language or enrolment.course.language
    course = enrolment.course
    issuer = course.agency.name if course.agency is not None else course.network.name
    client = enrolment.client
    name = (
        f"{client.first_name} {client.last_name}"
        if client is not None
        else (user.get_full_name() or user.email)
    )
    return Certificate.objects.with_scope(agency=enrolment.agency_id).create(
        agency_id=enrolment.agency_id,
        enrolment=enrolment,
        learner_name=name.strip()[:300],
        course_title=course.title.localize(language)[:200],
        issuer_name=issuer.localize(language)[:200],
        agency_name=enrolment.agency.name.localize(language)[:200],
        language=language,
        issued_at=enrolment.completed_at,
    )


def _course_progress_refresh(*, course: Course) -> None:
    """After the lessons of a course change, recompute unfinished learners' percent complete.

    A network course has learners in several agencies: this system recomputation updates every
    agency's rows on purpose (it shows nothing to anyone, it keeps the stored figures true).
    """
    with scopes_disabled():
        counted = list(
            Lesson.objects.filter(course=course)
            .filter(Q(is_required=True) | Q(kind=LessonKind.QUIZ))
            .values_list("pk", flat=True)
        )
        unfinished = Enrolment.objects.filter(course=course, completed_at__isnull=True)
        done = dict(
            LessonProgress.objects.filter(
                enrolment__in=unfinished, lesson_id__in=counted, completed_at__isnull=False
            )
            .values_list("enrolment_id")
            .annotate(n=Count("id"))
        )
        for enrolment_id, stored in unfinished.values_list("pk", "percent_complete"):
            percent = 100 * done.get(enrolment_id, 0) // len(counted) if counted else 0
            if percent != stored:
                Enrolment.objects.filter(pk=enrolment_id).update(percent_complete=percent)
