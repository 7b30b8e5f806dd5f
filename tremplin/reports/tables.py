"""From raw measures to the tables readers see: columns, suppression, formatting, CSV.

Suppression (network views and every download) happens here, on the raw integer counts of each
column and their total, before any rate, mean or rounding is computed: a rate is hidden when
its numerator or denominator is, a mean or median when its group is hidden or smaller than the
threshold.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.utils.formats import number_format
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from tremplin.reports.figures import CURRENT, PREVIOUS, Raw
from tremplin.reports.suppression import suppress_column

HIDDEN = "x"
EMPTY = "—"


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    label: str | Promise
    source: str
    kind: str  # count | rate | mean | median | nps
    value: str = ""
    numerator: str = ""
    denominator: tuple[str, ...] = ()
    base: str = ""
    people: bool = True  # counts of people or of what people did: suppressed


@dataclass(frozen=True)
class TableSpec:
    key: str
    title: str | Promise
    description: str | Promise
    columns: tuple[ColumnSpec, ...]
    chart: str  # the column drawn in the chart
    scale_max: float | None = None  # fixed axis maximum (100 for percentages, 5 for Likert)


def _per_months(message: str, months: int) -> Promise:
    """A label translated when shown (not when this module is imported)."""
    return cast(Promise, lazy(lambda: _(message) % {"months": months}, str)())


def _follow_up_columns() -> tuple[ColumnSpec, ...]:
    columns: list[ColumnSpec] = []
    for months in (3, 6, 12):
        followed = f"followed_{months}"
        columns += [
            ColumnSpec(
                followed,
                _per_months(gettext_noop("Followed up at %(months)d months"), months),
                "outcomes",
                "count",
                value=followed,
            ),
            ColumnSpec(
                f"employed_rate_{months}",
                _per_months(gettext_noop("Employed at %(months)d months"), months),
                "outcomes",
                "rate",
                numerator=f"employed_{months}",
                denominator=(followed,),
            ),
            ColumnSpec(
                f"in_field_rate_{months}",
                _per_months(gettext_noop("In their field at %(months)d months"), months),
                "outcomes",
                "rate",
                numerator=f"in_field_{months}",
                denominator=(followed,),
            ),
            ColumnSpec(
                f"full_time_rate_{months}",
                _per_months(gettext_noop("Full time at %(months)d months"), months),
                "outcomes",
                "rate",
                numerator=f"full_time_{months}",
                denominator=(followed,),
            ),
        ]
    return tuple(columns)


TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "participation",
        gettext_lazy("Participation"),
        gettext_lazy(
            "Clients who attended at least one session, the share of them not yet in Canada, new intakes, and the median number of days from intake to the first session attended."
        ),
        (
            ColumnSpec(
                "participants",
                gettext_lazy("Participants served"),
                "registrations",
                "count",
                value="participants",
            ),
            ColumnSpec(
                "pre_arrival_share",
                gettext_lazy("Pre-arrival share"),
                "registrations",
                "rate",
                numerator="pre_arrival",
                denominator=("participants",),
            ),
            ColumnSpec("intakes", gettext_lazy("New intakes"), "intakes", "count", value="intakes"),
            ColumnSpec(
                "to_first_service",
                gettext_lazy("Median days from intake to first service"),
                "intakes",
                "median",
                value="to_first_service",
                base="intakes",
            ),
        ),
        chart="participants",
    ),
    TableSpec(
        "attendance",
        gettext_lazy("Sessions and attendance"),
        gettext_lazy(
            "Sessions held, attendances by mode (a hybrid session is attended in the room or online), attendance and no-show rates among recorded attendance, and views of recordings."
        ),
        (
            ColumnSpec(
                "sessions",
                gettext_lazy("Sessions held"),
                "sessions",
                "count",
                value="sessions",
                people=False,
            ),
            ColumnSpec(
                "attended", gettext_lazy("Attendances"), "registrations", "count", value="attended"
            ),
            ColumnSpec(
                "att_in_person",
                gettext_lazy("In person"),
                "registrations",
                "count",
                value="att_in_person",
            ),
            ColumnSpec(
                "att_online", gettext_lazy("Online"), "registrations", "count", value="att_online"
            ),
            ColumnSpec(
                "att_hybrid_room",
                gettext_lazy("Hybrid, in the room"),
                "registrations",
                "count",
                value="att_hybrid_room",
            ),
            ColumnSpec(
                "att_hybrid_online",
                gettext_lazy("Hybrid, online"),
                "registrations",
                "count",
                value="att_hybrid_online",
            ),
            ColumnSpec(
                "attendance_rate",
                gettext_lazy("Attendance rate"),
                "registrations",
                "rate",
                numerator="attended",
                denominator=("attended", "no_shows"),
            ),
            ColumnSpec(
                "no_show_rate",
                gettext_lazy("No-show rate"),
                "registrations",
                "rate",
                numerator="no_shows",
                denominator=("attended", "no_shows"),
            ),
            ColumnSpec(
                "views", gettext_lazy("Recording views"), "recordings", "count", value="views"
            ),
        ),
        chart="attended",
    ),
    TableSpec(
        "learning",
        gettext_lazy("Online courses"),
        gettext_lazy(
            "Course enrolments made in the period, how many of them are completed, and the median number of days from enrolment to completion."
        ),
        (
            ColumnSpec(
                "enrolments", gettext_lazy("Enrolments"), "learning", "count", value="enrolments"
            ),
            ColumnSpec(
                "completions", gettext_lazy("Completions"), "learning", "count", value="completions"
            ),
            ColumnSpec(
                "completion_rate",
                gettext_lazy("Completion rate"),
                "learning",
                "rate",
                numerator="completions",
                denominator=("enrolments",),
            ),
            ColumnSpec(
                "days_to_complete",
                gettext_lazy("Median days to complete"),
                "learning",
                "median",
                value="days_to_complete",
                base="completions",
            ),
        ),
        chart="completion_rate",
        scale_max=100,
    ),
    TableSpec(
        "satisfaction",
        gettext_lazy("Satisfaction"),
        gettext_lazy(
            "Answers of clients to surveys: the mean of agreement questions (1 to 5), the share who agree (4 or 5), the recommendation score (promoters minus detractors, from -100 to 100), and the response rate of the invitations sent."
        ),
        (
            ColumnSpec(
                "respondents", gettext_lazy("Respondents"), "answers", "count", value="respondents"
            ),
            ColumnSpec(
                "likert_mean",
                gettext_lazy("Mean satisfaction (1 to 5)"),
                "answers",
                "mean",
                value="likert_sum",
                denominator=("likert_n",),
                base="respondents",
            ),
            ColumnSpec(
                "agree_share",
                gettext_lazy("Agree or strongly agree"),
                "answers",
                "rate",
                numerator="agree",
                denominator=("likert_n",),
            ),
            ColumnSpec(
                "nps",
                gettext_lazy("Recommendation score"),
                "answers",
                "nps",
                numerator="promoters",
                value="detractors",
                denominator=("nps_n",),
            ),
            ColumnSpec(
                "invited", gettext_lazy("Invitations sent"), "invitations", "count", value="invited"
            ),
            ColumnSpec(
                "response_rate",
                gettext_lazy("Response rate"),
                "invitations",
                "rate",
                numerator="answered",
                denominator=("invited",),
            ),
        ),
        chart="likert_mean",
        scale_max=5,
    ),
    TableSpec(
        "outcomes",
        gettext_lazy("Employment outcomes"),
        gettext_lazy(
            "Clients followed up 3, 6 and 12 months after they finished, and the share of them employed (hired or self-employed), employed in their field, and employed full time."
        ),
        _follow_up_columns(),
        chart="employed_rate_6",
        scale_max=100,
    ),
)
TABLE_BY_KEY = {table.key: table for table in TABLES}

# The headline: (table key, column key)
KEY_FIGURES = (
    ("participation", "participants"),
    ("participation", "intakes"),
    ("participation", "pre_arrival_share"),
    ("participation", "to_first_service"),
    ("attendance", "sessions"),
    ("attendance", "attended"),
    ("attendance", "attendance_rate"),
    ("attendance", "no_show_rate"),
    ("attendance", "views"),
    ("learning", "enrolments"),
    ("learning", "completion_rate"),
    ("learning", "days_to_complete"),
    ("satisfaction", "likert_mean"),
    ("satisfaction", "nps"),
    ("satisfaction", "response_rate"),
    ("outcomes", "employed_rate_3"),
    ("outcomes", "employed_rate_6"),
    ("outcomes", "employed_rate_12"),
)

# Means and medians: not counts, never suppressed as cells (their group is).
NOT_COUNTS = {"likert_sum", "to_first_service", "days_to_complete"}


@dataclass
class Value:
    number: float | None
    hidden: bool = False

    @property
    def shown(self) -> float | None:
        return None if self.hidden else self.number


@dataclass
class Cell:
    column: ColumnSpec
    current: Value
    previous: Value

    @property
    def display(self) -> str:
        return format_value(self.column, self.current)

    @property
    def previous_display(self) -> str:
        return format_value(self.column, self.previous)


@dataclass
class Row:
    key: Any
    label: str
    cells: list[Cell]
    is_total: bool = False

    def cell(self, column_key: str) -> Cell:
        return next(c for c in self.cells if c.column.key == column_key)


@dataclass
class Table:
    spec: TableSpec
    columns: tuple[ColumnSpec, ...]
    rows: list[Row]
    total: Row
    suppressed: bool
    unavailable: list[str] = field(default_factory=list)  # column labels not available
    chart: str = ""  # the SVG drawn from it (safe markup)

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def has_hidden(self) -> bool:
        return any(
            c.current.hidden or c.previous.hidden for r in [*self.rows, self.total] for c in r.cells
        )


def format_value(column: ColumnSpec, value: Value) -> str:
    if value.hidden:
        return HIDDEN
    number = value.number
    if number is None:
        return EMPTY
    if column.kind == "count":
        return number_format(int(number), 0, force_grouping=True)
    if column.kind == "rate":
        return _("%(value)s%%") % {"value": number_format(round(number), 0)}
    if column.kind == "median":
        return number_format(round(number, 1), 1)
    if column.kind == "mean":
        return number_format(round(number, 2), 2)
    if column.kind == "nps":
        rounded = round(number)
        return f"+{rounded}" if rounded > 0 else str(rounded)
    return str(number)


def _measures_of(column: ColumnSpec) -> list[str]:
    names = [column.value, column.numerator, *column.denominator, column.base]
    return [n for n in names if n]


class _Builder:
    def __init__(
        self,
        raw: dict[str, Raw],
        keys: list[Any],
        *,
        suppress: bool,
        threshold: int,
    ) -> None:
        self.raw = raw
        self.keys = keys
        self.suppress = suppress
        self.threshold = threshold
        # (source, measure, period) -> (values per key, hidden per key, total, total hidden)
        self.cache: dict[tuple[str, str, int], tuple[list, list[bool], Any, bool]] = {}

    def measure(
        self, source: str, measure: str, period: int, people: bool
    ) -> tuple[list, list[bool], Any, bool]:
        cache_key = (source, measure, period)
        if cache_key in self.cache:
            return self.cache[cache_key]
        raw = self.raw[source]
        if raw.grouped:
            values = [raw.groups.get((period, key), {}).get(measure) for key in self.keys]
        else:
            values = [None for _ in self.keys]
        total = raw.totals.get(period, {}).get(measure) if raw.available else None
        if measure not in NOT_COUNTS:  # no row: zero of a count, no mean or median
            if raw.available and raw.grouped:
                values = [v if v is not None else 0 for v in values]
            if total is None and raw.available:
                total = 0
        hidden = [False] * len(values)
        total_hidden = False
        if self.suppress and people and measure not in NOT_COUNTS and raw.available:
            if raw.grouped:
                hidden, total_hidden = suppress_column(
                    [int(v or 0) for v in values], total=int(total or 0), threshold=self.threshold
                )
            else:
                total_hidden = 0 < int(total or 0) < self.threshold
        result = (values, hidden, total, total_hidden)
        self.cache[cache_key] = result
        return result

    def value(self, column: ColumnSpec, period: int, index: int | None) -> Value:
        """index None: the total."""

        def get(name: str) -> tuple[Any, bool]:
            values, hidden, total, total_hidden = self.measure(
                column.source, name, period, column.people
            )
            if index is None:
                return total, total_hidden
            return values[index], hidden[index]

        if column.kind == "count":
            number, hidden = get(column.value)
            return Value(number, hidden)
        if column.kind == "rate":
            numerator, n_hidden = get(column.numerator)
            parts = [get(name) for name in column.denominator]
            if numerator is None or any(p[0] is None for p in parts):
                return Value(None)
            denominator = sum(p[0] for p in parts)
            hidden = n_hidden or any(p[1] for p in parts)
            return Value(100 * numerator / denominator if denominator else None, hidden)
        if column.kind in ("mean", "median"):
            number, _hidden = get(column.value)
            if column.denominator:  # a mean from its sum and count, which add up
                count, _count_hidden = get(column.denominator[0])
                number = number / count if number is not None and count else None
            base, base_hidden = get(column.base)
            small = self.suppress and base is not None and base < self.threshold
            return Value(number, bool(number is not None and (base_hidden or small)))
        if column.kind == "nps":
            promoters, p_hidden = get(column.numerator)
            detractors, d_hidden = get(column.value)
            total, t_hidden = get(column.denominator[0])
            if promoters is None or not total:
                return Value(None)
            return Value(100 * (promoters - detractors) / total, p_hidden or d_hidden or t_hidden)
        raise ValueError(column.kind)


def build_table(
    spec: TableSpec,
    raw: dict[str, Raw],
    *,
    labels: dict[Any, str],
    order: list[Any],
    suppress: bool,
    threshold: int,
    total_label: str,
) -> Table:
    sources = {column.source for column in spec.columns}
    present: set[Any] = set()
    for source in sources:
        if raw[source].grouped:
            present |= {key for (_period, key) in raw[source].groups}
    keys = [key for key in order if key in present] + sorted(
        (key for key in present if key not in order), key=lambda k: str(labels.get(k, k))
    )
    builder = _Builder(raw, keys, suppress=suppress, threshold=threshold)
    rows = [
        Row(
            key,
            labels.get(key, str(key)),
            [
                Cell(
                    column,
                    builder.value(column, CURRENT, index),
                    builder.value(column, PREVIOUS, index),
                )
                for column in spec.columns
            ],
        )
        for index, key in enumerate(keys)
    ]
    total = Row(
        None,
        total_label,
        [
            Cell(
                column, builder.value(column, CURRENT, None), builder.value(column, PREVIOUS, None)
            )
            for column in spec.columns
        ],
        is_total=True,
    )
    unavailable = [str(c.label) for c in spec.columns if not raw[c.source].available]
    return Table(spec, spec.columns, rows, total, suppressed=suppress, unavailable=unavailable)


def table_csv(table: Table, *, group_label: str, previous_label: str) -> str:
    """The table as CSV in the reader's language: each figure for the period and the previous."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = [group_label]
    for column in table.columns:
        header += [str(column.label), f"{column.label} ({previous_label})"]
    writer.writerow(header)
    for row in [*table.rows, table.total]:
        line = [row.label]
        for cell in row.cells:
            line += [cell.display, cell.previous_display]
        writer.writerow(line)
    return out.getvalue()


def rows_csv(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(header))
    for row in rows:
        writer.writerow(list(row))
    return out.getvalue()


def threshold() -> int:
    return int(getattr(settings, "REPORTS_SUPPRESSION_THRESHOLD", 5))
