"""Scale-out proof (run by .ci/run with TREMPLIN_SCALEOUT=1; skipped otherwise).

Production settings (DEBUG=0, collected static files), separate processes, HTTP only:

- PostgreSQL + Redis: two `tremplin serve` and two task workers;
- the embedded default (SQLite file, database cache): one `tremplin serve --workers 4`.

Each runs `tremplin bench scaleout`: 500 registrations for 100 seats across the servers (exactly
100 confirmed, waitlist 1…400, no error), one TOTP code submitted on every server (accepted
once), 30 wrong passwords across the servers (evaluated only as often as the configured limit).
The figures are printed (`-rP` shows them, also under xdist; the two scenarios use separate
ports and databases, so `-n 2` runs them side by side).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.scaleout,
    pytest.mark.skipif(
        not os.environ.get("TREMPLIN_SCALEOUT"), reason="set TREMPLIN_SCALEOUT=1 (run by .ci/run)"
    ),
]

DATABASE_URL = os.environ.get(
    "SCALEOUT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tremplin_h10_scaleout"
)
REDIS_URL = os.environ.get("SCALEOUT_REDIS_URL", "redis://127.0.0.1:6379/2")
PORT = int(os.environ.get("SCALEOUT_PORT", "8010"))


def production_env(data_dir: Path, static_root: Path, **overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "TASKS_IMMEDIATE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tremplin.config.settings",
        DEBUG="0",
        TASKS_IMMEDIATE="0",
        SECRET_KEY="scale-out-test-key-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback; TLS ends at the reverse proxy
        TREMPLIN_ALLOW_FILE_BACKENDS="1",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        TREMPLIN_DATA_DIR=str(data_dir),
        STATIC_ROOT=str(static_root),
        OMP_NUM_THREADS="1",
    )
    env.update(overrides)
    return env


def tremplin(env: dict[str, str], *args: str, timeout: int = 600) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "tremplin", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("static")
    env = production_env(tmp_path_factory.mktemp("collect"), root)
    tremplin(env, "collectstatic", "--noinput", "-v0")
    return root


def bench(env: dict[str, str], *args: str) -> None:
    tremplin(env, "migrate", "-v0")
    output = tremplin(env, "bench", "scaleout", *args)
    print("\n" + output)  # the figures, kept in the CI log
    assert "invariants         OK" in output


def test_two_servers_and_two_workers_on_postgresql_and_redis(tmp_path, static_root):
    import psycopg
    import redis

    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    redis.Redis.from_url(REDIS_URL).flushdb()
    env = production_env(tmp_path, static_root, DATABASE_URL=DATABASE_URL, REDIS_URL=REDIS_URL)
    bench(
        env, "--servers", "2", "--server-workers", "2", "--task-workers", "2", "--port", str(PORT)
    )


def test_one_server_with_four_workers_on_the_sqlite_default(tmp_path, static_root):
    env = production_env(tmp_path, static_root)
    bench(
        env,
        "--servers",
        "1",
        "--server-workers",
        "4",
        "--task-workers",
        "1",
        "--port",
        str(PORT + 10),
    )


def test_serve_answers_before_the_assistant_loads_then_forks_warm_workers(tmp_path, static_root):
    """The first workers answer pages while the master loads the assistant's models; then they
    are replaced by workers forked from the warm master (sharing those models)."""
    import time

    from tremplin.core.bench import _worker_memory
    from tremplin.core.loadtest import _answers

    env = production_env(tmp_path, static_root, SERVER_READY_FILE=str(tmp_path / "ready"))
    tremplin(env, "migrate", "-v0")
    port = PORT + 20
    server = subprocess.Popen(
        [sys.executable, "-m", "tremplin", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )

    def workers() -> set[int]:
        return {pid for role, pid, *_ in _worker_memory(server.pid) if role == "worker"}

    try:
        deadline = time.monotonic() + 120
        while not _answers(port, "/healthz"):
            assert server.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        cold = workers()
        while not (tmp_path / "ready").exists():
            assert server.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        while len(warm := workers()) != 2 or warm & cold:  # the cold ones finish and leave
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert cold and not warm & cold
        assert _answers(port, "/healthz")
    finally:
        server.terminate()
        _, log = server.communicate(timeout=30)
    assert "Workers forked warm" in log
