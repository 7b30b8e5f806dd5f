"""Course exchange: one JSON file carries a course (with its files) to another network or deployment.

Format "tremplin-course", version 1. Only content travels — never learners. On import every
text lesson is rendered and sanitised again, so a file from elsewhere cannot bring scripts in.
"""

import base64
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.agencies.models import Agency, Network
from tremplin.learning import services
from tremplin.learning.models import Audience, Course, LessonKind
from tremplin.learning.selectors import course_lessons, course_modules, quiz_questions

FORMAT = "tremplin-course"
VERSION = 1
MAX_IMPORT_BYTES = 20 * 1024 * 1024


def _i18n_data(value: Any) -> dict[str, str]:
    data = value.data if hasattr(value, "data") else value
    return dict(data) if isinstance(data, dict) else {"en": str(data or "")}


def course_export_data(*, course: Course) -> dict[str, Any]:
    """The course as plain data (the caller has checked the course may be exported)."""
    lessons_by_module: dict[int, list[dict[str, Any]]] = {}
    for lesson in course_lessons(course=course):
        item: dict[str, Any] = {
            "uuid": str(lesson.uuid),
            "title": _i18n_data(lesson.title),
            "kind": lesson.kind,
            "is_required": lesson.is_required,
            "estimated_minutes": lesson.estimated_minutes,
            "body": lesson.body,
            "video_url": lesson.video_url,
            "transcript": lesson.transcript,
            "pass_mark": lesson.pass_mark,
            "max_attempts": lesson.max_attempts,
        }
        if lesson.file:
            with lesson.file.open("rb") as handle:
                item["file"] = {
                    "name": lesson.file.name.rsplit("/", 1)[-1],
                    "content_base64": base64.b64encode(handle.read()).decode("ascii"),
                }
        if lesson.kind == LessonKind.QUIZ:
            item["questions"] = [
                {
                    "text": question.text,
                    "allows_multiple": question.allows_multiple,
                    "choices": [
                        {"text": c.text, "is_correct": c.is_correct, "feedback": c.feedback}
                        for c in question.choices.all()
                    ],
                }
                for question in quiz_questions(lesson=lesson)
            ]
        lessons_by_module.setdefault(lesson.module_id, []).append(item)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "course": {
            "uuid": str(course.uuid),
            "title": _i18n_data(course.title),
            "summary": _i18n_data(course.summary),
            "audience": course.audience,
            "language": course.language,
            "estimated_minutes": course.estimated_minutes,
            "modules": [
                {
                    "title": _i18n_data(module.title),
                    "requires_previous": module.requires_previous,
                    "lessons": lessons_by_module.get(module.pk, []),
                }
                for module in course_modules(course=course)
            ],
        },
    }


def course_export_json(*, course: Course) -> bytes:
    return json.dumps(course_export_data(course=course), ensure_ascii=False, indent=1).encode(
        "utf-8"
    )


class _Reader:
    """Typed access to untrusted JSON: every problem becomes one clear ValidationError."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise ValidationError(
                _("The file is not a Tremplin course (%(where)s).") % {"where": where}
            )
        self.data, self.where = data, where

    def text(self, key: str, *, max_length: int = 100_000, default: str | None = "") -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str) or len(value) > max_length:
            raise ValidationError(
                _("Unreadable field %(field)s in %(where)s.") % {"field": key, "where": self.where}
            )
        return value

    def i18n(self, key: str) -> dict[str, str]:
        value = self.data.get(key, {})
        if isinstance(value, str):
            value = {"en": value}
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and len(v) <= 10_000 for k, v in value.items()
        ):
            raise ValidationError(
                _("Unreadable field %(field)s in %(where)s.") % {"field": key, "where": self.where}
            )
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise ValidationError(
                _("Unreadable field %(field)s in %(where)s.") % {"field": key, "where": self.where}
            )
        return value

    def number(self, key: str, default: int, *, low: int = 0, high: int = 6000) -> int:
        value = self.data.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ValidationError(
                _("Unreadable field %(field)s in %(where)s.") % {"field": key, "where": self.where}
            )
        return value

    def items(self, key: str) -> list[Any]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or len(value) > 500:
            raise ValidationError(
                _("Unreadable field %(field)s in %(where)s.") % {"field": key, "where": self.where}
            )
        return value


def parse_course_file(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_IMPORT_BYTES:
        raise ValidationError(_("The file is too large (20 MB at most)."))
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        # RecursionError: a nesting bomb ("[[[[…"), refused like any unreadable file.
        raise ValidationError(_("The file is not a JSON course export.")) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationError(_("The file is not a Tremplin course export."))
    if data.get("version") != VERSION:
        raise ValidationError(_("This course export version is not supported."))
    return data


@transaction.atomic
def course_import(*, raw: bytes, network: Network, agency: Agency | None, actor: Any) -> Course:
    """Create an unpublished copy of the exported course, owned by `agency` or the network."""
    data = parse_course_file(raw)
    spec = _Reader(data.get("course"), _("the course"))
    audience = spec.text("audience", default=Audience.CLIENTS)
    language = spec.text("language", default="en")
    if audience not in Audience.values or language not in {"en", "fr"}:
        raise ValidationError(_("Unknown audience or language in the file."))
    course = services.course_create(
        actor=actor,
        network=network,
        agency=agency,
        title=spec.i18n("title"),
        summary=spec.i18n("summary"),
        audience=audience,
        language=language,
        estimated_minutes=spec.number("estimated_minutes", 60, low=1),
        imported_from=spec.text("uuid", max_length=40),
        shared_with_all=False,
    )
    for m_index, raw_module in enumerate(spec.items("modules"), start=1):
        module_spec = _Reader(raw_module, _("module %(number)s") % {"number": m_index})
        module = services.module_create(
            course=course,
            actor=actor,
            title=module_spec.i18n("title"),
            position=m_index,
            requires_previous=module_spec.flag("requires_previous"),
        )
        for l_index, raw_lesson in enumerate(module_spec.items("lessons"), start=1):
            _import_lesson(
                module,
                _Reader(raw_lesson, _("lesson %(number)s") % {"number": l_index}),
                l_index,
                actor,
            )
    return course


def _import_lesson(module: Any, spec: _Reader, position: int, actor: Any) -> None:
    kind = spec.text("kind", default=LessonKind.TEXT)
    if kind not in LessonKind.values:
        raise ValidationError(_("Unknown lesson kind in the file."))
    upload = None
    if isinstance(spec.data.get("file"), dict):
        file_spec = _Reader(spec.data["file"], spec.where)
        try:
            content = base64.b64decode(
                file_spec.text("content_base64", max_length=MAX_IMPORT_BYTES), validate=True
            )
        except ValueError:
            raise ValidationError(_("A lesson file in the export is damaged.")) from None
        upload = ContentFile(content, name=file_spec.text("name", max_length=100) or "lesson-file")
    lesson = services.lesson_create(
        module=module,
        actor=actor,
        title=spec.i18n("title"),
        kind=kind,
        position=position,
        is_required=spec.flag("is_required", True),
        estimated_minutes=spec.number("estimated_minutes", 10),
        body=spec.text("body"),
        video_url=spec.text("video_url", max_length=200),
        transcript=spec.text("transcript"),
        file=upload,
        pass_mark=spec.number("pass_mark", 70, low=1, high=100),
        max_attempts=spec.number("max_attempts", 3, high=100),
    )
    for q_index, raw_question in enumerate(spec.items("questions"), start=1):
        question = _Reader(raw_question, _("question %(number)s") % {"number": q_index})
        choices = []
        for raw_choice in question.items("choices"):
            choice = _Reader(raw_choice, question.where)
            choices.append(
                (
                    choice.text("text", max_length=500),
                    choice.flag("is_correct"),
                    choice.text("feedback"),
                )
            )
        services.question_create(
            lesson=lesson,
            actor=actor,
            text=question.text("text"),
            choices=choices,
            allows_multiple=question.flag("allows_multiple"),
            position=q_index,
        )
