"""The registration rush on SQLite, the embedded default: no "database is locked" errors and no
overbooking. The test database of the suite lives in memory, where threads cannot really
compete for the file lock, so this runs the real `tremplin bench registrations` command on a
fresh SQLite file in a child process (its own migrations, its own connections per thread)."""

import os
import sqlite3
import subprocess
import sys

import pytest
from django.db import connection


@pytest.mark.django_db
def test_a_rush_on_a_sqlite_file_has_no_lock_errors_and_never_overbooks(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("The PostgreSQL run has its own concurrency test.")
    database = tmp_path / "rush.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tremplin.config.settings",
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{database}",
        "TREMPLIN_DATA_DIR": str(tmp_path),
    }

    def tremplin(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "tremplin", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    migrated = tremplin("migrate", "--verbosity", "0")
    assert migrated.returncode == 0, migrated.stderr
    for processes in ("1", "2"):  # threads in one process, then split over two forked ones
        rush = tremplin(
            "bench", "registrations", "--clients", "120", "--seats", "20", "--workers", "8",
            "--processes", processes,
        )  # fmt: skip
        assert rush.returncode == 0, rush.stdout + rush.stderr
        assert f"service level ({processes} process(es))" in rush.stdout
        figures = dict(line.split(maxsplit=1) for line in rush.stdout.splitlines()[2:6])
        assert figures == {
            "confirmed": "20",
            "waitlisted": "100",
            "errors": "0",
            "elapsed": figures["elapsed"],
        }
        assert "invariants         OK" in rush.stdout
    with sqlite3.connect(database) as db:  # the benchmark cleaned up after itself
        assert db.execute("select count(*) from programs_registration").fetchone() == (0,)
        assert db.execute("select count(*) from agencies_agency").fetchone() == (0,)
