"""Opening days, hours and statutory holidays of an agency (its knowledge base's `facts`,
stored as `AgencyFacts`), and the sentences the assistant says about them.

Everything the assistant says about when the offices are open is computed here from the same
row: the answer to "when are you open?", when a person will answer after a hand-off, and the
note on a session held on a day the offices are closed.
"""

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Protocol
from zoneinfo import ZoneInfo

from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

LOOK_AHEAD_DAYS = 31  # the longest closure the next opening is searched over

OPEN_DAYS = _("Our offices are open %(days)s, from %(opens)s to %(closes)s.")
DAY_RANGE = _("%(first)s to %(last)s")
CLOSED_ON_HOLIDAYS = _("They are closed on statutory holidays.")
OPEN_NOW = _("We are open now, until %(closes)s.")
CLOSED_NOW = _("We are closed now; we open again on %(day)s at %(opens)s.")
OPENS_TODAY = _("We are closed now; we open today at %(opens)s.")
ANSWER_NOW = _("Our team is at work now, until %(closes)s.")
ANSWER_FROM = _("Our offices are closed now: a person will answer from %(day)s at %(opens)s.")
ANSWER_TODAY = _("Our offices are closed now: a person will answer today from %(opens)s.")
CLOSED_THAT_DAY = _("our offices are closed that day")


class OpeningHours(Protocol):
    """`AgencyFacts` rows, or the `Facts` of a knowledge base file not imported yet."""

    @property
    def opening_days(self) -> Sequence[int]: ...

    @property
    def opens(self) -> time: ...

    @property
    def closes(self) -> time: ...

    @property
    def holidays(self) -> Sequence[str]: ...


def _easter(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month = (h + leap - 7 * m + 114) // 31
    day = (h + leap - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def _nth_monday(year: int, month: int, nth: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7 + 7 * (nth - 1))


@cache
def holiday_dates(year: int) -> dict[str, date]:
    """The date of each holiday the knowledge base can name (nlu.kb.HOLIDAY_KEYS) in `year`."""
    may_24 = date(year, 5, 24)
    return {
        "new_year": date(year, 1, 1),
        "family_day": _nth_monday(year, 2, 3),
        "good_friday": _easter(year) - timedelta(days=2),
        "easter_monday": _easter(year) + timedelta(days=1),
        "victoria_day": may_24 - timedelta(days=may_24.weekday()),  # the Monday on or before
        "saint_jean_baptiste": date(year, 6, 24),
        "canada_day": date(year, 7, 1),
        "civic_holiday": _nth_monday(year, 8, 1),
        "new_brunswick_day": _nth_monday(year, 8, 1),
        "labour_day": _nth_monday(year, 9, 1),
        "truth_and_reconciliation": date(year, 9, 30),
        "thanksgiving": _nth_monday(year, 10, 2),
        "remembrance_day": date(year, 11, 11),
        "christmas": date(year, 12, 25),
        "boxing_day": date(year, 12, 26),
    }


def is_open_on(hours: OpeningHours, day: date) -> bool:
    if day.weekday() not in hours.opening_days:
        return False
    dates = holiday_dates(day.year)
    return not any(dates.get(name) == day for name in hours.holidays)


def next_opening(hours: OpeningHours, now: datetime) -> datetime | None:
    """The next moment the offices open after `now` (in now's time zone); None if not within a month."""
    for offset in range(LOOK_AHEAD_DAYS + 1):
        day = now.date() + timedelta(days=offset)
        opening = datetime.combine(day, hours.opens, tzinfo=now.tzinfo)
        if is_open_on(hours, day) and opening > now:
            return opening
    return None


def is_open_at(hours: OpeningHours, now: datetime) -> bool:
    return is_open_on(hours, now.date()) and hours.opens <= now.time() < hours.closes


def _clock(moment: time) -> str:
    return moment.strftime("%H:%M")


def _days(days: Sequence[int]) -> str:
    ordered = sorted(set(days))
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return str(DAY_RANGE % {"first": WEEKDAYS[ordered[0]], "last": WEEKDAYS[ordered[-1]]})
    return ", ".join(str(WEEKDAYS[day]) for day in ordered)


def opening_sentences(
    hours: OpeningHours, now: datetime, *, handing_over: bool = False
) -> list[str]:
    """When the offices are open and whether they are now (in the active language); for a
    hand-off, when a person will answer."""
    sentences = [
        str(
            OPEN_DAYS
            % {
                "days": _days(hours.opening_days),
                "opens": _clock(hours.opens),
                "closes": _clock(hours.closes),
            }
        )
    ]
    if hours.holidays:
        sentences.append(str(CLOSED_ON_HOLIDAYS))
    if is_open_at(hours, now):
        now_text = ANSWER_NOW if handing_over else OPEN_NOW
        sentences.append(str(now_text % {"closes": _clock(hours.closes)}))
    elif (opening := next_opening(hours, now)) is not None:
        if opening.date() == now.date():  # before opening time
            later = ANSWER_TODAY if handing_over else OPENS_TODAY
        else:
            later = ANSWER_FROM if handing_over else CLOSED_NOW
        sentences.append(
            str(later % {"day": WEEKDAYS[opening.weekday()], "opens": _clock(opening.time())})
        )
    return sentences


def closed_that_day(hours: OpeningHours | None, moment: datetime, zone: ZoneInfo) -> bool:
    return hours is not None and not is_open_on(hours, moment.astimezone(zone).date())
