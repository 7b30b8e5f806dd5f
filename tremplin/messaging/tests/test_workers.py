"""Real `tremplin worker` processes: one is killed (SIGKILL) in the middle of a batch, then two
start at once; every message must be in the file adapter's outbox exactly once.

The test database is shared with the worker processes: on SQLite the (in-memory) test database
is copied to a file they open; on PostgreSQL they connect to the test database itself, with the
task queue in Redis when one answers. Bounded: 60 messages, batches of 10, a 20 ms "provider".
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection

from tremplin.clients.tests.factories import ClientFactory
from tremplin.messaging.models import OutboundMessage
from tremplin.messaging.services import Recipient, notify_many
from tremplin.messaging.tests.conftest import NOON_TORONTO
from tremplin.messaging.tests.helpers import consent

MESSAGES = 60


def _redis_url() -> str:
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/1"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except Exception:  # noqa: BLE001 — no Redis here: the queue stays in a SQLite file
        return ""
    return url


def _env(data_dir: Path, database_url: str, redis_url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL", "DATABASE_URL", "TASKS_IMMEDIATE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tremplin.config.settings",
        DEBUG="1",
        TREMPLIN_DATA_DIR=str(data_dir),
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
        MESSAGING_SENDING_TIMEOUT="2",  # a killed worker's rows come back after 2 s
        MESSAGING_BATCH_SIZE="10",
        MESSAGING_FILE_DELAY="0.02",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def _start(env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tremplin", "worker", "--workers", "1", "--poll", "0.2"],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def _outbox_counts(path: Path) -> Counter:
    counts: Counter = Counter()
    if path.exists():
        for raw in path.read_text(encoding="utf-8").splitlines():
            counts[int(json.loads(raw)["key"].split(":")[0])] += 1
    return counts


def _wait(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _queue_messages(agency) -> list[int]:
    people = ClientFactory.create_batch(6, agency=agency, preferred_channels=["sms"])
    for person in people:
        consent(person, "sms")
    messages = notify_many(
        message_type="staff_reply",
        recipients=[
            Recipient(people[n % len(people)], {"text": f"Message {n}"}) for n in range(MESSAGES)
        ],
        urgent=True,  # not held by quiet hours, whatever the real time of day
        # Scheduled a minute after the test's frozen clock: not due for the test process itself,
        # long due for the workers, which run on the real clock.
        send_at=NOON_TORONTO + timedelta(minutes=1),
    )
    return [message.pk for message in messages]


def _kill_then_two_workers(tmp_path: Path, database_url: str, statuses, redis_url: str = ""):
    env = _env(tmp_path, database_url, redis_url)
    outbox = tmp_path / "var" / "outbox" / "sms.jsonl"
    log = tmp_path / "workers.log"
    first = _start(env, log)
    try:
        assert _wait(lambda: sum(_outbox_counts(outbox).values()) >= 15, 60), log.read_text()
    finally:
        first.send_signal(signal.SIGKILL)  # in the middle of its second batch
        first.wait(10)
    assert sum(_outbox_counts(outbox).values()) < MESSAGES, (
        "the kill came too late to prove anything"
    )
    assert "sending" in statuses().values()  # rows the dead worker held
    others = [_start(env, log), _start(env, log)]
    try:
        done = _wait(lambda: set(statuses().values()) == {"sent"}, 60)
    finally:
        for worker in others:
            worker.send_signal(signal.SIGINT)
        for worker in others:
            try:
                worker.wait(15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    assert done, (statuses(), log.read_text()[-3000:])
    counts = _outbox_counts(outbox)
    assert set(counts) == set(statuses())  # nothing lost
    assert {count for count in counts.values()} == {1}  # nothing sent twice


def test_sigkill_mid_batch_then_two_workers_deliver_each_message_once_on_sqlite(
    transactional_db, agency, tmp_path
):
    if connection.vendor != "sqlite":
        pytest.skip("The SQLite variant (see the PostgreSQL one below).")
    ids = _queue_messages(agency)
    database = tmp_path / "db.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(database)
    connection.connection.backup(target)  # the committed test database, for the workers
    target.close()

    def statuses() -> dict[int, str]:
        with sqlite3.connect(database, timeout=20) as db:
            rows = db.execute(
                f"SELECT id, status FROM {OutboundMessage._meta.db_table}"  # noqa: S608
            ).fetchall()
        return {pk: status for pk, status in rows if pk in ids}

    _kill_then_two_workers(tmp_path, f"sqlite:///{database}", statuses)


@pytest.mark.postgres_only
def test_sigkill_mid_batch_then_two_workers_deliver_each_message_once_on_postgres(
    transactional_db, agency, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL.")
    ids = _queue_messages(agency)
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )

    def statuses() -> dict[int, str]:
        return dict(OutboundMessage.objects.filter(pk__in=ids).values_list("pk", "status"))

    _kill_then_two_workers(tmp_path, url, statuses, redis_url=_redis_url())
