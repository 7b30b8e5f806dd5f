"""The intake steps, in order, and when each one counts as complete.

Both the client's self-service intake and the counsellor-led intake walk these steps; each
step is saved on its own, so a person can stop and come back. The completeness indicator is
the share of complete steps.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tremplin.clients.models import ArrivalStatus, Client, ConsentPurpose, ConsentRecord


@dataclass(frozen=True)
class IntakeFacts:
    """What the completeness rules need beyond the client row (two queries)."""

    language_count: int
    service_consent: bool


@dataclass(frozen=True)
class IntakeStep:
    slug: str
    title: Promise
    is_done: Callable[[Client, IntakeFacts], bool]


def _arrival_done(client: Client, facts: IntakeFacts) -> bool:
    if client.arrival_status == ArrivalStatus.PRE_ARRIVAL:
        return bool(client.expected_arrival_date and client.immigration_category)
    return bool(client.arrival_date and client.immigration_category and client.location_type)


STEPS: tuple[IntakeStep, ...] = (
    IntakeStep(
        "about",
        _("About you"),
        lambda c, f: bool(c.first_name and c.last_name and (c.phone or c.email)),
    ),
    IntakeStep("arrival", _("Arrival and status"), _arrival_done),
    IntakeStep("languages", _("Languages"), lambda c, f: f.language_count > 0),
    IntakeStep(
        "work", _("Education and work"), lambda c, f: bool(c.education_level and c.employment_goal)
    ),
    IntakeStep(
        "contact",
        _("Contact and consent"),
        lambda c, f: bool(c.preferred_channels) and f.service_consent,
    ),
)
STEP_SLUGS = tuple(step.slug for step in STEPS)


@dataclass(frozen=True)
class StepState:
    step: IntakeStep
    done: bool
    number: int


@dataclass(frozen=True)
class IntakeProgress:
    steps: list[StepState]

    @property
    def done_count(self) -> int:
        return sum(state.done for state in self.steps)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / len(self.steps))

    @property
    def complete(self) -> bool:
        return self.done_count == len(self.steps)

    @property
    def next_step(self) -> IntakeStep:
        """The first step still to do (the first step when all are done)."""
        return next((state.step for state in self.steps if not state.done), self.steps[0].step)


def intake_progress(*, client: Client) -> IntakeProgress:
    latest_service = (
        ConsentRecord.objects.with_scope(agency=client.agency_id)
        .filter(client=client, purpose=ConsentPurpose.SERVICE_DELIVERY)
        .order_by("-recorded_at", "-id")
        .values_list("given", flat=True)
        .first()
    )
    facts = IntakeFacts(
        language_count=client.languages.count(),
        service_consent=bool(latest_service),
    )
    return IntakeProgress(
        [
            StepState(step=step, done=step.is_done(client, facts), number=index)
            for index, step in enumerate(STEPS, 1)
        ]
    )


def step_after(slug: str) -> str | None:
    index = STEP_SLUGS.index(slug)
    return STEP_SLUGS[index + 1] if index + 1 < len(STEP_SLUGS) else None
