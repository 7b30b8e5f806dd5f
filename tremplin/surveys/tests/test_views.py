"""Staff pages: the builder, templates, XLSForm upload, invitations with preview, responses,
settings. Bad input on every form gives a message and writes nothing, never a 500."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from tremplin.audit.models import AuditEvent
from tremplin.audit.reads import READ_ACTIONS
from tremplin.clients.services import consent_give
from tremplin.clients.tests.factories import ClientFactory
from tremplin.outcomes.models import Completion
from tremplin.programs.tests.factories import ProgramFactory
from tremplin.surveys import services
from tremplin.surveys.models import Invitation, Question, Response, Section, Survey, SurveySettings
from tremplin.surveys.tests.factories import T, build_survey

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"


def url(name, agency, **kwargs):
    with translation.override("fr"):
        return reverse(f"surveys:{name}", kwargs={"agency_slug": agency.slug, **kwargs})


@pytest.fixture
def admin(client, agency_admin):
    client.force_login(agency_admin)
    return client


def writes():
    return (
        Survey.objects.count(),
        Section.objects.count(),
        Question.objects.count(),
        Invitation.objects.count(),
        SurveySettings.objects.count(),
        AuditEvent.objects.exclude(action__in=READ_ACTIONS).count(),
    )


def refused(call, *expected):
    before = writes()
    page = call()
    assert page.status_code in (200, 400), page.status_code
    text = page.content.decode()
    for message in expected:
        assert message in text, message
    assert writes() == before
    return page


def test_builder_creates_a_survey_with_pages_questions_and_a_condition(admin, agency):
    page = admin.post(
        url("survey_create", agency),
        {"title_en": "Exit", "title_fr": "Sortie", "extra_languages": ""},
    )
    survey = Survey.objects.get(agency=agency)
    assert page.status_code == 302
    first = survey.sections.get()
    admin.post(
        url("question_create", agency, section_id=first.pk),
        {
            "name": "online",
            "question_type": "yes_no",
            "label_en": "Online?",
            "label_fr": "En ligne ?",
            "required": "on",
        },
    )
    admin.post(
        url("section_create", agency, survey_id=survey.pk),
        {
            "title_en": "Online",
            "title_fr": "En ligne",
            "cond_q_1": "online",
            "cond_op_1": "eq",
            "cond_value_1": "yes",
        },
    )
    second = survey.sections.order_by("position").last()
    assert second.relevance == {"q": "online", "op": "eq", "value": "yes"}
    admin.post(
        url("question_create", agency, section_id=second.pk),
        {
            "name": "barriers",
            "question_type": "multiple",
            "label_en": "Barriers",
            "label_fr": "Obstacles",
            "choices_text": "internet | Internet | Internet\ndevice | Device | Appareil",
        },
    )
    detail = admin.get(url("survey_detail", agency, survey_id=survey.pk))
    assert (
        detail.status_code == 200
        and "Obstacles" in detail.text
        and "${online} = &#x27;yes&#x27;" in detail.text
    )
    assert [
        q.name for q in Question.objects.filter(survey=survey).order_by("section__position")
    ] == ["online", "barriers"]


def test_bad_builder_input_gives_a_message_and_writes_nothing(admin, agency):
    survey = build_survey(
        agency,
        [{"name": "first", "question_type": "text"}, {"name": "second", "question_type": "text"}],
    )
    section = survey.sections.get()
    refused(
        lambda: admin.post(url("survey_create", agency), {"title_en": "Only English"}),
        "Ce champ est obligatoire.",
    )
    refused(
        lambda: admin.post(
            url("survey_create", agency),
            {"title_en": "A", "title_fr": "B", "extra_languages": "not a code!"},
        ),
        "n&#x27;est pas un code de langue",
    )
    refused(
        lambda: admin.post(
            url("question_create", agency, section_id=section.pk),
            {"name": "1bad name", "question_type": "text", "label_en": "x", "label_fr": "y"},
        ),
        "Un nom commence par une lettre",
    )
    refused(
        lambda: admin.post(
            url("question_create", agency, section_id=section.pk),
            {"name": "first", "question_type": "text", "label_en": "x", "label_fr": "y"},
        ),
        "Une autre question de ce sondage porte ce nom.",
    )
    refused(
        lambda: admin.post(
            url("question_create", agency, section_id=section.pk),
            {
                "name": "pick",
                "question_type": "single",
                "label_en": "x",
                "label_fr": "y",
                "choices_text": "a | A",
            },
        ),
        "libellé en anglais et en français",
    )
    refused(
        lambda: admin.post(
            url("question_create", agency, section_id=section.pk),
            {
                "name": "n",
                "question_type": "number",
                "label_en": "x",
                "label_fr": "y",
                "min_value": "5",
                "max_value": "1",
            },
        ),
        "plus petit que le plus petit",
    )
    refused(
        lambda: admin.post(
            url("question_create", agency, section_id=section.pk),
            {
                "name": "c",
                "question_type": "text",
                "label_en": "x",
                "label_fr": "y",
                "condition_json": "{not json",
            },
        ),
        "Ce n&#x27;est pas du JSON valide.",
    )
    refused(
        lambda: admin.post(
            url("question_create", agency, section_id=section.pk),
            {
                "name": "c",
                "question_type": "text",
                "label_en": "x",
                "label_fr": "y",
                "condition_json": '{"q": "ghost", "op": "answered"}',
            },
        ),
        "n&#x27;existe pas",
    )
    refused(
        lambda: admin.post(
            url("question_edit", agency, survey_id=survey.pk, question_name="first"),
            {
                "name": "first",
                "question_type": "text",
                "label_en": "x",
                "label_fr": "y",
                "cond_q_1": "second",
                "cond_op_1": "answered",
            },
        )
    )  # the form offers only earlier questions
    refused(
        lambda: admin.post(
            url("question_edit", agency, survey_id=survey.pk, question_name="second"),
            {
                "name": "second",
                "question_type": "text",
                "label_en": "x",
                "label_fr": "y",
                "cond_q_1": "first",
                "cond_op_1": "gt",
                "cond_value_1": "3",
            },
        ),
        "ni un nombre ni une date",
    )
    refused(
        lambda: admin.post(
            url("section_create", agency, survey_id=survey.pk), {"condition_json": "[1, 2]"}
        ),
        "Une condition doit être un objet.",
    )
    refused(
        lambda: admin.post(
            url("import_xlsform", agency), {"file": SimpleUploadedFile("x.xlsx", b"garbage")}
        ),
        "n&#x27;est pas un classeur Excel",
    )
    refused(
        lambda: admin.post(
            url("import_xlsform", agency), {"file": SimpleUploadedFile("x.csv", b"a,b")}
        ),
        "Choisissez un fichier .xlsx.",
    )
    refused(
        lambda: admin.post(
            url("settings", agency),
            {"follow_up_basis": "completion", "reminder_after_days": "40", "valid_days": "30"},
        ),
        "Le rappel doit partir avant",
    )
    refused(
        lambda: admin.post(url("invite", agency, survey_id=survey.pk), {"cohort": "program"}),
        "Choisissez-en un.",
    )
    refused(
        lambda: admin.post(url("invite", agency, survey_id=survey.pk), {"cohort": "staff"}),
        "Ce sondage s&#x27;adresse aux clients.",
    )
    # Deleting a question used by a condition, or moving it after its dependant, is refused.
    services.question_update(
        question=survey.questions.get(name="second"),
        actor=None,
        name="second",
        question_type="text",
        label=T("S"),
        relevance={"q": "first", "op": "answered"},
    )
    before = writes()
    page = admin.post(
        url("question_delete", agency, survey_id=survey.pk, question_name="first"), follow=True
    )
    assert (
        "Une condition d&#x27;une autre question utilise celle-ci" in page.text
        and writes() == before
    )
    page = admin.post(
        url("question_move", agency, survey_id=survey.pk, question_name="first"),
        {"direction": "down"},
        follow=True,
    )
    assert "vient plus loin" in page.text
    assert list(survey.questions.order_by("position").values_list("name", flat=True)) == [
        "first",
        "second",
    ]


def test_templates_are_adopted_in_one_click_and_imports_work(admin, agency):
    page = admin.get(url("templates", agency))
    assert "Sondage de fin de programme" in page.text and "Suivi de l&#x27;emploi" in page.text
    template = Survey.objects.get(agency__isnull=True, template_key="end_of_program")
    admin.post(url("adopt", agency, survey_id=template.pk))
    adopted = Survey.objects.get(agency=agency, template=template)
    assert adopted.questions.count() == template.questions.count()
    assert SurveySettings.objects.get(agency=agency).end_of_program_survey == adopted
    staff = Survey.objects.get(agency__isnull=True, template_key="staff_virtual_delivery")
    assert staff.questions.exclude(service_type="").count() == 8  # one per service element type
    upload = SimpleUploadedFile("form.xlsx", (DATA / "kobo_intake_feedback.xlsx").read_bytes())
    page = admin.post(url("import_xlsform", agency), {"file": upload})
    imported = Survey.objects.get(agency=agency, form_id="workshop_feedback_v3")
    assert page.status_code == 302
    export = admin.get(url("export_xlsform", agency, survey_id=imported.pk))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_bulk_invitations_preview_then_send_through_message_send(admin, agency):
    survey = build_survey(agency, [{"name": "ok", "question_type": "yes_no"}])
    program = ProgramFactory(agency=agency)
    people = ClientFactory.create_batch(3, agency=agency, preferred_channels=["email"])
    for person in people[:2]:
        consent_give(client=person, purpose="contact_email", actor=None)
    for person in people:
        Completion.objects.create(
            agency=agency, client=person, kind="program", program=program, completed_on="2026-01-10"
        )
    query = {"cohort": "program", "program": str(program.pk)}
    before = writes()
    preview = admin.get(url("invite", agency, survey_id=survey.pk), query)
    assert writes() == before
    for person in people:
        assert person.last_name in preview.text
    admin.post(url("invite", agency, survey_id=survey.pk), query)
    invitations = Invitation.objects.filter(survey=survey)
    assert invitations.count() == 3 and all(i.program_id == program.pk for i in invitations)
    assert invitations.filter(sent_at__isnull=False, channel="email").count() == 2
    unsent = invitations.get(sent_at__isnull=True)
    assert unsent.send_error  # no consent: staff see why
    admin.post(url("invite", agency, survey_id=survey.pk), query)
    assert Invitation.objects.filter(survey=survey).count() == 3  # open invitations are not doubled
    page = admin.get(url("invitations", agency, survey_id=survey.pk))
    assert "Pas envoyé" in page.text


def test_staff_see_a_response_and_reading_it_is_audited(admin, agency, agency_admin):
    survey = build_survey(
        agency,
        [{"name": "ok", "question_type": "yes_no", "label": T("All good?", "Tout va bien ?")}],
    )
    person = ClientFactory(agency=agency)
    invitation = services.invitation_create(survey=survey, actor=None, client=person, send=False)
    response = services.response_submit(invitation=invitation, answers={"ok": "yes"}, language="fr")
    listing = admin.get(url("responses", agency, survey_id=survey.pk))
    assert person.last_name in listing.text
    page = admin.get(url("response_detail", agency, response_id=response.pk))
    assert "Tout va bien ?" in page.text and "Oui" in page.text
    assert AuditEvent.objects.filter(
        actor=agency_admin, action="survey_response.view", client_id=person.pk
    ).exists()


def test_a_counsellor_reads_responses_but_cannot_build(client, counsellor, agency):
    survey = build_survey(agency, [{"name": "ok", "question_type": "yes_no"}])
    client.force_login(counsellor)
    assert client.get(url("survey_list", agency)).status_code == 200
    assert client.get(url("survey_edit", agency, survey_id=survey.pk)).status_code == 404
    assert client.get(url("survey_create", agency)).status_code == 404


def test_the_respondent_page_needs_no_login_but_staff_pages_do(client, agency):
    survey = build_survey(agency, [{"name": "ok", "question_type": "yes_no"}])
    assert client.get(url("survey_list", agency)).status_code == 302
    assert Response.objects.count() == 0 and survey.pk
