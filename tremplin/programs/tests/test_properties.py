"""Random sequences of register / cancel / switch / capacity changes against a simple model.

The model is the rule as people would state it: a free seat confirms, otherwise you queue at
the end of that mode's waitlist; a freed or added seat goes to the first person waiting.
After every step the database must match the model exactly, and:
- confirmed ≤ capacity in each mode, and nobody waits while a seat is free;
- waitlist positions are 1, 2, 3… with no gap, in first-come-first-served order;
- the number of promotions recorded equals the number of seats that were freed or added
  while people were waiting (N cancellations of seats with a queue promote exactly N).
"""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tremplin.agencies.tests.factories import AgencyFactory
from tremplin.clients.tests.factories import ClientFactory
from tremplin.programs import services
from tremplin.programs.models import AttendanceMode, Registration, RegistrationStatus
from tremplin.programs.services import RegistrationRefused
from tremplin.programs.tests.factories import SessionFactory

IN, ONLINE = AttendanceMode.IN_PERSON, AttendanceMode.ONLINE
PEOPLE = 7
people = st.integers(min_value=0, max_value=PEOPLE - 1)
modes = st.sampled_from([IN, ONLINE])


class Registrations(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        agency = AgencyFactory()
        self.session = SessionFactory(
            element__program__agency=agency, in_person_capacity=2, online_capacity=1
        )
        self.clients = ClientFactory.create_batch(PEOPLE, agency=agency)
        self.capacity = {IN: 2, ONLINE: 1}
        self.confirmed: dict[str, set[int]] = {IN: set(), ONLINE: set()}
        self.waiting: dict[str, list[int]] = {IN: [], ONLINE: []}
        self.registration_of: dict[int, Registration] = {}
        self.promotions = 0

    # -- the model ----------------------------------------------------------------------------

    def mode_of(self, who: int) -> str | None:
        for mode in (IN, ONLINE):
            if who in self.confirmed[mode] or who in self.waiting[mode]:
                return mode
        return None

    def fill_free_seats(self, mode: str) -> None:
        while self.waiting[mode] and len(self.confirmed[mode]) < self.capacity[mode]:
            self.confirmed[mode].add(self.waiting[mode].pop(0))
            self.promotions += 1

    def leave(self, who: int, mode: str) -> None:
        if who in self.confirmed[mode]:
            self.confirmed[mode].discard(who)
            self.fill_free_seats(mode)
        else:
            self.waiting[mode].remove(who)

    # -- the rules ----------------------------------------------------------------------------

    @rule(who=people, mode=modes)
    def register(self, who: int, mode: str) -> None:
        if self.mode_of(who) is not None:
            with pytest.raises(RegistrationRefused) as caught:
                services.registration_create(
                    session=self.session, client=self.clients[who], mode=mode, actor=None
                )
            assert caught.value.code == "duplicate"
            return
        registration = services.registration_create(
            session=self.session, client=self.clients[who], mode=mode, actor=None
        )
        self.registration_of[who] = registration
        if len(self.confirmed[mode]) < self.capacity[mode]:
            self.confirmed[mode].add(who)
            assert registration.status == RegistrationStatus.CONFIRMED
        else:
            self.waiting[mode].append(who)
            assert registration.waitlist_position == len(self.waiting[mode])

    @rule(who=people)
    def cancel(self, who: int) -> None:
        mode = self.mode_of(who)
        if mode is None:
            return
        services.registration_cancel(registration=self.registration_of[who], actor=None)
        self.leave(who, mode)

    @rule(who=people, mode=modes)
    def switch(self, who: int, mode: str) -> None:
        old = self.mode_of(who)
        if old is None or old == mode:
            return
        if len(self.confirmed[mode]) >= self.capacity[mode]:
            with pytest.raises(RegistrationRefused) as caught:
                services.registration_switch_mode(
                    registration=self.registration_of[who], mode=mode, actor=None
                )
            assert caught.value.code == "full"
            return
        services.registration_switch_mode(
            registration=self.registration_of[who], mode=mode, actor=None
        )
        self.leave(who, old)
        self.confirmed[mode].add(who)

    @rule(mode=modes, capacity=st.integers(min_value=1, max_value=4))
    def change_capacity(self, mode: str, capacity: int) -> None:
        if capacity < len(self.confirmed[mode]):
            with pytest.raises(ValidationError):
                services.session_set_capacity(
                    session=self.session, mode=mode, capacity=capacity, actor=None
                )
            return
        services.session_set_capacity(
            session=self.session, mode=mode, capacity=capacity, actor=None
        )
        self.capacity[mode] = capacity
        self.fill_free_seats(mode)

    # -- the invariants -----------------------------------------------------------------------

    @invariant()
    def database_matches_the_model(self) -> None:
        registrations = Registration.objects.filter(session=self.session)
        index = {client.pk: i for i, client in enumerate(self.clients)}
        for mode in (IN, ONLINE):
            confirmed = {
                index[c]
                for c in registrations.filter(
                    mode=mode, status=RegistrationStatus.CONFIRMED
                ).values_list("client_id", flat=True)
            }
            queue = list(
                registrations.filter(mode=mode, status=RegistrationStatus.WAITLISTED)
                .order_by("waitlist_position")
                .values_list("client_id", "waitlist_position")
            )
            assert confirmed == self.confirmed[mode]
            assert len(confirmed) <= self.capacity[mode]
            assert [index[c] for c, _ in queue] == self.waiting[mode], "first come, first served"
            assert [position for _, position in queue] == list(range(1, len(queue) + 1)), "gapless"
            assert not queue or len(confirmed) == self.capacity[mode], (
                "nobody waits while a seat is free"
            )
        assert registrations.filter(promoted_at__isnull=False).count() == self.promotions


@pytest.mark.django_db
def test_random_sequences_keep_every_invariant():
    run_state_machine_as_test(
        Registrations,
        settings=settings(
            max_examples=30,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            database=None,
        ),
    )
