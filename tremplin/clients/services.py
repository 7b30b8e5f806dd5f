"""Writes on client records. Every change a person makes is audited (field names, never values)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ManyToManyRel
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from i18nfield.strings import LazyI18nString

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency
from tremplin.audit.services import audit_log
from tremplin.clients.consent_texts import DEFAULT_CONSENT_TEXTS
from tremplin.clients.intake import intake_progress
from tremplin.clients.models import (
    CHANNEL_CONSENT,
    PROFILE_FIELDS,
    CaseNote,
    CaseNoteRevision,
    Client,
    ClientLanguage,
    ClientNeed,
    ConsentPurpose,
    ConsentRecord,
    ConsentText,
    ContactChannel,
    DigitalAssessment,
    Need,
    NeedsAssessment,
    Priority,
    Referral,
    ReferralKind,
    ReferralStatus,
)
from tremplin.clients.reference import LANGUAGES
from tremplin.clients.scoring import score_digital_assessment
from tremplin.clients.validation import check_client_record, normalise_phone, search_text_for
from tremplin.core.services import Actor

# Who acts: a signed-in person, or None for the system (demo data, imports).

# What intake forms, staff and the assistant may change through client_update().
EDITABLE_FIELDS = frozenset(PROFILE_FIELDS)


def _phone_field(raw: str) -> str:
    try:
        return normalise_phone(raw)
    except ValidationError as error:
        raise ValidationError({"phone": error.error_list}) from error


def _save_record(client: Client, *, fields: Iterable[str] | None = None) -> None:
    check_client_record(client)
    client.search_text = search_text_for(
        first_name=client.first_name,
        last_name=client.last_name,
        email=client.email,
        phone=client.phone,
    )
    if fields is None:
        client.save()
    else:
        client.save(update_fields=[*fields, "search_text", "updated_at"])


@transaction.atomic
def client_create(
    *,
    agency: Agency,
    actor: Actor,
    first_name: str,
    last_name: str,
    user: User | None = None,
    email: str = "",
    phone: str = "",
    preferred_language: str = "en",
    counsellor: User | None = None,
    refuse_duplicates: bool = False,
) -> Client:
    if refuse_duplicates and (email.strip() or phone.strip()):
        # Race-safe duplicate check: creations in one agency queue on the agency's row
        # (PostgreSQL; SQLite's IMMEDIATE transactions already serialise writers), so of four
        # identical concurrent submissions exactly one creates the record.
        Agency.objects.select_for_update().filter(pk=agency.pk).first()
        from tremplin.clients.selectors import client_possible_duplicates

        if client_possible_duplicates(agency=agency, email=email, phone=_phone_field(phone)):
            raise ValidationError(
                _(
                    "A client with this email or phone number already exists. Check the records below."
                ),
                code="duplicate",
            )
    client = Client(
        agency=agency,
        user=user,
        counsellor=counsellor,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip().lower(),
        phone=_phone_field(phone),
        preferred_language=preferred_language if preferred_language in LANGUAGES else "en",
    )
    _save_record(client)
    audit_log(agency=agency, actor=actor, action="client.create", obj=client, client_id=client.pk)
    return client


@transaction.atomic
def client_update(*, client: Client, actor: Actor, changes: Mapping[str, Any]) -> Client:
    """Change profile fields (see EDITABLE_FIELDS); raises ValidationError and saves nothing on bad input."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable through client_update: {sorted(unknown)}")
    changed = []
    for field, value in changes.items():
        if field == "phone":
            value = _phone_field(value or "")
        elif field == "email":
            value = (value or "").strip().lower()
        elif isinstance(value, str):
            value = value.strip()
        if getattr(client, field) != value:
            setattr(client, field, value)
            changed.append(field)
    if not changed:
        return client
    try:
        _save_record(client, fields=changed)
    except ValidationError:
        client.refresh_from_db(fields=changed)  # the caller keeps an unchanged object
        raise
    audit_log(
        agency=client.agency,
        actor=actor,
        action="client.update",
        obj=client,
        client_id=client.pk,
        detail={"fields": sorted(changed)},
    )
    return client


@dataclass(frozen=True)
class LanguageEntry:
    language: str
    clb_level: int | None = None
    proficiency: str = ""


@transaction.atomic
def client_set_languages(
    *, client: Client, actor: Actor, languages: Iterable[LanguageEntry]
) -> Client:
    """Replace the languages a client speaks (CLB levels for English and French, a level otherwise)."""
    entries: dict[str, LanguageEntry] = {}
    for entry in languages:
        if entry.language not in LANGUAGES:
            raise ValidationError(_("Choose a language from the list."), code="invalid_language")
        if entry.clb_level is not None and not 1 <= entry.clb_level <= 12:
            raise ValidationError(_("A CLB level is between 1 and 12."), code="invalid_clb")
        entries.setdefault(entry.language, entry)
    rows = ClientLanguage.objects.with_scope(agency=client.agency)
    rows.filter(client=client).delete()
    rows.bulk_create(
        ClientLanguage(
            agency=client.agency,
            client=client,
            language=entry.language,
            clb_level=entry.clb_level,
            proficiency=entry.proficiency,
        )
        for entry in entries.values()
    )
    audit_log(
        agency=client.agency,
        actor=actor,
        action="client.update",
        obj=client,
        client_id=client.pk,
        detail={"fields": ["languages"]},
    )
    return client


def _person(actor: Actor) -> User | None:
    """The user to store on a row (None for the system or an anonymous visitor)."""
    return actor if actor is not None and actor.is_authenticated else None


def _is_self(client: Client, actor: Actor) -> bool:
    return actor is not None and client.user_id is not None and client.user_id == actor.pk


@transaction.atomic
def client_update_contact_preferences(
    *, client: Client, channels: list[str], actor: Actor
) -> Client:
    """Set the preferred channels, most preferred first.

    When the client chooses them themself, choosing a channel is their consent to be contacted
    on it, so the consent is recorded too. Staff choosing on a client's behalf record consent
    separately (consent_give), after asking the client.
    """
    ordered: list[str] = []
    for channel in channels:
        if channel not in ContactChannel.values:
            raise ValidationError(
                _("Choose contact channels from the list."), code="invalid_channel"
            )
        if channel not in ordered:
            ordered.append(channel)
    if ordered != client.preferred_channels:
        client.preferred_channels = ordered
        _save_record(client, fields=["preferred_channels"])
        audit_log(
            agency=client.agency,
            actor=actor,
            action="client.update",
            obj=client,
            client_id=client.pk,
            detail={"fields": ["preferred_channels"]},
        )
    if _is_self(client, actor):
        for channel in ordered:
            if channel in CHANNEL_CONSENT:
                consent_give(client=client, purpose=CHANNEL_CONSENT[channel], actor=actor)
    return client


@transaction.atomic
def client_assign_counsellor(*, client: Client, counsellor: User | None, actor: Actor) -> Client:
    if client.counsellor_id != (counsellor.pk if counsellor else None):
        client.counsellor = counsellor
        client.save(update_fields=["counsellor", "updated_at"])
        audit_log(
            agency=client.agency,
            actor=actor,
            action="client.update",
            obj=client,
            client_id=client.pk,
            detail={"fields": ["counsellor"]},
        )
    return client


@transaction.atomic
def client_complete_intake(*, client: Client, actor: Actor) -> Client:
    """Mark the intake done the first time every step is complete (see intake.py)."""
    if client.intake_completed_at is None and intake_progress(client=client).complete:
        client.intake_completed_at = timezone.now()
        client.save(update_fields=["intake_completed_at", "updated_at"])
        audit_log(
            agency=client.agency,
            actor=actor,
            action="client.intake_complete",
            obj=client,
            client_id=client.pk,
        )
    return client


def client_access_log(*, client: Client, actor: Actor, action: str) -> None:
    """Record that a staff member viewed or exported a client record ("client.view", "client.export")."""
    audit_log(agency=client.agency, actor=actor, action=action, obj=client, client_id=client.pk)


# ---- digital assessment ------------------------------------------------------------------


@transaction.atomic
def digital_assessment_record(
    *, client: Client, answers: Mapping[str, Any], actor: Actor
) -> DigitalAssessment:
    """Score the answers and keep them as a new assessment; earlier ones stay as history."""
    result = score_digital_assessment(answers)
    assessment = DigitalAssessment.objects.with_scope(agency=client.agency).create(
        agency=client.agency,
        client=client,
        answers=dict(answers),
        score=result.score,
        level=result.level,
        recommended_mode=result.recommended_mode,
        recommended_channels=result.recommended_channels,
        assessed_by=_person(actor),
    )
    client.latest_assessment = assessment
    client.save(update_fields=["latest_assessment", "updated_at"])
    audit_log(
        agency=client.agency,
        actor=actor,
        action="digital_assessment.create",
        obj=assessment,
        client_id=client.pk,
    )
    return assessment


# ---- needs and referrals -----------------------------------------------------------------


@transaction.atomic
def needs_assessment_create(
    *, client: Client, actor: Actor, needs: Mapping[str, str], notes: str = ""
) -> NeedsAssessment:
    """A new needs assessment: `needs` maps each Need code to its Priority code."""
    if not needs:
        raise ValidationError(_("Choose at least one need."), code="no_needs")
    for need, priority in needs.items():
        if need not in Need.values or priority not in Priority.values:
            raise ValidationError(
                _("Choose needs and priorities from the lists."), code="invalid_need"
            )
    assessment = NeedsAssessment.objects.with_scope(agency=client.agency).create(
        agency=client.agency,
        client=client,
        notes=notes.strip(),
        assessed_by=_person(actor),
    )
    ClientNeed.objects.with_scope(agency=client.agency).bulk_create(
        ClientNeed(
            agency=client.agency, client=client, assessment=assessment, need=need, priority=priority
        )
        for need, priority in needs.items()
    )
    client.latest_needs_assessment = assessment
    client.save(update_fields=["latest_needs_assessment", "updated_at"])
    audit_log(
        agency=client.agency,
        actor=actor,
        action="needs_assessment.create",
        obj=assessment,
        client_id=client.pk,
        detail={"needs": sorted(needs)},
    )
    return assessment


@transaction.atomic
def referral_create(
    *,
    client: Client,
    actor: Actor,
    kind: str,
    to_name: str,
    need: str = "",
    program_ref: str = "",
    contact: str = "",
    notes: str = "",
    made_on: date | None = None,
) -> Referral:
    if kind not in ReferralKind.values:
        raise ValidationError(_("Choose where the referral goes."), code="invalid_kind")
    if not to_name.strip():
        raise ValidationError(_("Name the program or organisation."), code="required")
    if need and need not in Need.values:
        raise ValidationError(_("Choose needs and priorities from the lists."), code="invalid_need")
    referral = Referral.objects.with_scope(agency=client.agency).create(
        agency=client.agency,
        client=client,
        kind=kind,
        to_name=to_name.strip(),
        need=need,
        program_ref=program_ref.strip(),
        contact=contact.strip(),
        notes=notes.strip(),
        made_on=made_on or timezone.localdate(),
        created_by=_person(actor),
    )
    audit_log(
        agency=client.agency,
        actor=actor,
        action="referral.create",
        obj=referral,
        client_id=client.pk,
    )
    return referral


_STATUS_DATE_FIELD: dict[str, str] = {
    ReferralStatus.ACCEPTED: "accepted_on",
    ReferralStatus.COMPLETED: "completed_on",
    ReferralStatus.DECLINED: "declined_on",
}


@transaction.atomic
def referral_set_status(
    *, referral: Referral, status: str, actor: Actor, on: date | None = None
) -> Referral:
    if status not in ReferralStatus.values:
        raise ValidationError(_("Choose a status from the list."), code="invalid_status")
    on = on or timezone.localdate()
    if on < referral.made_on:
        raise ValidationError(_("This date is before the referral was made."), code="before_made")
    if on > timezone.localdate():
        raise ValidationError(_("This date cannot be in the future."), code="future")
    referral.status = status
    fields = ["status", "updated_at"]
    if status in _STATUS_DATE_FIELD:
        setattr(referral, _STATUS_DATE_FIELD[status], on)
        fields.append(_STATUS_DATE_FIELD[status])
    referral.save(update_fields=fields)
    audit_log(
        agency=referral.agency,
        actor=actor,
        action="referral.status",
        obj=referral,
        client_id=referral.client_id,
        detail={"status": status},
    )
    return referral


# ---- consent -----------------------------------------------------------------------------


def consent_text_ensure(*, purpose: str) -> ConsentText:
    """The newest version of the text for a purpose, creating version 1 from the defaults."""
    text = ConsentText.objects.filter(purpose=purpose).order_by("-version").first()
    if text is None:
        default = DEFAULT_CONSENT_TEXTS[purpose]
        text, _created = ConsentText.objects.get_or_create(
            purpose=purpose,
            version=1,
            defaults={
                "title": LazyI18nString(default["title"]),
                "body": LazyI18nString(default["body"]),
            },
        )
    return text


@transaction.atomic
def _consent_set(*, client: Client, purpose: str, given: bool, actor: Actor) -> ConsentRecord:
    if purpose not in ConsentPurpose.values:
        raise ValidationError(_("Unknown consent purpose."), code="invalid_purpose")
    records = ConsentRecord.objects.with_scope(agency=client.agency)
    current = records.filter(client=client, purpose=purpose).order_by("-recorded_at", "-id").first()
    text = consent_text_ensure(purpose=purpose)
    if current is not None and current.given == given and current.text_id == text.pk:
        return current
    record = records.create(
        agency=client.agency,
        client=client,
        purpose=purpose,
        text=text,
        given=given,
        actor=_person(actor),
    )
    audit_log(
        agency=client.agency,
        actor=actor,
        action="consent.give" if given else "consent.withdraw",
        obj=record,
        client_id=client.pk,
        detail={"purpose": purpose, "version": text.version},
    )
    return record


def consent_give(*, client: Client, purpose: str, actor: Actor) -> ConsentRecord:
    return _consent_set(client=client, purpose=purpose, given=True, actor=actor)


def consent_withdraw(*, client: Client, purpose: str, actor: Actor) -> ConsentRecord:
    return _consent_set(client=client, purpose=purpose, given=False, actor=actor)


@transaction.atomic
def consent_update(*, client: Client, choices: Mapping[str, bool], actor: Actor) -> Client:
    """Give or withdraw several purposes at once (a consent form); unchanged ones write nothing."""
    for purpose, given in choices.items():
        _consent_set(client=client, purpose=purpose, given=given, actor=actor)
    return client


# ---- case notes --------------------------------------------------------------------------


@transaction.atomic
def case_note_create(*, client: Client, author: User, body: str) -> CaseNote:
    if not body.strip():
        raise ValidationError(_("This field is required."), code="required")
    note = CaseNote.objects.with_scope(agency=client.agency).create(
        agency=client.agency, client=client, author=author, body=body.strip()
    )
    audit_log(
        agency=client.agency, actor=author, action="case_note.create", obj=note, client_id=client.pk
    )
    return note


@transaction.atomic
def case_note_update(*, note: CaseNote, actor: User, body: str) -> CaseNote:
    """Only the author edits a note; the previous text is kept as a revision."""
    if note.author_id != actor.pk:
        raise PermissionDenied
    if not body.strip():
        raise ValidationError(_("This field is required."), code="required")
    if body.strip() == note.body:
        return note
    CaseNoteRevision.objects.with_scope(agency=note.agency).create(
        agency=note.agency, note=note, body=note.body
    )
    note.body = body.strip()
    note.save(update_fields=["body", "updated_at"])
    audit_log(
        agency=note.agency,
        actor=actor,
        action="case_note.update",
        obj=note,
        client_id=note.client_id,
    )
    return note


# ---- merge -------------------------------------------------------------------------------

# Profile fields the kept record takes from the duplicate when its own are empty (names,
# language and arrival status are never empty, so the kept record's own always stand).
MERGE_FILL_FIELDS = (
    *(
        field
        for field in PROFILE_FIELDS
        if field not in {"first_name", "last_name", "preferred_language", "arrival_status"}
    ),
    "counsellor",
    "intake_completed_at",
)


def _move_rows(queryset: models.QuerySet, field: str, keep: Client) -> tuple[int, int]:
    """Point rows at the kept client; rows the kept client already has (unique clash) stay behind."""
    try:
        with transaction.atomic():
            return queryset.update(**{field: keep}), 0
    except IntegrityError:
        moved = skipped = 0
        for pk in list(queryset.values_list("pk", flat=True)):
            try:
                with transaction.atomic():
                    queryset.model._base_manager.filter(pk=pk).update(**{field: keep})
                moved += 1
            except IntegrityError:
                skipped += 1
        return moved, skipped


@transaction.atomic
def client_merge(*, keep: Client, duplicate: Client, actor: Actor) -> Client:
    """Merge a duplicate record into `keep`: every row of every app that points at the duplicate
    is moved (found through Client._meta.related_objects, so later apps are covered too), empty
    profile fields are filled from it, then the duplicate is deleted."""
    if keep.pk == duplicate.pk or keep.agency_id != duplicate.agency_id:
        raise ValidationError(_("Choose two different records of this agency."), code="same_record")
    if keep.user_id and duplicate.user_id and keep.user_id != duplicate.user_id:
        raise ValidationError(
            _("Both records have their own sign-in, so they cannot be merged."), code="two_logins"
        )
    moved: dict[str, int] = {}
    skipped: dict[str, int] = {}
    for relation in Client._meta.related_objects:
        if isinstance(relation, ManyToManyRel):
            through = relation.through
            assert through is not None  # set (auto-created if not declared) when models load
            field = next(
                f.name for f in through._meta.fields if f.is_relation and f.related_model is Client
            )
            queryset = through._base_manager.filter(**{field: duplicate})
        else:
            field = relation.field.name
            # The model holding the foreign key (what relation.related_model returns).
            queryset = relation.field.model._base_manager.filter(**{field: duplicate})
        count, left = _move_rows(queryset, field, keep)
        label = queryset.model._meta.label_lower
        if count:
            moved[label] = moved.get(label, 0) + count
        if left:
            skipped[label] = skipped.get(label, 0) + left
    for field in MERGE_FILL_FIELDS:
        if not getattr(keep, field) and getattr(duplicate, field):
            setattr(keep, field, getattr(duplicate, field))
    if duplicate.user_id and not keep.user_id:
        login = duplicate.user
        duplicate.user = None
        duplicate.save(update_fields=["user"])  # the (agency, user) constraint allows one record
        keep.user = login
    duplicate_id = duplicate.pk
    duplicate.delete()
    keep.latest_assessment = (
        DigitalAssessment.objects.with_scope(agency=keep.agency)
        .filter(client=keep)
        .order_by("-created_at", "-id")
        .first()
    )
    keep.latest_needs_assessment = (
        NeedsAssessment.objects.with_scope(agency=keep.agency)
        .filter(client=keep)
        .order_by("-created_at", "-id")
        .first()
    )
    _save_record(keep)
    audit_log(
        agency=keep.agency,
        actor=actor,
        action="client.merge",
        obj=keep,
        client_id=keep.pk,
        detail={"merged_client_id": duplicate_id, "moved": moved, "left_behind": skipped},
    )
    return keep
