"""The respondent's page: single-use links, refusals, resume, skip logic, anonymity."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tremplin.audit.models import AuditEvent
from tremplin.clients.tests.factories import ClientFactory
from tremplin.surveys import services
from tremplin.surveys.models import Answer, Invitation, InvitationStatus, Response
from tremplin.surveys.tests.factories import T, build_survey

pytestmark = pytest.mark.django_db

CHOICES = [
    {"value": "online", "label": T("Online", "En ligne")},
    {"value": "in_person", "label": T("In person", "En personne")},
]


def make_survey(agency, **fields):
    return build_survey(
        agency,
        [
            {
                "name": "how",
                "question_type": "single",
                "required": True,
                "choices": CHOICES,
                "label": T("How did you attend?", "Comment avez-vous participé ?"),
            },
            {
                "name": "ease",
                "question_type": "likert",
                "required": True,
                "page": 2,
                "relevance": {"q": "how", "op": "eq", "value": "online"},
                "label": T("Joining was easy.", "Il était facile de se joindre."),
            },
            {
                "name": "comments",
                "question_type": "text",
                "page": 3,
                "label": T("Comments", "Commentaires"),
            },
        ],
        **fields,
    )


def link(invitation, language="en"):
    with translation.override(language):
        return reverse(
            "surveys:respond",
            kwargs={"agency_slug": invitation.agency.slug, "token": invitation.token},
        )


def invite(survey, client=None, **kwargs):
    client = client or ClientFactory(agency=survey.agency, preferred_language="fr")
    return services.invitation_create(
        survey=survey, actor=None, client=client, send=False, **kwargs
    )


def test_a_client_answers_page_by_page_with_a_branch_skipped(client, agency):
    invitation = invite(make_survey(agency))
    url = link(invitation, "fr")
    page = client.get(url)
    assert page.status_code == 200
    assert "Comment avez-vous participé ?" in page.text
    assert client.post(url, {"page": 0, "how": "in_person", "action": "next"}).status_code == 302
    page = client.get(url)
    assert "Commentaires" in page.text and "se joindre" not in page.text  # page 2 skipped
    page = client.post(url, {"page": 1, "comments": "Merci", "action": "submit"})
    assert page.status_code == 200 and "Merci !" in page.text
    response = Response.objects.get(survey=invitation.survey)
    assert {a.question.name: a.value for a in response.answers.all()} == {
        "how": "in_person",
        "comments": "Merci",
    }
    assert response.language == "fr" and response.client == invitation.client


def test_a_partly_answered_survey_resumes_and_counts_as_partial(client, agency):
    invitation = invite(make_survey(agency))
    url = link(invitation)
    client.post(url, {"page": 0, "how": "online", "action": "next"})
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PARTIAL and invitation.draft == {"how": "online"}
    page = client.get(url)  # another day, same link
    assert "Joining was easy." in page.text
    assert not Response.objects.exists()


def test_skipping_a_shown_required_question_is_refused_and_nothing_stored(client, agency):
    invitation = invite(make_survey(agency))
    url = link(invitation, "fr")
    client.post(url, {"page": 0, "how": "online", "action": "next"})
    page = client.post(url, {"page": 1, "action": "next"})
    assert page.status_code == 400
    assert "Veuillez répondre à cette question." in page.text
    page = client.post(url, {"page": 1, "ease": "9", "action": "next"})
    assert page.status_code == 400 and "Choisissez un nombre sur l&#x27;échelle." in page.text
    with pytest.raises(services.SurveyRefused) as refused:
        services.response_submit(invitation=invitation, answers={"how": "online"}, language="fr")
    assert refused.value.code == "required"
    assert not Response.objects.exists() and not Answer.objects.exists()


@pytest.mark.parametrize("case", ["tampered", "used", "expired", "other_agency", "cancelled"])
def test_bad_links_are_refused_with_a_translated_page_and_nothing_stored(
    client, agency, other_agency, case
):
    survey = make_survey(agency)
    invitation = invite(survey)
    url = link(invitation, "fr")
    if case == "tampered":
        url = url.replace(invitation.token, invitation.token[:-2] + "xx")
    elif case == "used":
        services.response_submit(invitation=invitation, answers={"how": "in_person"}, language="fr")
    elif case == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    elif case == "cancelled":
        services.invitation_cancel(invitation=invitation, actor=None)
    else:
        with translation.override("fr"):
            url = reverse(
                "surveys:respond",
                kwargs={"agency_slug": other_agency.slug, "token": invitation.token},
            )
    responses_before = Response.objects.count()
    for page in (
        client.get(url),
        client.post(url, {"page": 0, "how": "online", "action": "submit"}),
    ):
        assert page.status_code in (404, 409, 410)
        assert "Ce lien ne peut pas être utilisé" in page.text
    assert Response.objects.count() == responses_before
    invitation.refresh_from_db()
    assert invitation.draft == {}


def test_a_second_final_submit_stores_nothing_more(client, agency):
    invitation = invite(make_survey(agency))
    url = link(invitation)
    client.post(url, {"page": 0, "how": "in_person", "action": "next"})
    first = client.post(url, {"page": 1, "comments": "a", "action": "submit"})
    second = client.post(url, {"page": 1, "comments": "b", "action": "submit"})
    assert first.status_code == 200 and second.status_code == 409
    assert Response.objects.count() == 1


def test_an_anonymous_response_cannot_be_joined_back_to_its_client(client, agency):
    survey = make_survey(agency, is_anonymous=True)
    person = ClientFactory(agency=agency, location_type="rural", arrival_status="arrived")
    invitation = invite(survey, person)
    url = link(invitation)
    client.post(url, {"page": 0, "how": "in_person", "action": "next"})
    client.post(url, {"page": 1, "comments": "Great program", "action": "submit"})
    response = Response.objects.get()
    # The row itself: no person, no invitation, no precise time, a random id.
    assert (
        response.client_id is None and response.user_id is None and response.invitation_id is None
    )
    assert response.submitted_at.time().isoformat() == "00:00:00"
    assert len(str(response.pk)) == 36
    assert response.location_type == "rural" and response.arrival_status == "arrived"
    # Nothing else stored points from the person to the response.
    for answer in Answer.objects.filter(response=response).values():
        assert set(answer) == {"id", "agency_id", "response_id", "question_id", "value", "number"}
    for event in AuditEvent.objects.filter(client_id=person.pk):
        assert str(response.pk) not in str(event.detail) and event.object_id != str(response.pk)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.COMPLETED and invitation.draft == {}
    assert invitation.completed_at == response.submitted_at  # the day only, on both rows
    assert not Response.objects.filter(invitation=invitation).exists()


def test_the_survey_language_follows_the_person_then_the_switcher(client, agency):
    survey = make_survey(agency, languages=["es"])
    survey.questions.filter(name="how").update(
        label={"en": "How?", "fr": "Comment ?", "es": "¿Cómo?"}
    )
    invitation = invite(survey, ClientFactory(agency=agency, preferred_language="es"))
    assert invitation.language == "es"
    spanish = services.invitation_link(invitation)
    assert (
        spanish.endswith("?lang=es") and "/en/a/" in spanish
    )  # the agency's default page language
    assert "¿Cómo?" in client.get(spanish.removeprefix("http://127.0.0.1:8000")).text
    page = client.get(link(invitation, "en"))
    assert "How?" in page.text  # the page language is available in the survey
    page = client.get(link(invitation, "en") + "?lang=es")
    assert "¿Cómo?" in page.text and 'href="?lang=fr"' in page.text


def test_a_question_revealed_on_the_same_page_is_shown_before_moving_on(client, agency):
    survey = build_survey(
        agency,
        [
            {"name": "employed", "question_type": "yes_no", "required": True},
            {
                "name": "employer",
                "question_type": "text",
                "required": True,
                "relevance": {"q": "employed", "op": "eq", "value": "yes"},
                "label": T("Employer", "Employeur"),
            },
        ],
    )
    invitation = invite(survey)
    url = link(invitation)
    assert "Employer" not in client.get(url).text
    # "Save and finish later" never insists on required answers.
    assert client.post(url, {"page": 0, "action": "save"}).status_code == 302
    assert client.post(url, {"page": 0, "employed": "yes", "action": "submit"}).status_code == 302
    assert not Response.objects.exists()
    page = client.get(url)
    assert "Employer" in page.text and 'value="yes" checked' in page.text
    done = client.post(
        url, {"page": 0, "employed": "yes", "employer": "Maple Tech", "action": "submit"}
    )
    assert done.status_code == 200
    assert {a.question.name for a in Response.objects.get().answers.all()} == {
        "employed",
        "employer",
    }
