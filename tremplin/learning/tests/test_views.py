import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from tremplin.agencies.roles import Role
from tremplin.agencies.tests.factories import member, network_admin
from tremplin.clients.tests.factories import ClientFactory
from tremplin.learning import services
from tremplin.learning.models import Certificate, Enrolment, LessonProgress, QuizAttempt
from tremplin.learning.tests.factories import quiz_answers, small_course


def courses_url(agency, name, **kwargs):
    return reverse(f"learning:courses:{name}", kwargs={"agency_slug": agency.slug, **kwargs})


def staff_url(agency, name, **kwargs):
    return reverse(f"learning:{name}", kwargs={"agency_slug": agency.slug, **kwargs})


def new_client(agency, first_name="Sam", last_name="Learner"):
    user = member(agency=agency, role=Role.CLIENT, first_name=first_name, last_name=last_name)
    ClientFactory(agency=agency, user=user, first_name=first_name, last_name=last_name)
    return user


def opened_minutes_ago(enrolment, lesson, minutes):
    LessonProgress.objects.filter(enrolment=enrolment, lesson=lesson).update(
        opened_at=timezone.now() - timedelta(minutes=minutes)
    )


def row_of(html, enrolment):
    match = re.search(rf'<tr data-enrolment="{enrolment.pk}">(.*?)</tr>', html, re.S)
    assert match, "learner row missing"
    cells = dict(re.findall(r'<td class="(\w+)">(.*?)</td>', match.group(1), re.S))
    return {key: re.sub(r"<[^>]+>|\s+", " ", value).strip() for key, value in cells.items()}


@pytest.fixture
def course(network):
    return small_course(network=network)


def test_a_learner_takes_a_course_over_http(client, agency, course, client_user):
    client.force_login(client_user)
    page = client.get(courses_url(agency, "course", course_id=course.course.pk))
    assert page.status_code == 200 and "Enrol in this course" in page.text
    assert client.post(courses_url(agency, "enrol", course_id=course.course.pk)).status_code == 302
    page = client.get(courses_url(agency, "course", course_id=course.course.pk))
    assert (
        "Start the course" in page.text and "Locked: finish the previous module first" in page.text
    )

    assert client.get(courses_url(agency, "lesson", lesson_id=course.text.pk)).status_code == 200
    response = client.post(courses_url(agency, "complete", lesson_id=course.text.pk))
    assert response["Location"] == courses_url(agency, "lesson", lesson_id=course.video.pk)
    video = client.get(response["Location"])
    assert "Transcript" in video.text and "Good morning, welcome to the team." in video.text
    assert "youtube-nocookie.com/embed/abc123XYZ_-" in video.text
    page = client.get(courses_url(agency, "course", course_id=course.course.pk))
    assert "Continue where I left off" in page.text
    assert courses_url(agency, "lesson", lesson_id=course.video.pk) in page.text

    client.post(courses_url(agency, "complete", lesson_id=course.video.pk))
    quiz_page = client.get(courses_url(agency, "lesson", lesson_id=course.quiz.pk))
    assert 'type="radio"' in quiz_page.text and 'type="checkbox"' in quiz_page.text
    wrong = {f"question_{q}": c for q, c in quiz_answers(course.quiz, right=False).items()}
    response = client.post(courses_url(agency, "quiz", lesson_id=course.quiz.pk), wrong)
    result = client.get(response["Location"])
    assert "you scored 0 %" in result.text and "Not passed yet" in result.text
    assert (
        "Too vague." in result.text and "Too casual." in result.text and "Try again" in result.text
    )

    right = {f"question_{q}": c for q, c in quiz_answers(course.quiz).items()}
    result = client.get(
        client.post(courses_url(agency, "quiz", lesson_id=course.quiz.pk), right)["Location"]
    )
    assert "you scored 100 %" in result.text and "Passed" in result.text
    response = client.post(courses_url(agency, "complete", lesson_id=course.final.pk))
    assert response["Location"] == courses_url(agency, "course", course_id=course.course.pk)
    page = client.get(response["Location"])
    assert "completed the course" in page.text and "Download my certificate (PDF)" in page.text

    certificate = Certificate.objects.get(enrolment__user=client_user)
    pdf = client.get(courses_url(agency, "certificate", certificate_id=certificate.pk))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    verify = client.get(
        reverse("certificates:verify", kwargs={"code": certificate.code.lower().replace("-", "")})
    )
    assert (
        verify.status_code == 200
        and "Cleo Client" in verify.text
        and "Workplace basics" in verify.text
    )


def test_quiz_answers_for_another_quiz_are_refused_over_http(
    client, agency, network, course, client_user
):
    other = small_course(network=network, title="Other")
    enrolment = services.enrolment_create(
        agency=agency, course=course.course, user=client_user, actor=client_user
    )
    for lesson in (course.text, course.video):
        services.lesson_complete(enrolment=enrolment, lesson=lesson)
    client.force_login(client_user)
    foreign = {f"question_{q}": c for q, c in quiz_answers(other.quiz).items()}
    response = client.post(
        courses_url(agency, "quiz", lesson_id=course.quiz.pk), foreign, follow=True
    )
    assert "These answers are not for this quiz." in response.text
    # Another course's quiz, addressed directly: the learner is not enrolled there.
    assert (
        client.post(courses_url(agency, "quiz", lesson_id=other.quiz.pk), foreign).status_code
        == 404
    )
    assert (
        client.post(
            courses_url(agency, "quiz", lesson_id=course.quiz.pk), {"question_x": "y"}, follow=True
        ).status_code
        == 200
    )
    assert not QuizAttempt.objects.exists()


def test_a_locked_lesson_sends_the_learner_back_with_a_message(client, agency, course, client_user):
    services.enrolment_create(
        agency=agency, course=course.course, user=client_user, actor=client_user
    )
    client.force_login(client_user)
    response = client.get(courses_url(agency, "lesson", lesson_id=course.final.pk), follow=True)
    assert "finish the previous module first" in response.text
    assert not LessonProgress.objects.filter(lesson=course.final).exists()


def test_a_text_lesson_page_is_light(client, agency, course, client_user):
    services.lesson_update(
        lesson=course.text,
        actor=None,
        body="## Small talk\n\n" + "Ask an open question and listen. " * 60,
    )
    services.enrolment_create(
        agency=agency, course=course.course, user=client_user, actor=client_user
    )
    client.force_login(client_user)
    response = client.get(courses_url(agency, "lesson", lesson_id=course.text.pk))
    assert response.status_code == 200
    assert len(response.content) < 40_000
    assert "<script" not in response.text  # works with JavaScript off: no script at all


def test_reloading_the_lesson_being_read_writes_nothing(client, agency, course, client_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.enrolment_create(
        agency=agency, course=course.course, user=client_user, actor=client_user
    )
    client.force_login(client_user)
    lesson_url = courses_url(agency, "lesson", lesson_id=course.text.pk)
    with CaptureQueriesContext(connection) as first:
        assert client.get(lesson_url).status_code == 200
    with CaptureQueriesContext(connection) as reload:
        assert client.get(lesson_url).status_code == 200

    def writes(queries):
        return [q["sql"] for q in queries if q["sql"].split()[0] in ("UPDATE", "INSERT", "DELETE")]

    assert any("learning_" in sql for sql in writes(first.captured_queries))
    assert not [sql for sql in writes(reload.captured_queries) if "learning_" in sql]
    assert "FOR UPDATE" not in " ".join(q["sql"] for q in reload.captured_queries)


def test_staff_view_shows_exact_figures(client, agency, course, counsellor):
    done_learner, stuck_learner, idle_learner = (
        new_client(agency, "Dana", "Done"),
        new_client(agency, "Sami", "Stuck"),
        new_client(agency, "Ina", "Idle"),
    )
    done = services.enrolment_create(
        agency=agency, course=course.course, user=done_learner, actor=done_learner
    )
    for lesson, minutes in ((course.text, 5), (course.video, 10)):
        services.lesson_open(enrolment=done, lesson=lesson)
        opened_minutes_ago(done, lesson, minutes)
        services.lesson_complete(enrolment=done, lesson=lesson)
    services.lesson_open(enrolment=done, lesson=course.quiz)
    opened_minutes_ago(done, course.quiz, 3)
    services.quiz_submit(
        enrolment=done,
        lesson=course.quiz,
        answers=quiz_answers(course.quiz, right=False, only_first_right=True),
    )

    client.force_login(counsellor)
    url = staff_url(agency, "staff_course", course_id=course.course.pk)
    row = row_of(client.get(url).text, done)
    assert row == {
        "percent": "50 %",
        "lessons": "2 / 4",
        "quizzes": "0 / 1",
        "attempts": "1",
        "scores": "50 %",
        "time": "18 min",
        "activity": row["activity"],
        "status": "In progress",
    }

    opened_minutes_ago(done, course.quiz, 2)
    services.quiz_submit(enrolment=done, lesson=course.quiz, answers=quiz_answers(course.quiz))
    services.lesson_open(enrolment=done, lesson=course.final)
    opened_minutes_ago(done, course.final, 45)
    services.lesson_complete(enrolment=done, lesson=course.final)

    stuck = services.enrolment_create(
        agency=agency, course=course.course, user=stuck_learner, actor=stuck_learner
    )
    services.lesson_complete(enrolment=stuck, lesson=course.text)
    idle = services.enrolment_create(
        agency=agency, course=course.course, user=idle_learner, actor=idle_learner
    )
    Enrolment.objects.filter(pk=idle.pk).update(
        last_activity_at=timezone.now() - timedelta(days=15)
    )

    html = client.get(url).text
    done.refresh_from_db()
    completed_on = date_format(
        timezone.localtime(done.completed_at, ZoneInfo(agency.time_zone)), "DATE_FORMAT"
    )
    assert row_of(html, done) == {
        "percent": "100 %",
        "lessons": "4 / 4",
        "quizzes": "1 / 1",
        "attempts": "2",
        "scores": "100 %",
        "time": "50 min",
        "activity": completed_on,
        "status": f"Completed on {completed_on}",
    }
    assert row_of(html, stuck) | {"activity": ""} == {
        "percent": "25 %",
        "lessons": "1 / 4",
        "quizzes": "0 / 1",
        "attempts": "0",
        "scores": "—",
        "time": "0 min",
        "activity": "",
        "status": "In progress",
    }
    assert row_of(html, idle)["status"] == "⚠ Inactive for 14 days or more"
    assert "Dana Done" in html and "Sami Stuck" in html

    stats = client.get(staff_url(agency, "staff_courses")).text
    cells = re.search(r"Workplace basics</a>.*?</th>(.*?)</tr>", stats, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", cells)[1:] == ["3", "2", "1", "33 %", "1"]

    detail = client.get(staff_url(agency, "staff_enrolment", enrolment_id=done.pk)).text
    assert "50 %" in detail and "100 %" in detail and "Download the certificate (PDF)" in detail
    certificate = Certificate.objects.get(enrolment=done)
    pdf = client.get(staff_url(agency, "staff_certificate", certificate_id=certificate.pk))
    assert pdf.content.startswith(b"%PDF")


def test_another_agencys_staff_never_see_our_learners(
    client, agency, other_agency, course, client_user
):
    enrolment = services.enrolment_create(
        agency=agency, course=course.course, user=client_user, actor=client_user
    )
    services.lesson_complete(enrolment=enrolment, lesson=course.text)
    outsider = member(agency=other_agency, role=Role.AGENCY_ADMIN)
    client.force_login(outsider)
    page = client.get(staff_url(other_agency, "staff_course", course_id=course.course.pk))
    assert page.status_code == 200 and "Cleo Client" not in page.text
    assert "Nobody from this agency has enrolled yet." in page.text
    assert (
        client.get(
            staff_url(other_agency, "staff_enrolment", enrolment_id=enrolment.pk)
        ).status_code
        == 404
    )
    assert (
        client.get(staff_url(agency, "staff_enrolment", enrolment_id=enrolment.pk)).status_code
        == 404
    )
    assert client.get(staff_url(other_agency, "staff_xapi")).json()["statements"] == []
    stats = client.get(staff_url(other_agency, "staff_courses")).text
    assert (
        re.findall(
            r"<td>([^<]*)</td>",
            re.search(r"Workplace basics</a>.*?</th>(.*?)</tr>", stats, re.S).group(1),
        )[1]
        == "0"
    )


def test_an_agency_course_is_invisible_to_other_agencies(client, agency, other_agency, network):
    own = small_course(network=network, agency=other_agency, title="Harbour seasonal work")
    client.force_login(new_client(agency))
    assert "Harbour seasonal work" not in client.get(courses_url(agency, "catalogue")).text
    assert client.get(courses_url(agency, "course", course_id=own.course.pk)).status_code == 404
    assert client.get(courses_url(agency, "lesson", lesson_id=own.text.pk)).status_code == 404


def test_courses_shared_with_chosen_agencies_only(client, agency, other_agency, network):
    chosen = small_course(network=network, title="Only for beta")
    services.course_update(
        course=chosen.course, actor=None, shared_with_all=False, shared_with=[other_agency]
    )
    client.force_login(new_client(agency))
    assert client.get(courses_url(agency, "course", course_id=chosen.course.pk)).status_code == 404
    client.force_login(new_client(other_agency))
    assert (
        client.get(courses_url(other_agency, "course", course_id=chosen.course.pk)).status_code
        == 200
    )


def test_catalogue_and_staff_lists_query_counts_do_not_grow(
    client, agency, network, course, counsellor, django_assert_max_num_queries
):
    learners = [new_client(agency, last_name=f"L{i}") for i in range(6)]
    for user in learners:
        enrolment = services.enrolment_create(
            agency=agency, course=course.course, user=user, actor=user
        )
        services.lesson_complete(enrolment=enrolment, lesson=course.text)
    for i in range(4):
        small_course(network=network, title=f"More {i}")
    client.force_login(learners[0])
    with django_assert_max_num_queries(12):
        assert client.get(courses_url(agency, "catalogue")).status_code == 200
    client.force_login(counsellor)
    with django_assert_max_num_queries(18):
        assert (
            client.get(staff_url(agency, "staff_course", course_id=course.course.pk)).status_code
            == 200
        )
    with django_assert_max_num_queries(12):
        assert client.get(staff_url(agency, "staff_courses")).status_code == 200


def test_client_home_and_staff_home_show_learning(client, agency, course, client_user, counsellor):
    services.enrolment_create(
        agency=agency, course=course.course, user=client_user, actor=client_user
    )
    client.force_login(client_user)
    home = client.get(reverse("agencies:client_home", kwargs={"agency_slug": agency.slug})).text
    assert "My courses" in home and "Workplace basics" in home
    client.force_login(counsellor)
    staff = client.get(reverse("agencies:staff_home", kwargs={"agency_slug": agency.slug})).text
    assert staff_url(agency, "staff_courses") in staff


def test_staff_take_their_own_training(client, agency, network, counsellor):
    training = small_course(network=network, audience="staff", title="Hybrid sessions")
    client.force_login(counsellor)
    url = reverse(
        "learning:training:course",
        kwargs={"agency_slug": agency.slug, "course_id": training.course.pk},
    )
    assert client.get(url).status_code == 200
    client.post(
        reverse(
            "learning:training:enrol",
            kwargs={"agency_slug": agency.slug, "course_id": training.course.pk},
        )
    )
    lesson = client.get(
        reverse(
            "learning:training:lesson",
            kwargs={"agency_slug": agency.slug, "lesson_id": training.text.pk},
        )
    )
    assert lesson.status_code == 200 and "/learning/training/" in lesson.text
    # The same course is not in the clients' mount.
    assert (
        client.get(courses_url(agency, "course", course_id=training.course.pk)).status_code == 404
    )


def test_certificate_verification_page(client, agency, course, client_user):
    enrolment = services.enrolment_create(
        agency=agency, course=course.course, user=client_user, actor=client_user
    )
    for lesson in (course.text, course.video):
        services.lesson_complete(enrolment=enrolment, lesson=lesson)
    services.quiz_submit(enrolment=enrolment, lesson=course.quiz, answers=quiz_answers(course.quiz))
    services.lesson_complete(enrolment=enrolment, lesson=course.final)
    certificate = Certificate.objects.get()
    client.logout()
    page = client.get(reverse("certificates:verify", kwargs={"code": certificate.code}))
    assert (
        page.status_code == 200
        and "Certificate verified" in page.text
        and certificate.code in page.text
    )
    assert (
        client.get(
            reverse("certificates:verify", kwargs={"code": "AAAA-BBBB-CCCC-DDDD"})
        ).status_code
        == 404
    )
    assert client.get(reverse("certificates:verify", kwargs={"code": "x" * 300})).status_code == 404
    found = client.get(reverse("certificates:lookup"), {"code": certificate.code.lower()})
    assert found["Location"].endswith(f"/certificates/{certificate.code}/")
    missing = client.get(reverse("certificates:lookup"), {"code": "nope"})
    assert "No certificate has this code" in missing.text
    french = client.get(f"/fr/certificates/{certificate.code}/")
    assert (
        "Attestation vérifiée" in french.text or "Certificate verified" in french.text
    )  # .mo built or not


def test_certificate_pdf_prints_accented_and_cyrillic_names(agency, network):
    from tremplin.learning.certificates import certificate_pdf

    certificate = Certificate(
        agency=agency,
        learner_name="Zoë Łukasz-Nguyễn Олена",
        course_title="Communication en milieu de travail canadien",
        issuer_name="Réseau Tremplin",
        agency_name="Carrefour emploi francophone",
        language="fr",
        issued_at=timezone.now(),
        code="ABCD-EFGH-JKLM-NPQR",
    )
    pdf = certificate_pdf(
        certificate=certificate,
        verify_url="https://example.org/fr/certificates/ABCD-EFGH-JKLM-NPQR/",
        time_zone="America/Moncton",
    )
    assert pdf.startswith(b"%PDF") and b"DejaVu" in pdf
    assert len(pdf) < 100_000


def test_xapi_export_shape(client, agency, course, client_user, counsellor):
    enrolment = services.enrolment_create(
        agency=agency, course=course.course, user=client_user, actor=client_user
    )
    for lesson in (course.text, course.video):
        services.lesson_complete(enrolment=enrolment, lesson=lesson)
    services.quiz_submit(
        enrolment=enrolment, lesson=course.quiz, answers=quiz_answers(course.quiz, right=False)
    )
    services.quiz_submit(enrolment=enrolment, lesson=course.quiz, answers=quiz_answers(course.quiz))
    services.lesson_complete(enrolment=enrolment, lesson=course.final)
    client.force_login(counsellor)
    response = client.get(staff_url(agency, "staff_xapi"), {"course": course.course.pk})
    assert response["X-Experience-API-Version"] == "1.0.3"
    statements = response.json()["statements"]
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in statements]
    assert sorted(verbs) == sorted(
        ["registered", "completed", "completed", "failed", "passed", "completed", "completed"]
    )
    for statement in statements:
        assert re.fullmatch(r"[0-9a-f-]{36}", statement["id"])
        assert statement["actor"]["objectType"] == "Agent"
        assert statement["actor"]["account"] == {
            "homePage": "http://testserver",
            "name": f"{agency.slug}-{client_user.pk}",
        }
        assert "mbox" not in statement["actor"] and client_user.email not in response.text
        assert statement["verb"]["id"].startswith("http://adlnet.gov/expapi/verbs/")
        assert statement["object"]["id"].startswith("http://testserver/xapi/")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", statement["timestamp"])
    failed = next(s for s in statements if s["verb"]["id"].endswith("/failed"))
    assert failed["result"]["score"] == {"scaled": 0.0, "raw": 0, "min": 0, "max": 100}
    assert failed["result"]["success"] is False
    assert (
        failed["context"]["contextActivities"]["parent"][0]["id"]
        == f"http://testserver/xapi/courses/{course.course.uuid}"
    )
    assert statements == sorted(statements, key=lambda s: s["timestamp"])
    assert client.get(staff_url(agency, "staff_xapi"), {"course": "x"}).status_code == 200


def test_learner_pages_need_the_right_role(client, agency, course, client_user, counsellor):
    client.force_login(counsellor)
    assert client.get(courses_url(agency, "catalogue")).status_code == 404
    client.force_login(client_user)
    assert client.get(staff_url(agency, "staff_courses")).status_code == 404
    assert (
        client.get(
            reverse("learning:training:catalogue", kwargs={"agency_slug": agency.slug})
        ).status_code
        == 404
    )
    client.logout()
    assert client.get(courses_url(agency, "catalogue")).status_code == 302


def test_network_admin_sees_counts_per_agency_not_people(
    client, agency, other_agency, network, course, client_user, counsellor
):
    enrolment = services.enrolment_create(
        agency=agency, course=course.course, user=client_user, actor=client_user
    )
    services.lesson_complete(enrolment=enrolment, lesson=course.text)
    client.force_login(network_admin(network=network))
    page = client.get(reverse("network_learning:course_list"))
    assert page.status_code == 200
    assert "Cleo" not in page.text and client_user.email not in page.text
    rows = re.findall(
        r'<tr><th scope="row">([^<]*)</th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>([^<]*)</td>',
        page.text,
    )
    assert ("Agency alpha", "1", "1", "0", "0 %") in rows and (
        "Agency beta",
        "0",
        "0",
        "0",
        "—",
    ) in rows
    dashboard = client.get(reverse("network:dashboard"))
    assert "E-learning across the network" in dashboard.text
    client.force_login(counsellor)
    assert client.get(reverse("network_learning:course_list")).status_code == 404


def test_file_lessons_download_only_for_enrolled_learners(client, agency, course, client_user):
    from django.core.files.base import ContentFile

    from tremplin.learning.models import LessonKind

    handout = services.lesson_create(
        module=course.text.module,
        actor=None,
        title={"en": "Checklist"},
        kind=LessonKind.FILE,
        file=ContentFile(b"%PDF-1.4 checklist", name="checklist.pdf"),
    )
    # Stored under a random name, never the one the author uploaded.
    assert re.fullmatch(r"learning/files/[0-9a-f]{32}\.pdf", handout.file.name)
    client.force_login(client_user)
    assert client.get(courses_url(agency, "file", lesson_id=handout.pk)).status_code == 404
    services.enrolment_create(
        agency=agency, course=course.course, user=client_user, actor=client_user
    )
    response = client.get(courses_url(agency, "file", lesson_id=handout.pk))
    assert (
        response.status_code == 200
        and b"".join(response.streaming_content) == b"%PDF-1.4 checklist"
    )
    assert "attachment" in response["Content-Disposition"]
    assert client.get(courses_url(agency, "file", lesson_id=course.text.pk)).status_code == 404


def test_staff_enrol_a_client(client, agency, course, counsellor, client_user):
    client.force_login(counsellor)
    url = staff_url(agency, "staff_course", course_id=course.course.pk)
    membership = client_user.memberships.get()
    response = client.post(url, {"learner": membership.pk})
    assert response.status_code == 302
    enrolment = Enrolment.objects.get()
    assert (enrolment.user, enrolment.enrolled_by, enrolment.agency) == (
        client_user,
        counsellor,
        agency,
    )
    assert (
        client.post(url, {"learner": "999999"}).status_code == 200
    )  # a form error, nothing written
    assert Enrolment.objects.count() == 1


def test_staff_learners_are_paginated_and_people_to_enrol_are_searched(
    client, agency, course, counsellor, client_user, monkeypatch
):
    from tremplin.learning import views

    monkeypatch.setattr(views, "LEARNERS_PER_PAGE", 2)
    for i in range(3):
        services.enrolment_create(
            agency=agency,
            course=course.course,
            user=new_client(agency, last_name=f"P{i}"),
            actor=None,
        )
    client.force_login(counsellor)
    url = staff_url(agency, "staff_course", course_id=course.course.pk)
    first, second = client.get(url).text, client.get(url, {"page": 2}).text
    assert first.count("data-enrolment=") == 2 and second.count("data-enrolment=") == 1
    assert "Page 1 of 2" in first
    assert 'type="radio"' not in first  # nobody listed until staff search
    found = client.get(url, {"learner_q": "cleo"}).text
    membership = client_user.memberships.get()
    assert f'value="{membership.pk}"' in found and found.count('type="radio"') == 1
    assert "Nobody who can still take" in client.get(url, {"learner_q": "zzz"}).text
