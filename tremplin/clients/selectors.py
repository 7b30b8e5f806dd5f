"""Reads on client records, with the rules of who may see what.

`consent_allows` and `client_contact_channels` are THE functions every other app asks before
contacting a client: nothing may reach a client on a channel without its consent.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from i18nfield.strings import LazyI18nString

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency
from tremplin.clients.consent_texts import DEFAULT_CONSENT_TEXTS
from tremplin.clients.models import (
    CHANNEL_CONSENT,
    PROFILE_FIELDS,
    ArrivalStatus,
    CaseNote,
    Client,
    ConsentPurpose,
    ConsentRecord,
    ConsentText,
    ContactChannel,
    DeliveryMode,
    DigitalAssessment,
    LocationType,
    Need,
    Referral,
)
from tremplin.core.text import fold

MAX_QUERY_LENGTH = 100


def client_get_for_agency(*, agency: Agency, client_id: int) -> Client:
    client = Client.objects.filter(agency=agency, pk=client_id).select_related("counsellor").first()
    if client is None:
        raise Http404
    return client


def client_of_user(*, agency: Agency, user: User | AnonymousUser) -> Client | None:
    """The signed-in person's own client record in this agency, if they have one."""
    if not user.is_authenticated:
        return None
    try:  # one at most (client_one_record_per_user): no ordering to build, as first() would
        return Client.objects.get(agency=agency, user=user)
    except Client.DoesNotExist:
        return None


def client_get_own(*, agency: Agency, user: User | AnonymousUser) -> Client:
    """The signed-in client's own record, or 404: a client reaches no other record."""
    client = client_of_user(agency=agency, user=user)
    if client is None:
        raise Http404
    return client


# ---- staff list --------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientFilters:
    query: str = ""
    need: str = ""
    arrival_status: str = ""
    location_type: str = ""
    mode: str = ""
    assessment_missing: bool = False

    @classmethod
    def from_params(cls, params: Any) -> "ClientFilters":
        """Read the list's GET parameters; unknown values are ignored, never an error."""

        def pick(name: str, allowed: list[str]) -> str:
            value = params.get(name, "")
            return value if value in allowed else ""

        return cls(
            query=params.get("q", "")[:MAX_QUERY_LENGTH].strip(),
            need=pick("need", Need.values),
            arrival_status=pick("arrival", ArrivalStatus.values),
            location_type=pick("location", LocationType.values),
            mode=pick("mode", DeliveryMode.values),
            assessment_missing=params.get("missing") == "1",
        )


def search_terms(query: str) -> list[str]:
    """The folded words of a staff search; a phone number typed with spaces or dashes is one term."""
    if re.fullmatch(r"[\d\s().+-]+", query) and sum(char.isdigit() for char in query) >= 3:
        return [re.sub(r"\D", "", query)]
    return fold(query).split()


def client_list_for_staff(*, agency: Agency, filters: ClientFilters) -> QuerySet[Client]:
    clients = Client.objects.filter(agency=agency)
    for term in search_terms(filters.query):
        clients = clients.filter(search_text__contains=term)
    if filters.need:
        clients = clients.filter(latest_needs_assessment__needs__need=filters.need)
    if filters.arrival_status:
        clients = clients.filter(arrival_status=filters.arrival_status)
    if filters.location_type:
        clients = clients.filter(location_type=filters.location_type)
    if filters.mode:
        clients = clients.filter(latest_assessment__recommended_mode=filters.mode)
    if filters.assessment_missing:
        clients = clients.filter(latest_assessment__isnull=True)
    return (
        clients.select_related("latest_assessment", "counsellor", "latest_needs_assessment")
        .prefetch_related("latest_needs_assessment__needs")
        .order_by("last_name", "first_name", "id")
    )


# ---- duplicates --------------------------------------------------------------------------


def client_possible_duplicates(
    *, agency: Agency, email: str, phone: str, exclude_id: int | None = None
) -> list[Client]:
    """Records of the agency with the same email (any case) or the same phone (E.164)."""
    match = Q()
    if email:
        match |= Q(email__iexact=email.strip())
    if phone:
        match |= Q(phone=phone)
    if not match:
        return []
    clients = Client.objects.filter(agency=agency).filter(match)
    if exclude_id is not None:
        clients = clients.exclude(pk=exclude_id)
    return list(clients.order_by("created_at", "id")[:10])


def client_duplicate_groups(*, agency: Agency) -> list[list[Client]]:
    """Groups of records that share an email or a phone number, oldest record first."""
    clients = Client.objects.filter(agency=agency)
    emails = list(
        clients.exclude(email="")
        .values("email")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("email", flat=True)[:100]
    )
    phones = list(
        clients.exclude(phone="")
        .values("phone")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("phone", flat=True)[:100]
    )
    if not emails and not phones:
        return []
    rows = list(
        clients.filter(Q(email__in=emails) | Q(phone__in=phones)).order_by("created_at", "id")
    )
    groups: list[list[Client]] = []
    seen: set[int] = set()
    for key_field, keys in (("email", emails), ("phone", phones)):
        for key in keys:
            group = [client for client in rows if getattr(client, key_field) == key]
            ids = frozenset(client.pk for client in group)
            if len(group) > 1 and not ids <= seen:
                groups.append(group)
                seen |= ids
    return groups


# ---- assessments -------------------------------------------------------------------------


def client_latest_assessment(*, client: Client) -> DigitalAssessment | None:
    return DigitalAssessment.objects.filter(client=client).order_by("-created_at", "-id").first()


def client_assessments(*, client: Client) -> QuerySet[DigitalAssessment]:
    return (
        DigitalAssessment.objects.filter(client=client)
        .select_related("assessed_by")
        .order_by("-created_at", "-id")
    )


def client_needs_assessments(*, client: Client) -> QuerySet:
    return (
        client.needs_assessments.all()
        .select_related("assessed_by")
        .prefetch_related("needs")
        .order_by("-created_at", "-id")
    )


# ---- consent -----------------------------------------------------------------------------


def consent_state(*, client: Client) -> dict[str, ConsentRecord | None]:
    """The current (newest) record for every purpose; None where the client never answered."""
    state: dict[str, ConsentRecord | None] = dict.fromkeys(ConsentPurpose.values)
    records = (
        ConsentRecord.objects.filter(client=client)
        .select_related("text")
        .order_by("-recorded_at", "-id")
    )
    for record in records:
        current = state.get(record.purpose)
        if current is None:
            record.ever_given = record.given  # type: ignore[attr-defined]
            state[record.purpose] = record
        elif record.given:
            # "Withdrawn" only when it had been given: a no from the start is "Not given".
            current.ever_given = True  # type: ignore[attr-defined]
    return state


def consent_allows(*, client: Client, purpose: str) -> bool:
    """Whether the client's current answer for `purpose` (a ConsentPurpose value) is yes."""
    record = (
        ConsentRecord.objects.filter(client=client, purpose=purpose)
        .order_by("-recorded_at", "-id")
        .only("given")
        .first()
    )
    return record is not None and record.given


def client_contact_channels(*, client: Client) -> list[str]:
    """The client's preferred channels, in order, that may be used now.

    A remote channel is kept when the client consented to it and the record holds what it
    needs (an email address for email, a phone number for SMS, WhatsApp and calls);
    "in_person" needs no consent and is kept as is. One query.
    """
    allowed = {
        purpose
        for purpose, record in consent_state(client=client).items()
        if record is not None and record.given
    }
    reachable = {
        ContactChannel.EMAIL: bool(client.email),
        ContactChannel.SMS: bool(client.phone),
        ContactChannel.WHATSAPP: bool(client.phone),
        ContactChannel.PHONE: bool(client.phone),
        ContactChannel.IN_PERSON: True,
    }
    channels = []
    for channel in client.preferred_channels or []:
        if channel not in reachable or not reachable[channel]:
            continue
        if channel in CHANNEL_CONSENT and CHANNEL_CONSENT[channel] not in allowed:
            continue
        channels.append(channel)
    return channels


def consent_texts_current() -> dict[str, ConsentText]:
    """The newest text per purpose; purposes never consented to yet show the default version 1
    (an unsaved object: it is stored when someone first consents)."""
    texts: dict[str, ConsentText] = {}
    for text in ConsentText.objects.order_by("purpose", "-version"):
        texts.setdefault(text.purpose, text)
    for purpose in ConsentPurpose.values:
        if purpose not in texts:
            default = DEFAULT_CONSENT_TEXTS[purpose]
            texts[purpose] = ConsentText(
                purpose=purpose,
                version=1,
                title=LazyI18nString(default["title"]),
                body=LazyI18nString(default["body"]),
            )
    return texts


# ---- notes and referrals -----------------------------------------------------------------


def case_notes_for_client(*, client: Client) -> QuerySet[CaseNote]:
    return (
        CaseNote.objects.filter(client=client)
        .select_related("author")
        .prefetch_related("revisions")
        .order_by("-created_at", "-id")
    )


def case_note_get_for_client(*, client: Client, casenote_id: int) -> CaseNote:
    note = CaseNote.objects.filter(client=client, pk=casenote_id).select_related("author").first()
    if note is None:
        raise Http404
    return note


def referrals_for_client(*, client: Client) -> QuerySet[Referral]:
    return Referral.objects.filter(client=client).order_by("-made_on", "-id")


def referral_get_for_client(*, client: Client, referral_id: int) -> Referral:
    referral = Referral.objects.filter(client=client, pk=referral_id).first()
    if referral is None:
        raise Http404
    return referral


def client_export_data(*, client: Client) -> dict[str, Any]:
    """Everything the agency holds on a client, for an access request (JSON-ready)."""
    profile_fields = (*PROFILE_FIELDS, "preferred_channels", "created_at", "intake_completed_at")
    return {
        "client_id": client.pk,
        "agency": client.agency.slug,
        "profile": {field: getattr(client, field) for field in profile_fields},
        "languages": list(client.languages.values("language", "clb_level", "proficiency")),
        "digital_assessments": list(
            client.digital_assessments.values(
                "created_at",
                "answers",
                "score",
                "level",
                "recommended_mode",
                "recommended_channels",
            )
        ),
        "needs_assessments": [
            {
                "date": assessment.created_at,
                "notes": assessment.notes,
                "needs": [(n.need, n.priority) for n in assessment.needs.all()],
            }
            for assessment in client_needs_assessments(client=client)
        ],
        "referrals": list(
            client.referrals.values(
                "kind",
                "to_name",
                "need",
                "status",
                "made_on",
                "accepted_on",
                "completed_on",
                "declined_on",
            )
        ),
        "consents": list(
            client.consent_records.values("purpose", "given", "recorded_at", "text__version")
        ),
        "case_notes": list(client.case_notes.values("created_at", "updated_at", "body")),
    }
