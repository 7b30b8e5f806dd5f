"""Every figure of the dashboards and of the mode comparison, against the hand-computed values
of the known cohort (see cohort.py for the data and the arithmetic below)."""

from datetime import date

import pytest
from django.utils import timezone

from tremplin.reports.figures import Period, Selection
from tremplin.reports.selectors import dashboard, mode_comparison
from tremplin.reports.tests.cohort import ZONE, build_cohort

SEPTEMBER = Period(date(2026, 9, 1), date(2026, 9, 30))


@pytest.fixture
def cohort(agency):
    return build_cohort(agency)


def _board(cohort, by="mode", **filters):
    with timezone.override(ZONE):
        return dashboard(
            agency_ids=[cohort.agency.pk],
            selection=Selection(SEPTEMBER, by=by, filters=filters),
            network=False,
            suppress=False,
        )


def _totals(board):
    """{column key: (this period, previous period)} of every table's total row."""
    return {
        cell.column.key: (cell.display, cell.previous_display)
        for table in board.tables
        for cell in table.total.cells
    }


def _column(board, table, column):
    return {row.label: row.cell(column).display for row in board.table(table).rows}


def test_every_total_of_the_agency_dashboard(cohort):
    totals = _totals(_board(cohort))
    assert totals == {
        # Participants: C1 C2 C3 C5 attended in September; C6 C3 in August.
        "participants": ("4", "2"),
        # Pre-arrival: C1 of 4 → 25 %; none of C6, C3.
        "pre_arrival_share": ("25%", "0%"),
        # Intakes: C1 C2 C5 in September, C3 in August.
        "intakes": ("3", "1"),
        # Intake → first attended session: C1 8 d, C2 9 d, C5 10 d (S2 was a no-show) → 9;
        # C3 10 d in August.
        "to_first_service": ("9.0", "10.0"),
        # Sessions held: S1 S2 S3 (S4 cancelled); S5 in August.
        "sessions": ("3", "1"),
        "attended": ("7", "2"),
        "att_in_person": ("2", "2"),
        "att_online": ("2", "0"),
        "att_hybrid_room": ("1", "0"),
        "att_hybrid_online": ("2", "0"),
        # 7 attended, 2 no-shows (C4 at S1, C5 at S2); C4 at S3 not recorded.
        "attendance_rate": ("78%", "67%"),
        "no_show_rate": ("22%", "33%"),
        "views": ("3", "0"),
        "enrolments": ("3", "0"),
        "completions": ("2", "0"),
        "completion_rate": ("67%", "—"),
        # 4 and 6 days → 5.
        "days_to_complete": ("5.0", "—"),
        "respondents": ("3", "0"),
        # (5 + 4 + 2) / 3
        "likert_mean": ("3.67", "—"),
        "agree_share": ("67%", "—"),
        # promoters 1 (10), detractors 1 (3), of 3 → 0
        "nps": ("0", "—"),
        "invited": ("4", "0"),
        "response_rate": ("75%", "—"),
        "followed_3": ("1", "0"),
        "employed_rate_3": ("100%", "—"),
        "in_field_rate_3": ("0%", "—"),
        "full_time_rate_3": ("0%", "—"),
        "followed_6": ("2", "0"),
        "employed_rate_6": ("50%", "—"),
        "in_field_rate_6": ("50%", "—"),
        "full_time_rate_6": ("50%", "—"),
        "followed_12": ("1", "0"),
        "employed_rate_12": ("100%", "—"),
        "in_field_rate_12": ("100%", "—"),
        "full_time_rate_12": ("100%", "—"),
    }


def test_breakdown_by_mode(cohort):
    board = _board(cohort, by="mode")
    assert _column(board, "participation", "participants") == {
        "In person": "2",  # C1 C3 at S1
        "Online": "2",  # C1 C2 at S2
        "Hybrid, in the room": "1",  # C3
        "Hybrid, online": "2",  # C2 C5
    }  # each table lists the groups its figures have: no "Hybrid" row here
    assert _column(board, "attendance", "sessions") == {
        "In person": "1",
        "Online": "1",
        "Hybrid, in the room": "0",  # a session is hybrid as a whole
        "Hybrid, online": "0",
        "Hybrid": "1",
    }
    assert _column(board, "attendance", "no_show_rate") == {
        "In person": "33%",
        "Online": "33%",
        "Hybrid, in the room": "0%",
        "Hybrid, online": "0%",
        "Hybrid": "—",
    }
    # Surveys know how the respondent attended: in person, online or hybrid.
    assert _column(board, "satisfaction", "likert_mean") == {
        "In person": "2.00",
        "Online": "5.00",
        "Hybrid": "4.00",
    }
    # Intakes have no mode.
    assert _column(board, "participation", "intakes")["Online"] == "—"


def test_breakdown_by_location_type(cohort):
    board = _board(cohort, by="location_type")
    assert _column(board, "participation", "participants") == {
        "Urban": "1",
        "Rural": "2",
        "Remote": "1",
    }
    assert _column(board, "participation", "intakes") == {"Urban": "0", "Rural": "2", "Remote": "1"}
    assert _column(board, "learning", "completion_rate") == {
        "Rural": "50%",
        "Remote": "100%",
    }
    assert _column(board, "outcomes", "employed_rate_6") == {
        "Urban": "—",
        "Rural": "50%",
        "Remote": "—",
    }


def test_filtered_to_rural_clients_in_french(cohort):
    board = _board(cohort, by="arrival_status", location_type="rural", language="fr")
    totals = _totals(board)
    assert totals["participants"] == ("2", "0")  # C1 C2 (C1 was a no-show in August)
    assert totals["attended"] == ("4", "0")
    assert totals["no_show_rate"] == ("0%", "100%")
    assert totals["intakes"] == ("2", "0")
    assert totals["likert_mean"] == ("4.50", "—")
    # Sessions are not described by client characteristics: not available, and said so.
    assert totals["sessions"] == ("—", "—")
    assert any("Sessions held" in note for note in board.notes)
    assert _column(board, "participation", "participants") == {
        "Pre-arrival (approved, not yet in Canada)": "1",
        "Arrived in Canada": "1",
    }


def test_breakdown_by_language_and_program(cohort):
    board = _board(cohort, by="language")
    assert _column(board, "participation", "participants") == {
        "English": "1",
        "French": "2",
        "Arabic": "1",
    }
    board = _board(cohort, by="program")
    assert _column(board, "attendance", "attended") == {"Jobs": "7"}


def test_mode_comparison(cohort):
    with timezone.override(ZONE):
        comparisons = mode_comparison(
            agency_ids=[cohort.agency.pk], selection=Selection(SEPTEMBER), suppress=False
        )
    (workshop,) = comparisons
    assert workshop.service_type == "workshop"
    shown = {group.mode: group.shown for group in workshop.groups}
    assert shown["in_person"] == {
        "clients": "2",  # C1 C3
        "attendance_rate": "67%",  # 2 of 3 (C4 no-show)
        "rural_share": "50%",  # C1
        "pre_arrival_share": "50%",  # C1
        "followed": "1",  # C1 at 6 months
        "employed_rate": "100%",
        "respondents": "1",  # the anonymous in-person response
        "satisfaction": "2.00",
    }
    assert shown["online"] == {
        "clients": "2",  # C1 C2
        "attendance_rate": "67%",  # C5 no-show
        "rural_share": "100%",
        "pre_arrival_share": "50%",
        "followed": "2",  # C1 C2
        "employed_rate": "50%",
        "respondents": "1",
        "satisfaction": "5.00",
    }
    assert shown["hybrid"] == {
        "clients": "3",  # C2 C3 C5
        "attendance_rate": "100%",
        "rural_share": "67%",  # C2 rural, C5 remote
        "pre_arrival_share": "0%",
        "followed": "1",  # C2
        "employed_rate": "0%",
        "respondents": "1",
        "satisfaction": "4.00",
    }
    assert workshop.staff_display == "3.50"
    assert "too few to compare" in workshop.note


def test_network_dashboard_adds_up_agencies_and_breaks_down_by_agency(cohort, other_agency):
    other = build_cohort(other_agency)
    assert other
    with timezone.override(ZONE):
        board = dashboard(
            agency_ids=[cohort.agency.pk, other_agency.pk],
            selection=Selection(SEPTEMBER, by="agency"),
            network=True,
            suppress=True,
            limit_threshold=1,  # nothing under 1: every figure shows
        )
    assert _totals(board)["participants"] == ("8", "4")
    assert _totals(board)["likert_mean"] == ("3.67", "—")
    assert _column(board, "participation", "participants") == {
        str(cohort.agency.name): "4",
        str(other_agency.name): "4",
    }


def test_mode_comparison_for_rural_clients(cohort):
    """The pilot's question: what did online delivery do for rural clients?"""
    with timezone.override(ZONE):
        (workshop,) = mode_comparison(
            agency_ids=[cohort.agency.pk],
            selection=Selection(SEPTEMBER, filters={"location_type": "rural"}),
            suppress=False,
        )
    shown = {group.mode: group.shown for group in workshop.groups}
    assert {mode: row["clients"] for mode, row in shown.items()} == {
        "in_person": "1",  # C1
        "online": "2",  # C1 C2
        "hybrid": "1",  # C2
    }
    # The in-person response came from an urban client: no rural answer in person.
    assert {mode: row["satisfaction"] for mode, row in shown.items()} == {
        "in_person": "—",
        "online": "5.00",
        "hybrid": "4.00",
    }
    assert shown["online"]["employed_rate"] == "50%"  # C1 hired, C2 not yet, at 6 months


def test_mode_comparison_filtered_to_a_program(cohort):
    with timezone.override(ZONE):
        (workshop,) = mode_comparison(
            agency_ids=[cohort.agency.pk],
            selection=Selection(SEPTEMBER, filters={"program": str(cohort.program.pk)}),
            suppress=False,
        )
        nothing = mode_comparison(
            agency_ids=[cohort.agency.pk],
            selection=Selection(SEPTEMBER, filters={"program": str(cohort.program.pk + 999)}),
            suppress=False,
        )
    assert [g.shown["clients"] for g in workshop.groups] == ["2", "2", "3"]
    assert [g.shown["satisfaction"] for g in workshop.groups] == ["2.00", "5.00", "4.00"]
    # Another program: no clients (the staff rating, which is not about clients, remains).
    (other,) = nothing
    assert [g.shown["clients"] for g in other.groups] == ["0", "0", "0"]
    assert other.staff_display == "3.50"
