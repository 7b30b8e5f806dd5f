import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from tremplin.agencies.tests.factories import AgencyFactory, NetworkFactory
from tremplin.learning import exchange, services
from tremplin.learning.models import Course, LessonKind
from tremplin.learning.selectors import course_lessons, course_modules, quiz_questions
from tremplin.learning.tests.factories import small_course


def structure(course):
    lessons = course_lessons(course=course)
    return {
        "title": course.title.data,
        "modules": [(m.title.data, m.requires_previous) for m in course_modules(course=course)],
        "lessons": [
            (
                lesson.title.data,
                lesson.kind,
                lesson.is_required,
                lesson.body,
                lesson.video_url,
                lesson.transcript,
                lesson.pass_mark,
                lesson.max_attempts,
            )
            for lesson in lessons
        ],
        "questions": [
            (
                q.text,
                q.allows_multiple,
                [(c.text, c.is_correct, c.feedback) for c in q.choices.all()],
            )
            for lesson in lessons
            for q in quiz_questions(lesson=lesson)
        ],
    }


def test_round_trip_into_another_network(network, agency):
    original = small_course(network=network)
    handout = services.lesson_create(
        module=original.text.module,
        actor=None,
        title={"en": "Checklist"},
        kind=LessonKind.FILE,
        file=ContentFile(b"%PDF-1.4 checklist", name="checklist.pdf"),
    )
    raw = exchange.course_export_json(course=original.course)
    elsewhere = NetworkFactory(slug="elsewhere")
    copy = exchange.course_import(raw=raw, network=elsewhere, agency=None, actor=None)
    assert copy.pk != original.course.pk and copy.network == elsewhere
    assert not copy.is_published and copy.imported_from == str(original.course.uuid)
    assert structure(copy) == structure(original.course)
    copied_file = next(item for item in course_lessons(course=copy) if item.kind == LessonKind.FILE)
    assert copied_file.file.read() == b"%PDF-1.4 checklist" and copied_file.pk != handout.pk
    # An agency of the other network can own an imported copy too.
    owner = AgencyFactory(network=elsewhere, slug="gamma")
    owned = exchange.course_import(raw=raw, network=elsewhere, agency=owner, actor=None)
    assert owned.agency == owner and structure(owned) == structure(original.course)


def test_import_sanitises_lesson_text_again(network):
    original = small_course(network=network)
    data = json.loads(exchange.course_export_json(course=original.course))
    data["course"]["modules"][0]["lessons"][0]["body"] = (
        "Hi <script>alert(1)</script>[x](javascript:alert(2))"
    )
    copy = exchange.course_import(
        raw=json.dumps(data).encode(), network=network, agency=None, actor=None
    )
    html = course_lessons(course=copy)[0].body_html
    assert "<script" not in html and "javascript:" not in html and "Hi" in html


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"\xff\xfe",
        b'{"format": "something-else", "version": 1}',
        b'{"format": "tremplin-course", "version": 99}',
        b'{"format": "tremplin-course", "version": 1, "course": "nope"}',
        b'{"format": "tremplin-course", "version": 1, "course": {"title": {"en": "T"}, "language": "de"}}',
        b'{"format": "tremplin-course", "version": 1, "course": {"title": {"en": "T"}, "language": "en", "modules": [{"title": "M", "lessons": [{"kind": "video", "title": "V"}]}]}}',
        b'{"format": "tremplin-course", "version": 1, "course": {"title": {"en": "T"}, "language": "en", "estimated_minutes": "lots"}}',
    ],
)
def test_bad_files_are_refused_and_nothing_is_created(network, raw):
    with pytest.raises(ValidationError):
        exchange.course_import(raw=raw, network=network, agency=None, actor=None)
    assert not Course.objects.exists()


def test_management_command_round_trip(network, tmp_path, capsys):
    original = small_course(network=network)
    target = tmp_path / "course.json"
    call_command("learning", "export-course", str(original.course.pk), "-o", str(target))
    call_command("learning", "import-course", str(target))
    assert Course.objects.count() == 2
    copy = Course.objects.exclude(pk=original.course.pk).get()
    assert structure(copy) == structure(original.course)
    with pytest.raises(CommandError):
        call_command("learning", "export-course", "999999")
    target.write_text("{}")
    with pytest.raises(CommandError):
        call_command("learning", "import-course", str(target))
