from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone
from i18nfield.strings import LazyI18nString

from tremplin.agencies.models import LocationKind
from tremplin.agencies.tests.factories import LocationFactory
from tremplin.clients.tests.factories import ClientFactory
from tremplin.core.choices import DeliveryMode
from tremplin.programs import selectors, services
from tremplin.programs.models import ServiceType, SessionLanguage, SessionStatus
from tremplin.programs.services import SessionDetails
from tremplin.programs.tests.factories import ProgramFactory, ServiceElementFactory, SessionFactory

pytestmark = pytest.mark.django_db


def create(
    agency,
    *,
    title,
    topic="",
    days=2,
    mode=DeliveryMode.HYBRID,
    language="en",
    service_type=ServiceType.WORKSHOP,
    kind=LocationKind.URBAN,
):
    element = ServiceElementFactory(program__agency=agency, service_type=service_type)
    start = timezone.now() + timedelta(days=days)
    return services.session_create(
        agency=agency,
        actor=None,
        details=SessionDetails(
            element=element,
            title=LazyI18nString(title),
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            delivery_mode=mode,
            in_person_capacity=5,
            online_capacity=5,
            language=language,
            topic=topic,
            location=LocationFactory(agency=agency, kind=kind),
        ),
    )


@pytest.fixture
def catalogue(agency):
    return {
        "resume": create(
            agency,
            title={"en": "Resume writing workshop", "fr": "Atelier de rédaction de CV"},
            topic="resume cv",
        ),
        "interview": create(
            agency,
            title={"en": "Interview preparation", "fr": "Préparation aux entrevues"},
            days=5,
            mode=DeliveryMode.ONLINE,
            language=SessionLanguage.FR,
        ),
        "hiring": create(
            agency,
            title={"en": "Hiring event", "fr": "Salon de l'emploi"},
            days=12,
            mode=DeliveryMode.IN_PERSON,
            service_type=ServiceType.HIRING_EVENT,
            kind=LocationKind.RURAL,
            language=SessionLanguage.BILINGUAL,
        ),
    }


def titles(agency, **filters):
    return [
        str(s.title.localize("en"))
        for s in selectors.session_list_upcoming(agency=agency, **filters)
    ]


@pytest.mark.parametrize(
    "query", ["resume", "Résumé", "RESUMES", "cv", "rédaction", "redaction atelier", "writings"]
)
def test_topic_search_ignores_case_accents_and_language(agency, catalogue, query):
    assert titles(agency, topic=query) == ["Resume writing workshop"]


def test_topic_search_matches_word_starts_only(agency, catalogue):
    assert titles(agency, topic="entrevue") == ["Interview preparation"]
    assert titles(agency, topic="view") == []  # not inside "interview"
    assert titles(agency, topic="!!") == []


def test_filters(agency, catalogue):
    now = timezone.now()
    assert titles(agency, mode="online") == ["Resume writing workshop", "Interview preparation"]
    assert titles(agency, mode="in_person") == ["Resume writing workshop", "Hiring event"]
    assert titles(agency, mode="hybrid") == ["Resume writing workshop"]
    assert titles(agency, language="fr") == ["Interview preparation", "Hiring event"]
    assert titles(agency, service_type="hiring_event") == ["Hiring event"]
    assert titles(agency, location_kind="rural") == ["Hiring event"]
    # Rural clients take online sessions: online + rural is every session open online.
    assert titles(agency, mode="online", location_kind="rural") == [
        "Resume writing workshop",
        "Interview preparation",
    ]
    assert titles(agency, location_kind="online") == [
        "Resume writing workshop",
        "Interview preparation",
    ]
    assert titles(agency, start=now + timedelta(days=3), end=now + timedelta(days=10)) == [
        "Interview preparation"
    ]
    assert titles(agency, mode="by_fax") == []


def test_upcoming_leaves_out_past_cancelled_unpublished_and_other_agencies(
    agency, other_agency, catalogue
):
    SessionFactory(element__program__agency=agency, starts_at=timezone.now() - timedelta(hours=1))
    SessionFactory(element__program__agency=agency, status=SessionStatus.CANCELLED)
    SessionFactory(element__program=ProgramFactory(agency=agency, is_published=False))
    SessionFactory(element__program__agency=other_agency)
    assert len(titles(agency)) == 3


def test_seat_counts_are_annotated(agency, catalogue):
    client = ClientFactory(agency=agency)
    services.registration_create(
        session=catalogue["resume"], client=client, mode="online", actor=None
    )
    session = selectors.session_get_for_agency(agency=agency, session_id=catalogue["resume"].pk)
    assert (session.seats_left_online, session.seats_left_in_person) == (4, 5)


def test_session_list_upcoming_query_count_is_constant(agency, django_assert_num_queries):
    for day in range(1, 8):
        SessionFactory(
            element__program__agency=agency, starts_at=timezone.now() + timedelta(days=day)
        )
    with django_assert_num_queries(1):
        for session in selectors.session_list_upcoming(agency=agency):
            str(session.element.program.title), session.location, session.seats_left_online


def test_a_clients_registrations_upcoming_first(agency):
    client = ClientFactory(agency=agency)
    later = SessionFactory(
        element__program__agency=agency, starts_at=timezone.now() + timedelta(days=9)
    )
    sooner = SessionFactory(
        element__program__agency=agency, starts_at=timezone.now() + timedelta(days=1)
    )
    for session in (later, sooner):
        services.registration_create(session=session, client=client, mode="online", actor=None)
    cancelled = services.registration_create(
        session=SessionFactory(element__program__agency=agency),
        client=client,
        mode="online",
        actor=None,
    )
    services.registration_cancel(registration=cancelled, actor=None)
    SessionFactory._meta.model.objects.filter(pk=later.pk).update(
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2) + timedelta(hours=1),
    )
    assert [r.session_id for r in selectors.registration_list_for_client(client=client)] == [
        sooner.pk,
        later.pk,
    ]


def test_registration_of_another_client_is_404(agency):
    mine, theirs = ClientFactory(agency=agency), ClientFactory(agency=agency)
    registration = services.registration_create(
        session=SessionFactory(element__program__agency=agency),
        client=theirs,
        mode="online",
        actor=None,
    )
    with pytest.raises(Http404):
        selectors.registration_get_for_client(client=mine, registration_id=registration.pk)
    with pytest.raises(Http404):
        selectors.session_get_for_agency(agency=agency, session_id=987654)


def test_recordings_only_for_clients_confirmed_in_the_program(agency):
    session = SessionFactory(element__program__agency=agency, online_capacity=1)
    sibling = SessionFactory(element__program=session.element.program)
    recording = services.recording_create(
        session=sibling,
        actor=None,
        title=LazyI18nString({"en": "Rec"}),
        url="https://videos.example.org/1",
    )
    seated, waiting, outsider = ClientFactory.create_batch(3, agency=agency)
    services.registration_create(session=session, client=seated, mode="online", actor=None)
    services.registration_create(session=session, client=waiting, mode="online", actor=None)
    assert list(selectors.recording_list_for_client(client=seated)) == [recording]
    for client in (waiting, outsider):
        with pytest.raises(Http404):
            selectors.recording_get_for_client(client=client, recording_id=recording.pk)
