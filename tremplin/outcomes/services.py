"""Every write about completions and outcomes. Audited like other client data."""

import re
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency
from tremplin.audit.services import audit_log
from tremplin.clients.models import Client
from tremplin.core.services import Actor
from tremplin.outcomes.models import Completion, Outcome, OutcomeSource, OutcomeType

# What outcome_update may change.
OUTCOME_FIELDS = (
    "outcome_type",
    "program",
    "employer_name",
    "employer_ref",
    "noc_code",
    "start_date",
    "employment_type",
    "hours_per_week",
    "wage_band",
    "in_field",
    "school_name",
    "left_reason",
    "notes",
    "source",
    "response",
    "follow_up_months",
    "recorded_on",
)
NOC_RE = re.compile(r"^\d{5}$")


def _check(outcome: Outcome) -> None:
    errors: dict[str, Any] = {}
    if outcome.noc_code and not NOC_RE.match(outcome.noc_code):
        errors["noc_code"] = _("A NOC 2021 code has five digits.")
    if outcome.left_reason and outcome.outcome_type != OutcomeType.LEFT:
        errors["left_reason"] = _("A reason for leaving goes with the outcome “left the program”.")
    if outcome.outcome_type == OutcomeType.LEFT and not outcome.left_reason:
        errors["left_reason"] = _("Say why the client left the program.")
    if outcome.recorded_on and outcome.recorded_on > date.today() + timedelta(days=1):
        errors["recorded_on"] = _("The date of the information cannot be in the future.")
    if outcome.start_date and outcome.start_date > date.today() + timedelta(days=366):
        errors["start_date"] = _("The start date is too far in the future.")
    if errors:
        raise ValidationError(errors)
    outcome.full_clean(exclude=["agency", "client", "program", "response", "recorded_by"])


@transaction.atomic
def outcome_record(
    *,
    agency: Agency,
    client: Client,
    actor: Actor,
    outcome_type: str,
    recorded_on: date,
    source: str = OutcomeSource.STAFF,
    program: Any = None,
    employer_name: str = "",
    employer_ref: str = "",
    noc_code: str = "",
    start_date: date | None = None,
    employment_type: str = "",
    hours_per_week: int | None = None,
    wage_band: str = "",
    in_field: bool | None = None,
    school_name: str = "",
    left_reason: str = "",
    notes: str = "",
    response: Any = None,
    follow_up_months: int | None = None,
) -> Outcome:
    """Record what became of a client; raises ValidationError (nothing written) on bad input."""
    if client.agency_id != agency.pk or (program is not None and program.agency_id != agency.pk):
        raise ValueError("The client and the program must belong to the agency.")
    outcome = Outcome(
        agency=agency,
        client=client,
        outcome_type=outcome_type,
        recorded_on=recorded_on,
        source=source,
        program=program,
        employer_name=employer_name.strip(),
        employer_ref=employer_ref,
        noc_code=noc_code.strip(),
        start_date=start_date,
        employment_type=employment_type,
        hours_per_week=hours_per_week,
        wage_band=wage_band,
        in_field=in_field,
        school_name=school_name.strip(),
        left_reason=left_reason,
        notes=notes.strip(),
        response=response,
        follow_up_months=follow_up_months,
        recorded_by=actor if isinstance(actor, User) else None,
    )
    _check(outcome)
    outcome.save()
    audit_log(
        agency=agency,
        actor=actor,
        action="outcome.record",
        obj=outcome,
        client_id=client.pk,
        detail={"type": outcome_type, "source": source},
    )
    from tremplin.api.webhooks import webhook_emit

    webhook_emit(
        agency=agency, event_type="outcome.recorded", object_type="outcome", object_id=outcome.pk
    )
    if outcome_type == OutcomeType.HIRED:
        from tremplin.surveys.services import schedule_for_hire

        schedule_for_hire(outcome=outcome)
    return outcome


@transaction.atomic
def outcome_update(*, outcome: Outcome, actor: Actor, **fields: Any) -> Outcome:
    unknown = set(fields) - set(OUTCOME_FIELDS)
    if unknown:
        raise TypeError(f"outcome_update() cannot change {sorted(unknown)}")
    outcome = Outcome.objects.select_for_update().get(pk=outcome.pk)
    changed = []
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(outcome, name) != value:
            setattr(outcome, name, value)
            changed.append(name)
    if not changed:
        return outcome
    _check(outcome)
    outcome.save()
    audit_log(
        agency=outcome.agency,
        actor=actor,
        action="outcome.update",
        obj=outcome,
        client_id=outcome.client_id,
        detail={"fields": sorted(changed)},
    )
    return outcome


@transaction.atomic
def completion_record(
    *,
    client: Client,
    kind: str,
    completed_on: date,
    program: Any = None,
    course: Any = None,
) -> tuple[Completion, bool]:
    """Record that a client completed a program or a course (once); returns (row, created)."""
    lookup: dict[str, Any] = {"client": client}
    if program is not None:
        lookup["program"] = program
    else:
        lookup["course"] = course
    completion, created = Completion.objects.get_or_create(
        **lookup,
        defaults={"agency_id": client.agency_id, "kind": kind, "completed_on": completed_on},
    )
    if created:
        audit_log(
            agency=client.agency,
            actor=None,
            action="completion.record",
            obj=completion,
            client_id=client.pk,
            detail={"kind": kind},
        )
    return completion, created
