"""The messaging app's clock: one function, so that tests can freeze time (monkeypatch `now`)."""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
