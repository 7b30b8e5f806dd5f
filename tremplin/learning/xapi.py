"""Learning events as xAPI 1.0.3 statements, for an agency's learning record store (LRS).

Actors are identified by an opaque account (agency + user id), never by email, so an export
carries no contact details; verbs come from the ADL vocabulary; activity ids are stable IRIs
built from the course's and lesson's UUIDs (the same in every export and after a course import
keeps its own UUIDs). Statement ids are derived from the row they describe, so exporting twice
sends the same statements and an LRS does not count them twice.
"""

import uuid
from datetime import UTC, datetime
from typing import Any

from tremplin.agencies.models import Agency
from tremplin.learning.models import (
    Course,
    Enrolment,
    Lesson,
    LessonKind,
    LessonProgress,
    QuizAttempt,
)

ADL_VERBS = {
    "registered": "http://adlnet.gov/expapi/verbs/registered",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
}
COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"
LESSON_TYPE = "http://adlnet.gov/expapi/activities/lesson"
ASSESSMENT_TYPE = "http://adlnet.gov/expapi/activities/assessment"
XAPI_VERSION = "1.0.3"


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _language_map(value: Any) -> dict[str, str]:
    data = value.data
    return (
        {code: text for code, text in data.items() if text}
        if isinstance(data, dict)
        else {"en": str(value)}
    )


def _course_activity(base_url: str, course: Course) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": f"{base_url}/xapi/courses/{course.uuid}",
        "definition": {"type": COURSE_TYPE, "name": _language_map(course.title)},
    }


def _lesson_activity(base_url: str, lesson: Lesson) -> dict[str, Any]:
    kind = ASSESSMENT_TYPE if lesson.kind == LessonKind.QUIZ else LESSON_TYPE
    return {
        "objectType": "Activity",
        "id": f"{base_url}/xapi/lessons/{lesson.uuid}",
        "definition": {"type": kind, "name": _language_map(lesson.title)},
    }


class _Builder:
    def __init__(self, *, agency: Agency, base_url: str) -> None:
        self.agency, self.base_url = agency, base_url.rstrip("/")

    def statement(
        self,
        *,
        key: str,
        enrolment: Enrolment,
        verb: str,
        obj: dict[str, Any],
        when: datetime,
        result: dict[str, Any] | None = None,
        parent: Course | None = None,
    ) -> dict[str, Any]:
        statement: dict[str, Any] = {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.base_url}/xapi/{key}")),
            "actor": {
                "objectType": "Agent",
                "account": {
                    "homePage": self.base_url,
                    "name": f"{self.agency.slug}-{enrolment.user_id}",
                },
            },
            "verb": {"id": ADL_VERBS[verb], "display": {"en-US": verb}},
            "object": obj,
            "timestamp": _timestamp(when),
            "version": XAPI_VERSION,
            "context": {"platform": "Tremplin", "language": enrolment.course.language},
        }
        if parent is not None:
            statement["context"]["contextActivities"] = {
                "parent": [_course_activity(self.base_url, parent)]
            }
        if result is not None:
            statement["result"] = result
        return statement


def statements_for_agency(
    *, agency: Agency, base_url: str, course_id: int | None = None, limit: int = 5000
) -> list[dict[str, Any]]:
    """This agency's learning events, oldest first (at most `limit`)."""
    build = _Builder(agency=agency, base_url=base_url)
    enrolments = (
        Enrolment.objects.with_scope(agency=agency).filter(agency=agency).select_related("course")
    )
    if course_id is not None:
        enrolments = enrolments.filter(course_id=course_id)
    enrolments = enrolments.order_by("id")[:limit]
    by_id = {e.pk: e for e in enrolments}
    statements: list[dict[str, Any]] = []
    for enrolment in by_id.values():
        course_obj = _course_activity(build.base_url, enrolment.course)
        statements.append(
            build.statement(
                key=f"enrolment/{enrolment.pk}/registered",
                enrolment=enrolment,
                verb="registered",
                obj=course_obj,
                when=enrolment.created_at,
            )
        )
        if enrolment.completed_at:
            statements.append(
                build.statement(
                    key=f"enrolment/{enrolment.pk}/completed",
                    enrolment=enrolment,
                    verb="completed",
                    obj=course_obj,
                    when=enrolment.completed_at,
                    result={"completion": True, "duration": f"PT{enrolment.time_spent_seconds}S"},
                )
            )
    progress = (
        LessonProgress.objects.with_scope(agency=agency)
        .filter(agency=agency, enrolment_id__in=by_id, completed_at__isnull=False)
        .exclude(lesson__kind=LessonKind.QUIZ)
        .select_related("lesson")
        .order_by("completed_at")[:limit]
    )
    for item in progress:
        enrolment = by_id[item.enrolment_id]
        statements.append(
            build.statement(
                key=f"progress/{item.pk}/completed",
                enrolment=enrolment,
                verb="completed",
                obj=_lesson_activity(build.base_url, item.lesson),
                when=item.completed_at,  # type: ignore[arg-type]
                result={"completion": True, "duration": f"PT{item.time_spent_seconds}S"},
                parent=enrolment.course,
            )
        )
    attempts = (
        QuizAttempt.objects.with_scope(agency=agency)
        .filter(agency=agency, enrolment_id__in=by_id)
        .select_related("lesson")
        .order_by("created_at")[:limit]
    )
    for attempt in attempts:
        enrolment = by_id[attempt.enrolment_id]
        statements.append(
            build.statement(
                key=f"attempt/{attempt.pk}",
                enrolment=enrolment,
                verb="passed" if attempt.passed else "failed",
                obj=_lesson_activity(build.base_url, attempt.lesson),
                when=attempt.created_at,
                result={
                    "score": {
                        "scaled": attempt.score_percent / 100,
                        "raw": attempt.score_percent,
                        "min": 0,
                        "max": 100,
                    },
                    "success": attempt.passed,
                    "completion": attempt.passed,
                },
                parent=enrolment.course,
            )
        )
    statements.sort(key=lambda s: s["timestamp"])
    return statements[:limit]
