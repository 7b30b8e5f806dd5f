"""Reads with rules: which courses an agency offers, a learner's progress, what staff may follow."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django_scopes import scopes_disabled

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency, Membership, Network
from tremplin.agencies.roles import STAFF_ROLES, Role
from tremplin.learning.models import (
    Audience,
    Certificate,
    Course,
    Enrolment,
    Lesson,
    LessonKind,
    LessonProgress,
    Module,
    Question,
    QuizAttempt,
)
from tremplin.learning.progress import INACTIVE_AFTER, Outline, build_outline, is_inactive

# ---------------------------------------------------------------- courses an agency offers


def course_list_for_agency(
    *, agency: Agency, audience: str | None = None, include_drafts: bool = False
) -> QuerySet[Course]:
    """Courses the agency offers: its own, and the network's shared with it (all or chosen).

    The one place that decides course visibility; drafts only for the agency's authors.
    """
    courses = Course.objects.visible_to(agency).select_related("agency", "network")
    if audience:
        courses = courses.filter(audience=audience)
    if not include_drafts:
        courses = courses.filter(is_published=True)
    return courses.order_by("audience", "language", "id")


def course_get_for_agency(
    *, agency: Agency, course_id: int, include_drafts: bool = False
) -> Course:
    course = (
        course_list_for_agency(agency=agency, include_drafts=include_drafts)
        .filter(pk=course_id)
        .first()
    )
    if course is None:
        raise Http404
    return course


def course_is_offered_by(*, course: Course, agency: Agency) -> bool:
    return Course.objects.with_scopes_disabled().visible_to(agency).filter(pk=course.pk).exists()


def course_counterpart(*, course: Course, agency: Agency) -> Course | None:
    """The same course in the other language, when this agency offers it too."""
    linked = Q(pk=course.translation_of_id) | Q(translation_of=course)
    if course.translation_of_id:
        linked |= Q(translation_of_id=course.translation_of_id)
    return course_list_for_agency(agency=agency).filter(linked).exclude(pk=course.pk).first()


# ---------------------------------------------------------------- authoring

Owner = Agency | Network


def _editable_courses(owner: Owner) -> QuerySet[Course]:
    if isinstance(owner, Agency):
        return Course.objects.visible_to(owner).filter(agency=owner)
    # Network pages run with no agency in scope; network courses (agency empty) are the network
    # administrator's to edit, so the filter on network and empty agency is explicit here.
    return Course.objects.with_scopes_disabled().filter(network=owner, agency__isnull=True)


def course_list_for_editing(*, owner: Owner) -> QuerySet[Course]:
    return _editable_courses(owner).order_by("-updated_at", "-id")


def course_get_for_editing(*, owner: Owner, course_id: int) -> Course:
    course = (
        _editable_courses(owner).select_related("agency", "network").filter(pk=course_id).first()
    )
    if course is None:
        raise Http404
    return course


def module_get_for_editing(*, owner: Owner, module_id: int) -> Module:
    # Content is read unscoped only after being narrowed to courses this owner edits.
    module = (
        Module.objects.with_scopes_disabled()
        .filter(pk=module_id, course__in=_editable_courses(owner))
        .select_related("course")
        .first()
    )
    if module is None:
        raise Http404
    return module


def lesson_get_for_editing(*, owner: Owner, lesson_id: int) -> Lesson:
    lesson = (
        Lesson.objects.with_scopes_disabled()
        .filter(pk=lesson_id, course__in=_editable_courses(owner))
        .select_related("course", "module")
        .first()
    )
    if lesson is None:
        raise Http404
    return lesson


def question_get_for_editing(*, owner: Owner, question_id: int) -> Question:
    question = (
        Question.objects.with_scopes_disabled()
        .filter(pk=question_id, lesson__course__in=_editable_courses(owner))
        .select_related("lesson__course")
        .first()
    )
    if question is None:
        raise Http404
    return question


def course_modules(*, course: Course) -> list[Module]:
    # The caller has already checked that this course may be seen (course_get_for_…).
    return list(
        Module.objects.with_scopes_disabled().filter(course=course).order_by("position", "id")
    )


def course_lessons(*, course: Course) -> list[Lesson]:
    return list(
        Lesson.objects.with_scopes_disabled()
        .filter(course=course)
        .order_by("module__position", "module_id", "position", "id")
    )


def quiz_questions(*, lesson: Lesson) -> list[Question]:
    return list(
        Question.objects.with_scopes_disabled()
        .filter(lesson=lesson)
        .prefetch_related("choices")
        .order_by("position", "id")
    )


# ---------------------------------------------------------------- learners


def course_outline(*, course: Course, enrolment: Enrolment | None = None) -> Outline:
    """Modules and lessons in order, with what this learner has done and may open (4 queries)."""
    done: set[int] = set()
    attempts: dict[int, list[int]] = {}
    if enrolment is not None:
        done = set(
            LessonProgress.objects.with_scope(agency=enrolment.agency_id)
            .filter(enrolment=enrolment, completed_at__isnull=False)
            .values_list("lesson_id", flat=True)
        )
        for lesson_id, score in (
            QuizAttempt.objects.with_scope(agency=enrolment.agency_id)
            .filter(enrolment=enrolment)
            .order_by("number")
            .values_list("lesson_id", "score_percent")
        ):
            attempts.setdefault(lesson_id, []).append(score)
    return build_outline(
        modules=course_modules(course=course),
        lessons=course_lessons(course=course),
        done_lesson_ids=done,
        attempts=attempts,
    )


def enrolment_list_for_user(*, agency: Agency, user: User | AnonymousUser) -> QuerySet[Enrolment]:
    """A learner's enrolments in this agency, with course, certificate and last lesson loaded
    (`percent_complete`, `completed_at`, `course` need no query per row). For the assistant too."""
    if not user.is_authenticated:
        return Enrolment.objects.with_scope(agency=agency).none()
    return (
        Enrolment.objects.with_scope(agency=agency)
        .filter(agency=agency, user=user)
        .select_related("course", "certificate", "last_lesson")
        .order_by("completed_at", "-last_activity_at", "-id")
    )


def enrolment_get_for_learner(
    *, agency: Agency, user: User | AnonymousUser, course: Course
) -> Enrolment | None:
    return enrolment_list_for_user(agency=agency, user=user).filter(course=course).first()


def lesson_get_for_learner(*, agency: Agency, audience: str, lesson_id: int) -> Lesson:
    """A published lesson of a course this agency offers to this audience; 404 otherwise."""
    lesson = (
        Lesson.objects.visible_to(agency)
        .filter(pk=lesson_id, course__in=course_list_for_agency(agency=agency, audience=audience))
        .select_related("course", "module")
        .first()
    )
    if lesson is None:
        raise Http404
    return lesson


def quiz_attempt_get_for_learner(
    *, agency: Agency, user: User | AnonymousUser, quiz_attempt_id: int
) -> QuizAttempt:
    attempt = (
        QuizAttempt.objects.with_scope(agency=agency)
        .filter(agency=agency, enrolment__user=user, pk=quiz_attempt_id)
        .select_related("lesson__course", "enrolment")
        .first()
    )
    if attempt is None:
        raise Http404
    return attempt


def certificate_get_for_agency(
    *, agency: Agency, certificate_id: int, user: User | AnonymousUser | None = None
) -> Certificate:
    """A certificate of this agency; with `user`, only that learner's own."""
    certificates = Certificate.objects.with_scope(agency=agency).filter(
        agency=agency, pk=certificate_id
    )
    if user is not None:
        certificates = certificates.filter(enrolment__user=user)
    certificate = certificates.first()
    if certificate is None:
        raise Http404
    return certificate


def normalise_code(code: str) -> str:
    raw = "".join(c for c in code.upper() if c.isalnum())[:16]
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def certificate_get_by_code(*, code: str) -> Certificate:
    """The public verification page: anyone holding a certificate's code may check it.

    This page has no agency in its URL, so it runs with no agency scope; reading certificates
    across agencies is deliberate and limited to the one row the unguessable code names.
    """
    code = normalise_code(code)
    if len(code) != 19:
        raise Http404
    with scopes_disabled():
        certificate = Certificate.objects.filter(code=code).select_related("agency").first()
    if certificate is None:
        raise Http404
    return certificate


# ---------------------------------------------------------------- staff: following learners


@dataclass
class CourseStats:
    course: Course
    enrolled: int
    completed: int
    inactive: int

    @property
    def in_progress(self) -> int:
        return self.enrolled - self.completed

    @property
    def completion_rate(self) -> int | None:
        return 100 * self.completed // self.enrolled if self.enrolled else None


def course_stats_for_agency(*, agency: Agency, audience: str | None = None) -> list[CourseStats]:
    """Every course the agency offers with its own learners' counts (2 queries)."""
    courses = list(course_list_for_agency(agency=agency, audience=audience, include_drafts=True))
    stale = timezone.now() - INACTIVE_AFTER
    counts = {
        row["course_id"]: row
        for row in Enrolment.objects.with_scope(agency=agency)
        .filter(agency=agency, course__in=[c.pk for c in courses])
        .values("course_id")
        .annotate(
            enrolled=Count("id"),
            completed=Count("id", filter=Q(completed_at__isnull=False)),
            inactive=Count("id", filter=Q(completed_at__isnull=True, last_activity_at__lte=stale)),
        )
    }
    empty = {"enrolled": 0, "completed": 0, "inactive": 0}
    return [
        CourseStats(course, **{k: counts.get(course.pk, empty)[k] for k in empty})
        for course in courses
    ]


@dataclass
class LearnerRow:
    enrolment: Enrolment
    name: str
    lessons_done: int
    lessons_counted: int
    quizzes_passed: int
    quizzes_counted: int
    quiz_attempts: int
    best_scores: list[int]
    inactive: bool

    @property
    def percent(self) -> int:
        return self.enrolment.percent_complete

    @property
    def time_spent_minutes(self) -> int:
        return self.enrolment.time_spent_seconds // 60


def learner_name(enrolment: Enrolment) -> str:
    client = enrolment.client
    if client is not None:
        return f"{client.first_name} {client.last_name}"
    return enrolment.user.get_full_name() or enrolment.user.email


def enrolment_list_for_course(*, agency: Agency, course: Course) -> QuerySet[Enrolment]:
    """This agency's learners in a course, the ones still working first (paginate it)."""
    return (
        Enrolment.objects.with_scope(agency=agency)
        .filter(agency=agency, course=course)
        .select_related("user", "client", "certificate")
        .order_by("completed_at", "last_activity_at", "id")
    )


def learner_rows_for_course(
    *, agency: Agency, course: Course, enrolments: Iterable[Enrolment] | None = None
) -> list[LearnerRow]:
    """Every figure the staff view shows for `enrolments` (a page of `enrolment_list_for_course`,
    or all of them), in 3 more queries whatever their number."""
    enrolments = list(
        enrolment_list_for_course(agency=agency, course=course)
        if enrolments is None
        else enrolments
    )
    counted = {
        pk: kind
        for pk, kind in Lesson.objects.with_scopes_disabled()
        .filter(course=course)
        .filter(Q(is_required=True) | Q(kind=LessonKind.QUIZ))
        .values_list("pk", "kind")
    }
    quiz_ids = {pk for pk, kind in counted.items() if kind == LessonKind.QUIZ}
    done: dict[int, set[int]] = {}
    for enrolment_id, lesson_id in (
        LessonProgress.objects.with_scope(agency=agency)
        .filter(
            agency=agency,
            enrolment__in=enrolments,
            completed_at__isnull=False,
            lesson_id__in=counted,
        )
        .values_list("enrolment_id", "lesson_id")
    ):
        done.setdefault(enrolment_id, set()).add(lesson_id)
    attempts: dict[int, dict[int, int]] = {}
    attempt_counts: dict[int, int] = {}
    for row in (
        QuizAttempt.objects.with_scope(agency=agency)
        .filter(agency=agency, enrolment__in=enrolments)
        .values("enrolment_id", "lesson_id")
        .annotate(best=Max("score_percent"), n=Count("id"))
    ):
        attempts.setdefault(row["enrolment_id"], {})[row["lesson_id"]] = row["best"]
        attempt_counts[row["enrolment_id"]] = attempt_counts.get(row["enrolment_id"], 0) + row["n"]
    now = timezone.now()
    rows = []
    for enrolment in enrolments:
        finished = done.get(enrolment.pk, set())
        rows.append(
            LearnerRow(
                enrolment=enrolment,
                name=learner_name(enrolment),
                lessons_done=len(finished),
                lessons_counted=len(counted),
                quizzes_passed=len(finished & quiz_ids),
                quizzes_counted=len(quiz_ids),
                quiz_attempts=attempt_counts.get(enrolment.pk, 0),
                best_scores=list(attempts.get(enrolment.pk, {}).values()),
                inactive=is_inactive(
                    last_activity_at=enrolment.last_activity_at,
                    completed_at=enrolment.completed_at,
                    now=now,
                ),
            )
        )
    return rows


def enrolment_get_for_agency(*, agency: Agency, enrolment_id: int) -> Enrolment:
    enrolment = (
        Enrolment.objects.with_scope(agency=agency)
        .filter(agency=agency, pk=enrolment_id)
        .select_related("course", "user", "client", "certificate")
        .first()
    )
    if enrolment is None:
        raise Http404
    return enrolment


def enrolment_attempts(*, enrolment: Enrolment) -> list[QuizAttempt]:
    return list(
        QuizAttempt.objects.with_scope(agency=enrolment.agency_id)
        .filter(enrolment=enrolment)
        .select_related("lesson")
        .order_by("created_at", "id")
    )


def learner_candidates(*, agency: Agency, course: Course, query: str = "") -> QuerySet[Membership]:
    """People of this agency who may take the course: clients, or staff for staff training;
    with `query`, only those whose name or email contains every word of it."""
    roles = STAFF_ROLES if course.audience == Audience.STAFF else {Role.CLIENT}
    candidates = (
        Membership.objects.with_scope(agency=agency)
        .filter(agency=agency, role__in=roles, is_active=True)
        .exclude(user__enrolments__course=course, user__enrolments__agency=agency)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    for word in query.split():
        candidates = candidates.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__email__icontains=word)
        )
    return candidates


# ---------------------------------------------------------------- network: aggregates only


@dataclass
class AgencyAggregate:
    agency: Agency
    learners: int
    enrolments: int
    completed: int
    active_recently: int

    @property
    def completion_rate(self) -> int | None:
        return 100 * self.completed // self.enrolments if self.enrolments else None


def network_aggregates(*, network: Network, course: Course | None = None) -> list[AgencyAggregate]:
    """Counts per member agency (never individuals) for the network administrator.

    Network pages have no agency scope; counting across agencies is what this page is for, and
    only counts leave this function.
    """
    agencies = list(Agency.objects.filter(network=network, is_active=True).order_by("slug"))
    recent = timezone.now() - INACTIVE_AFTER
    with scopes_disabled():
        enrolments = Enrolment.objects.filter(agency__in=agencies)
        if course is not None:
            enrolments = enrolments.filter(course=course)
        rows = {
            row["agency_id"]: row
            for row in enrolments.values("agency_id").annotate(
                learners=Count("user_id", distinct=True),
                enrolments=Count("id"),
                completed=Count("id", filter=Q(completed_at__isnull=False)),
                active_recently=Count("id", filter=Q(last_activity_at__gt=recent)),
            )
        }
    empty = {"learners": 0, "enrolments": 0, "completed": 0, "active_recently": 0}
    return [
        AgencyAggregate(agency, **{k: rows.get(agency.pk, empty)[k] for k in empty})
        for agency in agencies
    ]
