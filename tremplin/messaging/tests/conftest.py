from datetime import UTC, datetime

import pytest

from tremplin.messaging import clock

# Monday 30 November 2026, 12:00 in Toronto: outside quiet hours everywhere in Canada.
NOON_TORONTO = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)


class FrozenClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = moment


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    """The messaging app's clock, frozen (tests move it with `frozen_clock.set(...)`)."""
    frozen = FrozenClock(NOON_TORONTO)
    monkeypatch.setattr(clock, "now", frozen.now)
    return frozen


@pytest.fixture(autouse=True)
def own_outbox(settings, tmp_path):
    """Each test gets an empty file outbox (row ids are reused after a rollback)."""
    settings.MESSAGING_OUTBOX_DIR = tmp_path / "outbox"
    return settings.MESSAGING_OUTBOX_DIR
