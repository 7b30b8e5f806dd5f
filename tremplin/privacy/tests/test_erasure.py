"""Access file and erasure, checked generically over the model graph.

The erasure test writes canary values into the client's record, into rows made through the
apps' own services (case notes, an SMS conversation with an unlinked phone number, outbound
messages, a registration) and then into every erasable text column of every row the graph
finds for the client, in whatever app; after the erasure it scans every text column of every
table (and the messaging outbox files) for the canaries. The coded facts that reports count
(every choice and boolean column of every table) must be the same before and after.
"""

from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils import timezone

from tremplin.agencies.roles import Role
from tremplin.agencies.tests.factories import member
from tremplin.assistant.services import conversation_message_add, conversation_start
from tremplin.audit.models import AuditEvent
from tremplin.clients.models import Client
from tremplin.clients.services import consent_give
from tremplin.clients.tests.factories import CaseNoteFactory, ClientFactory
from tremplin.messaging.services import message_deliver, message_send
from tremplin.privacy.access import access_file_data
from tremplin.privacy.graph import client_rows, client_tables, erasable_fields
from tremplin.privacy.models import RequestStatus
from tremplin.privacy.services import (
    erasure_approve,
    erasure_request,
    legal_hold_place,
    legal_hold_release,
)
from tremplin.programs.models import AttendanceMode
from tremplin.programs.services import attendance_check_in, registration_create
from tremplin.programs.tests.factories import SessionFactory

CANARY = "Zqxcanary"
PHONE = "+14035550199"
EMAIL = "zqxcanary@example.org"
CANARIES = (CANARY.lower(), PHONE, "4035550199", EMAIL)
LOGIN_MACHINERY = {"account.emailaddress", "mfa.authenticator"}


def _text_columns() -> list[tuple[str, str]]:
    out = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                kind = connection.introspection.get_field_type(column.type_code, column)
                if kind in ("CharField", "TextField", "JSONField", "EmailField"):
                    out.append((table, column.name))
    return out


@pytest.fixture(autouse=True)
def _own_outbox(settings, tmp_path):
    """This test's outbox alone: other tests of the same worker send to the same phone number."""
    settings.MESSAGING_OUTBOX_DIR = tmp_path / "outbox"


def _canaries_left() -> list[str]:
    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, column in _text_columns():
            for canary in CANARIES:
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quote(table)} "  # noqa: S608 (names from introspection)
                    f"WHERE LOWER(CAST({quote(column)} AS TEXT)) LIKE %s",
                    [f"%{canary.lower()}%"],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column} ∋ {canary}")
    outbox = Path(settings.MESSAGING_OUTBOX_DIR)
    for path in outbox.glob("*.jsonl") if outbox.is_dir() else []:
        text = path.read_text(encoding="utf-8").lower()
        found += [f"{path.name} ∋ {c}" for c in CANARIES if c.lower() in text]
    return found


def _figures() -> Counter:
    """Row counts by every coded column (choices, booleans) of every table: what reports count."""
    figures: Counter = Counter()
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in LOGIN_MACHINERY or model._meta.app_label in ("audit", "privacy", "sessions"):
            continue
        coded = [
            f.attname
            for f in model._meta.concrete_fields
            if (f.choices and not f.primary_key) or isinstance(f, models.BooleanField)
        ]
        if label == "accounts.user":
            coded = [c for c in coded if c != "is_active"]
        for row in model._base_manager.values_list(*coded) if coded else [()]:
            figures[(label, *row)] += 1
        if not coded:
            figures[(label,)] = model._base_manager.count()
    return figures


def _fill_canaries(client: Client) -> int:
    """Write a canary into every erasable text column of every row the graph finds."""
    filled = 0
    for entry in client_rows(client).values():
        for f in erasable_fields(entry.model):
            if isinstance(f, models.FileField | models.JSONField):
                continue
            size = getattr(f, "max_length", None) or 200
            if size < len(CANARY):
                continue
            entry.rows().update(**{f.name: CANARY})
            filled += 1
    return filled


@pytest.fixture
def full_client(agency, counsellor, facilitator):
    login = member(agency=agency, role=Role.CLIENT, first_name=CANARY, last_name=CANARY)
    login.email = EMAIL
    login.save()
    client = ClientFactory(
        agency=agency,
        user=login,
        first_name=CANARY,
        last_name="Doe",
        email=EMAIL,
        phone=PHONE,
        employment_goal=f"Work with {CANARY}",
    )
    consent_give(client=client, purpose="contact_sms", actor=login)
    CaseNoteFactory(client=client, author=counsellor, body=f"{CANARY} called about childcare.")
    start = timezone.now() + timedelta(minutes=10)
    session = SessionFactory(
        element__program__agency=agency, starts_at=start, ends_at=start + timedelta(hours=1)
    )
    registration = registration_create(
        session=session, client=client, mode=AttendanceMode.ONLINE, actor=login
    )
    attendance_check_in(registration=registration, actor=facilitator)
    # An SMS conversation that was never linked to the record: found by its phone number.
    chat = conversation_start(agency=agency, channel="sms", language="fr", address=PHONE)
    conversation_message_add(conversation=chat, sender="client", text=f"Je suis {CANARY}")
    linked = conversation_start(agency=agency, channel="web", language="en", client=client)
    conversation_message_add(conversation=linked, sender="client", text=f"I am {CANARY}")
    message = message_send(
        agency=agency, channel="sms", text=f"Bonjour {CANARY}", language="fr", client=client
    )
    message.urgent = True  # sent whatever the hour: quiet hours would hold it back
    message.save(update_fields=["urgent"])
    message_deliver(message=message)  # the file adapter writes the outbox line
    return client


@pytest.mark.django_db(transaction=False)
def test_erasure_leaves_no_identifying_value_and_the_same_figures(
    full_client, counsellor, agency_admin
):
    assert _fill_canaries(full_client) > 5
    before_erasure = _canaries_left()
    assert any(place.startswith("sms.jsonl") for place in before_erasure), "the outbox line"
    before = _figures()
    request = erasure_request(client=full_client, actor=counsellor, reason="Asked by phone")
    with pytest.raises(ValidationError):  # the same person cannot approve
        erasure_approve(request=request, actor=counsellor)
    erasure_approve(request=request, actor=agency_admin)

    assert _canaries_left() == []
    assert _figures() == before
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE and request.fulfilled_at is not None
    stub = Client.objects.get(pk=full_client.pk)
    assert stub.user is None and stub.registrations.get().attended_mode == AttendanceMode.IN_PERSON
    assert AuditEvent.objects.filter(action="privacy.erasure_approve", client_id=stub.pk).exists()


@pytest.mark.django_db
def test_a_legal_hold_blocks_erasure(full_client, counsellor):
    hold = legal_hold_place(client=full_client, actor=counsellor, reason="Complaint file")
    with pytest.raises(ValidationError):
        erasure_request(client=full_client, actor=counsellor, reason="Asked")
    legal_hold_release(hold=hold, actor=counsellor)
    assert erasure_request(client=full_client, actor=counsellor, reason="Asked").pk


@pytest.mark.django_db
def test_access_file_lists_every_table_that_references_the_client(full_client):
    data = access_file_data(client=full_client)
    for model in client_tables():
        assert model._meta.label_lower in data["tables"], model._meta.label_lower
    tables = data["tables"]
    assert len(tables["programs.registration"]["rows"]) == 1
    assert len(tables["clients.casenote"]["rows"]) == 1
    assert len(tables["assistant.conversationmessage"]["rows"]) == 2  # linked and by phone
    assert len(tables["messaging.outboundmessage"]["rows"]) == 1
    assert any(CANARY in str(row) for row in tables["clients.client"]["rows"])
    assert "password" not in str(tables["accounts.user"]["rows"])


@pytest.mark.django_db
def test_the_dashboards_give_the_same_figures_after_erasing_everyone(agency):
    """The reports' known cohort (registrations by mode, completions, outcomes, surveys): every
    dashboard total and the mode comparison are the same once every client is erased."""
    reports = pytest.importorskip("tremplin.reports.tests.cohort")
    from datetime import date

    from tremplin.reports.figures import Period, Selection
    from tremplin.reports.selectors import dashboard, mode_comparison

    september = Period(date(2026, 9, 1), date(2026, 9, 30))

    cohort = reports.build_cohort(agency)

    def figures():
        with timezone.override(reports.ZONE):
            board = dashboard(
                agency_ids=[agency.pk],
                selection=Selection(september),
                network=False,
                suppress=False,
            )
            comparison = mode_comparison(
                agency_ids=[agency.pk], selection=Selection(september), suppress=False
            )
        totals = {
            (table.key, cell.column.key): (cell.display, cell.previous_display)
            for table in board.tables
            for cell in table.total.cells
        }
        return totals, repr(comparison)

    before = figures()
    assert cohort is not None and before[0]
    from tremplin.privacy.services import erase_client

    for person in Client.objects.filter(agency=agency):
        erase_client(client=person)
    assert figures() == before
