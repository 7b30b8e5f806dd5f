"""A learner takes a short course, downloads the certificate, and its verification page confirms it."""

from pathlib import Path

from tests.browser.conftest import screenshot, sign_in
from tremplin.agencies.roles import Role
from tremplin.agencies.tests.factories import TEST_PASSWORD, AgencyFactory, NetworkFactory, member
from tremplin.clients.tests.factories import ClientFactory
from tremplin.learning import services
from tremplin.learning.models import Certificate, LessonKind


def short_course(network):
    course = services.course_create(
        actor=None,
        network=network,
        agency=None,
        title={"en": "Canadian workplace communication"},
        summary={"en": "Small talk and a short quiz."},
        language="en",
        is_published=True,
        estimated_minutes=15,
    )
    module = services.module_create(
        course=course, actor=None, title={"en": "Talking with colleagues"}
    )
    services.lesson_create(
        module=module,
        actor=None,
        title={"en": "Small talk at work"},
        kind=LessonKind.TEXT,
        body="## Why small talk matters\n\nA few friendly words build trust. Ask: *How was your weekend?*",
    )
    quiz = services.lesson_create(
        module=module, actor=None, title={"en": "Quick quiz"}, kind=LessonKind.QUIZ, pass_mark=100
    )
    services.question_create(
        lesson=quiz,
        actor=None,
        text="Which topic is safe for small talk?",
        choices=[
            ("Your colleague's salary", False, "Money is usually private."),
            ("The weather", True, "Yes: everyone can talk about it."),
        ],
    )
    return course


def test_learner_completes_a_course_and_verifies_the_certificate(page, tmp_path: Path):
    network = NetworkFactory()
    agency = AgencyFactory(network=network, slug="prairie")
    user = member(agency=agency, role=Role.CLIENT, first_name="Aïcha", last_name="Diallo")
    ClientFactory(
        agency=agency, user=user, first_name="Aïcha", last_name="Diallo", email=user.email
    )
    short_course(network)

    sign_in(page, email=user.email, password=TEST_PASSWORD)
    page.goto("/en/a/prairie/learning/courses/")
    page.get_by_role("link", name="Canadian workplace communication").first.click()
    page.get_by_role("button", name="Enrol in this course").click()
    page.get_by_role("link", name="Start the course").click()
    page.get_by_role("heading", name="Small talk at work").wait_for()
    screenshot(page, "learning-lesson")
    page.get_by_role("button", name="Mark as done and continue").click()

    page.get_by_label("Your colleague's salary").check()
    page.get_by_role("button", name="Submit my answers").click()
    page.get_by_text("Money is usually private.").wait_for()
    page.get_by_role("link", name="Try again").click()
    page.get_by_label("The weather").check()
    page.get_by_role("button", name="Submit my answers").click()
    page.get_by_text("you scored 100 %").wait_for()
    screenshot(page, "learning-quiz-result")
    page.get_by_role("link", name="Get my certificate").click()
    page.get_by_text("You completed this course on").wait_for()
    screenshot(page, "learning-course-complete")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download my certificate (PDF)").click()
    saved = tmp_path / "certificate.pdf"
    download_info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    code = Certificate.objects.get(enrolment__user=user).code
    page.goto("/en/certificates/")
    page.get_by_label("Verification code").fill(code.lower())
    page.get_by_role("button", name="Check").click()
    page.get_by_role("heading", name="Certificate verified").wait_for()
    assert "Aïcha Diallo" in page.content() and code in page.content()
    screenshot(page, "learning-certificate-verified")
