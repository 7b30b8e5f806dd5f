import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tremplin.agencies.tests.factories import network_admin
from tremplin.learning import exchange
from tremplin.learning.models import Course, Lesson, LessonKind, Question
from tremplin.learning.tests.factories import small_course


def author_url(agency, name, **kwargs):
    return reverse(f"learning:author_{name}", kwargs={"agency_slug": agency.slug, **kwargs})


def i18n(name, en, fr=""):
    return {f"{name}_0": en, f"{name}_1": fr}


def test_agency_admin_builds_a_course_with_a_quiz(client, agency, agency_admin):
    client.force_login(agency_admin)
    response = client.post(
        author_url(agency, "course_new"),
        {
            **i18n("title", "Interview practice", "Pratique d'entrevue"),
            **i18n("summary", ""),
            "audience": "clients",
            "language": "en",
            "estimated_minutes": 45,
            "is_published": "on",
        },
    )
    course = Course.objects.get()
    assert response["Location"] == author_url(agency, "course_edit", course_id=course.pk)
    assert course.agency == agency and course.title.localize("fr") == "Pratique d'entrevue"
    client.post(
        author_url(agency, "module_new", course_id=course.pk),
        {**i18n("title", "Before"), "position": 1},
    )
    module = course.modules.get()
    response = client.post(
        author_url(agency, "lesson_new", module_id=module.pk),
        {
            "module": module.pk,
            **i18n("title", "Video"),
            "kind": "video",
            "position": 1,
            "is_required": "on",
            "estimated_minutes": 5,
            "video_url": "https://vimeo.com/1",
            "transcript": "",
            "pass_mark": 70,
            "max_attempts": 3,
        },
    )
    assert response.status_code == 200 and "needs its transcript" in response.text
    client.post(
        author_url(agency, "lesson_new", module_id=module.pk),
        {
            "module": module.pk,
            **i18n("title", "Quiz"),
            "kind": "quiz",
            "position": 2,
            "estimated_minutes": 5,
            "pass_mark": 50,
            "max_attempts": 0,
        },
    )
    quiz = Lesson.objects.get(kind=LessonKind.QUIZ)
    assert quiz.is_required  # quizzes always count
    response = client.post(
        author_url(agency, "question_new", lesson_id=quiz.pk),
        {
            "text": "Arrive how early?",
            "choice_1": "10 minutes early",
            "correct_1": "on",
            "feedback_1": "Good.",
            "choice_2": "Right on time",
            "feedback_2": "A little early is safer.",
        },
    )
    assert response["Location"] == author_url(agency, "lesson_edit", lesson_id=quiz.pk)
    question = Question.objects.get()
    assert [(c.text, c.is_correct) for c in question.choices.all()] == [
        ("10 minutes early", True),
        ("Right on time", False),
    ]
    response = client.post(
        author_url(agency, "question_new", lesson_id=quiz.pk), {"text": "No answers"}
    )
    assert "Give at least two answers." in response.text and Question.objects.count() == 1
    page = client.get(author_url(agency, "course_edit", course_id=course.pk))
    assert "Quiz" in page.text and "Video" not in page.text
    client.post(author_url(agency, "question_delete", question_id=question.pk))
    assert not Question.objects.exists()
    assert client.get(author_url(agency, "lesson_delete", lesson_id=quiz.pk)).status_code == 405
    client.post(author_url(agency, "lesson_delete", lesson_id=quiz.pk))
    assert not Lesson.objects.exists()


def test_only_catalogue_managers_author_and_network_courses_stay_the_networks(
    client, agency, network, counsellor, agency_admin
):
    shared = small_course(network=network)
    client.force_login(counsellor)
    assert client.get(author_url(agency, "course_list")).status_code == 404
    client.force_login(agency_admin)
    listing = client.get(author_url(agency, "course_list"))
    assert "Workplace basics" in listing.text
    assert (
        client.get(author_url(agency, "course_edit", course_id=shared.course.pk)).status_code == 404
    )
    assert (
        client.get(author_url(agency, "lesson_edit", lesson_id=shared.text.pk)).status_code == 404
    )
    export = client.get(author_url(agency, "course_export", course_id=shared.course.pk))
    assert export.status_code == 200 and export.json()["format"] == "tremplin-course"


def test_import_through_the_staff_page(client, agency, network, agency_admin):
    source = small_course(network=network)
    raw = exchange.course_export_json(course=source.course)
    client.force_login(agency_admin)
    response = client.post(
        author_url(agency, "course_import"),
        {"file": SimpleUploadedFile("c.json", raw, "application/json")},
    )
    copy = Course.objects.get(agency=agency)
    assert response["Location"] == author_url(agency, "course_edit", course_id=copy.pk)
    response = client.post(
        author_url(agency, "course_import"),
        {"file": SimpleUploadedFile("c.json", b"nope")},
        follow=True,
    )
    assert "not a JSON course export" in response.text and Course.objects.count() == 2


def test_network_admin_authors_a_network_course_shared_with_chosen_agencies(
    client, network, agency, other_agency
):
    client.force_login(network_admin(network=network))
    response = client.post(
        reverse("network_learning:course_new"),
        {
            **i18n("title", "Workplace safety", "Santé et sécurité au travail"),
            **i18n("summary", ""),
            "audience": "clients",
            "language": "en",
            "estimated_minutes": 30,
            "is_published": "on",
            "shared_with": [other_agency.pk],
        },
    )
    course = Course.objects.get()
    assert response["Location"] == reverse(
        "network_learning:course_edit", kwargs={"course_id": course.pk}
    )
    assert (
        course.agency is None
        and not course.shared_with_all
        and list(course.shared_with.all()) == [other_agency]
    )
    page = client.get(reverse("network_learning:course_edit", kwargs={"course_id": course.pk}))
    assert page.status_code == 200 and "Add a module" in page.text
    client.post(
        reverse("network_learning:module_new", kwargs={"course_id": course.pk}),
        {**i18n("title", "Hazards"), "position": 1},
    )
    assert course.modules.count() == 1
    own = small_course(network=network, agency=agency, title="Agency's own")
    assert (
        client.get(
            reverse("network_learning:course_edit", kwargs={"course_id": own.course.pk})
        ).status_code
        == 404
    )


@pytest.mark.parametrize("bad", ["", "abc", "99999999999999999999999"])
def test_bad_ids_are_404(client, agency, agency_admin, bad):
    client.force_login(agency_admin)
    assert client.get(f"/en/a/{agency.slug}/learning/staff/author/{bad}/").status_code in {404}
