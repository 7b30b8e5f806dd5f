import pytest

from tremplin.clients.models import ConsentText
from tremplin.clients.selectors import (
    ClientFilters,
    client_duplicate_groups,
    client_list_for_staff,
    client_possible_duplicates,
    consent_texts_current,
    search_terms,
)
from tremplin.clients.services import digital_assessment_record, needs_assessment_create
from tremplin.clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def names(clients) -> list[str]:
    return [client.first_name for client in clients]


@pytest.fixture
def people(agency, other_agency):
    ClientFactory(
        agency=agency,
        first_name="Aïcha",
        last_name="Diallo",
        email="aicha.d@example.org",
        phone="+15065550131",
    )
    ClientFactory(
        agency=agency,
        first_name="Pierre",
        last_name="Étienne",
        email="pe@example.org",
        phone="+15065550141",
    )
    ClientFactory(
        agency=agency,
        first_name="JOSÉ",
        last_name="Reyes",
        email="jreyes@example.org",
        phone="+19025550155",
    )
    ClientFactory(
        agency=other_agency, first_name="Aicha", last_name="Otheragency", email="aicha@other.org"
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("aicha", ["Aïcha"]),
        ("AÏCHA diallo", ["Aïcha"]),
        ("etienne", ["Pierre"]),
        ("Étienne", ["Pierre"]),
        ("josé", ["JOSÉ"]),
        ("jreyes@", ["JOSÉ"]),
        ("(506) 555-0141", ["Pierre"]),
        ("+1 506 555 0131", ["Aïcha"]),
        ("5550", ["Aïcha", "Pierre", "JOSÉ"]),
        ("nobody", []),
    ],
)
def test_search_ignores_accents_case_and_phone_formatting(agency, people, query, expected):
    found = client_list_for_staff(agency=agency, filters=ClientFilters(query=query))
    assert sorted(names(found)) == sorted(expected)


def test_search_never_reaches_another_agency(other_agency, agency, people):
    assert (
        names(client_list_for_staff(agency=agency, filters=ClientFilters(query="otheragency")))
        == []
    )
    assert names(
        client_list_for_staff(agency=other_agency, filters=ClientFilters(query="aicha"))
    ) == ["Aicha"]


def test_search_terms():
    assert search_terms("403-555 0111") == ["4035550111"]
    assert search_terms("Élise  Ng") == ["elise", "ng"]


def test_filters(agency, counsellor):
    rural = ClientFactory(
        agency=agency, first_name="Rural", location_type="rural", arrival_status="arrived"
    )
    pre = ClientFactory(agency=agency, first_name="Pre", arrival_status="pre_arrival")
    ClientFactory(agency=agency, first_name="Plain")
    digital_assessment_record(client=rural, answers={}, actor=counsellor)
    needs_assessment_create(client=pre, actor=counsellor, needs={"housing": "high"})

    def run(**kwargs):
        return names(client_list_for_staff(agency=agency, filters=ClientFilters(**kwargs)))

    assert run(location_type="rural") == ["Rural"]
    assert run(arrival_status="pre_arrival") == ["Pre"]
    assert run(mode="in_person") == ["Rural"]
    assert sorted(run(assessment_missing=True)) == ["Plain", "Pre"]
    assert run(need="housing") == ["Pre"]
    needs_assessment_create(client=pre, actor=counsellor, needs={"employment": "low"})
    assert run(need="housing") == [], "only the latest needs assessment counts"


def test_filters_from_params_ignore_unknown_values():
    filters = ClientFilters.from_params(
        {"q": "x" * 500, "need": "flying", "mode": "online", "missing": "1"}
    )
    assert (len(filters.query), filters.need, filters.mode, filters.assessment_missing) == (
        100,
        "",
        "online",
        True,
    )


def test_duplicates_by_email_or_phone(agency, other_agency):
    first = ClientFactory(agency=agency, email="same@example.org", phone="+14035550100")
    second = ClientFactory(agency=agency, email="SAME@example.org", phone="+14035550101")
    third = ClientFactory(agency=agency, email="third@example.org", phone="+14035550100")
    ClientFactory(agency=other_agency, email="same@example.org")
    found = client_possible_duplicates(
        agency=agency, email="Same@Example.org", phone="+14035550100", exclude_id=first.pk
    )
    assert found == [second, third]
    assert client_possible_duplicates(agency=agency, email="", phone="") == []
    groups = client_duplicate_groups(agency=agency)
    assert [first, third] in groups


def test_consent_texts_default_to_version_one_without_writing():
    texts = consent_texts_current()
    assert texts["contact_sms"].version == 1 and texts["contact_sms"].pk is None
    assert texts["contact_sms"].body.localize("fr").startswith("L'organisme peut m'envoyer")
    assert not ConsentText.objects.exists()
