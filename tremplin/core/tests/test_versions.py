import pytest

from tremplin.core.versions import agency_cached, agency_version_bump

pytestmark = pytest.mark.django_db


def test_a_value_is_read_once_then_served_until_its_version_is_bumped():
    rows = ["first"]
    reads = []

    def read() -> list[str]:
        reads.append(1)
        return list(rows)

    assert agency_cached("things", 7, read, timeout=60) == ["first"]
    assert agency_cached("things", 7, read, timeout=60) == ["first"]
    assert len(reads) == 1
    rows[:] = ["second"]
    agency_version_bump("things", 7)
    assert agency_cached("things", 7, read, timeout=60) == ["second"]
    assert agency_cached("things", 8, read, timeout=60) == ["second"]  # its own version
    assert len(reads) == 3


def test_rows_read_just_before_a_change_are_never_served_after_it():
    rows = ["old"]

    def read_then_change() -> list[str]:
        seen = list(rows)
        rows[:] = ["new"]  # another server commits a change and bumps the version...
        agency_version_bump("things", 7)
        return seen  # ...before this reader stores what it read

    assert agency_cached("things", 7, read_then_change, timeout=60) == ["old"]
    assert agency_cached("things", 7, lambda: list(rows), timeout=60) == ["new"]
