"""Outcomes: staff record them, a follow-up response creates or updates them, the client's page
shows the history, every write is audited, bad input writes nothing."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from tremplin.audit.models import AuditEvent
from tremplin.audit.reads import READ_ACTIONS
from tremplin.clients.tests.factories import ClientFactory
from tremplin.outcomes.models import Outcome, OutcomeSource, OutcomeType
from tremplin.outcomes.services import outcome_record
from tremplin.surveys import services
from tremplin.surveys.models import SurveyKind
from tremplin.surveys.templates_data import ensure_network_templates

pytestmark = pytest.mark.django_db


def url(name, agency, **kwargs):
    with translation.override("fr"):
        return reverse(name, kwargs={"agency_slug": agency.slug, **kwargs})


@pytest.fixture
def staff(client, counsellor):
    client.force_login(counsellor)
    return client


def test_staff_record_a_hire_and_the_client_page_shows_it(staff, agency, counsellor):
    person = ClientFactory(agency=agency)
    page = staff.post(
        url("outcomes:record", agency, client_id=person.pk),
        {
            "outcome_type": "hired",
            "recorded_on": date.today().isoformat(),
            "employer_name": "Maple Tech",
            "noc_code": "21232",
            "employment_type": "full_time",
            "hours_per_week": "37",
            "wage_band": "28_35",
            "in_field": "yes",
        },
    )
    assert page.status_code == 302
    outcome = Outcome.objects.get(client=person)
    assert (outcome.source, outcome.in_field, outcome.recorded_by) == (
        OutcomeSource.STAFF,
        True,
        counsellor,
    )
    assert AuditEvent.objects.filter(
        action="outcome.record", client_id=person.pk, actor=counsellor
    ).exists()
    detail = staff.get(url("clients:detail", agency, client_id=person.pk))
    assert "Maple Tech" in detail.text and "Embauché" in detail.text and "CNP 21232" in detail.text
    staff.post(
        url("outcomes:edit", agency, outcome_id=outcome.pk),
        {
            "outcome_type": "hired",
            "recorded_on": date.today().isoformat(),
            "employer_name": "Maple Tech Inc.",
            "in_field": "",
        },
    )
    outcome.refresh_from_db()
    assert outcome.employer_name == "Maple Tech Inc." and outcome.in_field is None
    assert AuditEvent.objects.filter(action="outcome.update", client_id=person.pk).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome_type": "hired", "noc_code": "2123"}, "Un code CNP 2021 a cinq chiffres."),
        ({"outcome_type": "left"}, "Indiquez pourquoi le client a quitté le programme."),
        (
            {"outcome_type": "hired", "left_reason": "moved"},
            "Un motif de départ va avec le résultat",
        ),
        (
            {
                "outcome_type": "hired",
                "recorded_on": (date.today() + timedelta(days=30)).isoformat(),
            },
            "ne peut pas être dans le futur",
        ),
        (
            {"outcome_type": "hired", "hours_per_week": "200"},
            "Assurez-vous que cette valeur est inférieure ou égale à 80.",
        ),
        ({"outcome_type": "nonsense"}, "Sélectionnez un choix valide."),
        ({"outcome_type": "hired", "recorded_on": "31/31/2026"}, "Saisissez une date valide."),
    ],
)
def test_bad_outcome_input_gives_a_message_and_writes_nothing(staff, agency, data, message):
    person = ClientFactory(agency=agency)
    before = Outcome.objects.count(), AuditEvent.objects.exclude(action__in=READ_ACTIONS).count()
    page = staff.post(
        url("outcomes:record", agency, client_id=person.pk),
        {"recorded_on": date.today().isoformat(), **data},
    )
    assert page.status_code == 200
    assert message in page.content.decode().replace("&#x27;", "'")
    assert (
        Outcome.objects.count(),
        AuditEvent.objects.exclude(action__in=READ_ACTIONS).count(),
    ) == before


def _follow_up(agency):
    template = next(
        t for t in ensure_network_templates(agency.network) if t.kind == SurveyKind.FOLLOW_UP
    )
    return services.survey_adopt(template=template, agency=agency, actor=None)


def test_a_follow_up_response_creates_then_updates_the_outcome(agency):
    survey = _follow_up(agency)
    person = ClientFactory(agency=agency)
    answers = {
        "employed": "yes",
        "employer": "Prairie Foods Co-op",
        "noc": "65200",
        "in_field": "no",
        "employment_type": "part_time",
        "hours": "24",
        "wage_band": "18_22",
        "contact_again": "yes",
    }
    first = services.invitation_create(
        survey=survey, actor=None, client=person, follow_up_months=3, send=False
    )
    response = services.response_submit(invitation=first, answers=answers, language="en")
    outcome = Outcome.objects.get(client=person)
    assert (outcome.outcome_type, outcome.source, outcome.response, outcome.follow_up_months) == (
        OutcomeType.HIRED,
        OutcomeSource.SURVEY,
        response,
        3,
    )
    assert (outcome.employer_name, outcome.noc_code, outcome.hours_per_week, outcome.in_field) == (
        "Prairie Foods Co-op",
        "65200",
        24,
        False,
    )
    # Six months: same employer, now full time → the same outcome is updated.
    second = services.invitation_create(
        survey=survey, actor=None, client=person, follow_up_months=6, send=False
    )
    services.response_submit(
        invitation=second,
        answers={**answers, "employment_type": "full_time", "hours": "40"},
        language="en",
    )
    outcome.refresh_from_db()
    assert Outcome.objects.filter(client=person).count() == 1
    assert (outcome.employment_type, outcome.hours_per_week, outcome.follow_up_months) == (
        "full_time",
        40,
        6,
    )
    # Twelve months: a new employer → a new row in the history.
    third = services.invitation_create(
        survey=survey, actor=None, client=person, follow_up_months=12, send=False
    )
    services.response_submit(
        invitation=third, answers={**answers, "employer": "Maple Tech"}, language="en"
    )
    assert list(
        Outcome.objects.filter(client=person).order_by("id").values_list("employer_name", flat=True)
    ) == ["Prairie Foods Co-op", "Maple Tech"]
    assert (
        AuditEvent.objects.filter(
            action__in=["outcome.record", "outcome.update"], client_id=person.pk
        ).count()
        == 3
    )


def test_an_employer_hire_is_an_outcome_too(agency):
    person = ClientFactory(agency=agency)
    outcome = outcome_record(
        agency=agency,
        client=person,
        actor=None,
        outcome_type="hired",
        source="employer",
        recorded_on=date.today(),
        employer_name="Café Soleil",
    )
    assert outcome.get_source_display() == "Employer"
