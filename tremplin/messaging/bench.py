"""`tremplin bench messaging`: enqueue messages through `notify` and deliver them with real
`tremplin worker` processes through the file adapter, against the configured database and queue.

Prints messages per second (first enqueue to last delivery), the end-to-end delay (queued →
sent) at p50/p95, and the duplicates and losses counted in the file adapter's outbox. Creates a
throwaway agency and deletes it afterwards.
"""

import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import time
from argparse import _SubParsersAction
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django_scopes import scopes_disabled
from i18nfield.strings import LazyI18nString

from tremplin.agencies.models import Agency, Network
from tremplin.audit.models import AuditEvent
from tremplin.clients.models import Client, ConsentRecord
from tremplin.clients.services import consent_give
from tremplin.messaging.message_types import MessageType
from tremplin.messaging.models import MessageEvent, OutboundMessage, OutboundStatus
from tremplin.messaging.services import Recipient, notify_many


def register(subparsers: _SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "messaging", help="Send messages through workers and the file adapter; count losses."
    )
    parser.add_argument("--messages", type=int, default=10000, help="Messages (default 10000).")
    parser.add_argument("--clients", type=int, default=100, help="Recipients (default 100).")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="`tremplin worker` processes (default: 1 on SQLite, one writer at a time; else 2).",
    )
    parser.add_argument(
        "--batch", type=int, default=200, help="Messages queued per transaction (default 200)."
    )
    parser.add_argument("--timeout", type=float, default=600, help="Give up after (seconds).")
    parser.set_defaults(run=run_messaging)


def _create_world(clients: int) -> tuple[Agency, list[Client]]:
    tag = secrets.token_hex(4)
    network = Network.objects.create(slug=f"bench-{tag}", name=LazyI18nString({"en": "Benchmark"}))
    agency = Agency.objects.create(
        network=network,
        slug=f"bench-{tag}",
        name=LazyI18nString({"en": "Benchmark"}),
        province="ON",
    )
    people = []
    for number in range(clients):
        client = Client.objects.create(
            agency=agency,
            first_name="Bench",
            last_name=f"Client {number}",
            phone=f"+1613555{number:04d}",
            preferred_language="fr" if number % 2 else "en",
            preferred_channels=["sms"],
        )
        consent_give(client=client, purpose="contact_sms", actor=None)
        people.append(client)
    return agency, people


def _delete_world(agency: Agency) -> None:
    MessageEvent.objects.filter(agency=agency).delete()
    OutboundMessage.objects.filter(agency=agency).delete()
    ConsentRecord.objects.filter(agency=agency).delete()
    AuditEvent.objects.filter(agency=agency).delete()
    Client.objects.filter(agency=agency).delete()
    network = agency.network
    agency.delete()
    network.delete()


def _start_workers(count: int) -> list[subprocess.Popen]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get(
            "DJANGO_SETTINGS_MODULE", "tremplin.config.settings"
        ),
    }
    env.setdefault("LOG_LEVEL", "WARNING")
    return [
        subprocess.Popen(
            [sys.executable, "-m", "tremplin", "worker", "--workers", "2", "--poll", "0.2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]


def _stop(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGINT)
    for worker in workers:
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def _outbox_keys(path: Path, offset: int) -> list[str]:
    if not path.exists():
        return []
    with path.open("rb") as outbox:
        outbox.seek(offset)
        keys = []
        for raw in outbox:
            try:
                keys.append(json.loads(raw)["key"])
            except (ValueError, KeyError):
                continue
        return keys


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run_messaging(command: BaseCommand, options: dict[str, Any]) -> bool:
    total, batch = options["messages"], max(1, options["batch"])
    if options["workers"] is None:
        options["workers"] = 1 if connection.vendor == "sqlite" else 2
    out = command.stdout.write
    outbox = Path(settings.MESSAGING_OUTBOX_DIR) / "sms.jsonl"
    offset = outbox.stat().st_size if outbox.exists() else 0
    with scopes_disabled():
        agency, people = _create_world(max(1, options["clients"]))
        workers = _start_workers(max(1, options["workers"]))
        try:
            time.sleep(3)  # let the workers start
            started = time.monotonic()
            for first in range(0, total, batch):
                notify_many(
                    message_type=MessageType.STAFF_REPLY,
                    recipients=[
                        Recipient(people[number % len(people)], {"text": f"Bench message {number}"})
                        for number in range(first, min(total, first + batch))
                    ],
                    urgent=True,  # not held by quiet hours whatever the time of day
                )
            enqueued = time.monotonic() - started
            messages = OutboundMessage.objects.filter(agency=agency)
            deadline = time.monotonic() + options["timeout"]
            while time.monotonic() < deadline:
                if messages.exclude(status=OutboundStatus.SENT).count() == 0:
                    break
                time.sleep(0.2)
        finally:
            _stop(workers)
        rows = list(messages.values_list("pk", "attempts", "status", "created_at", "sent_at"))
        sent = [(row[3], row[4]) for row in rows if row[2] == OutboundStatus.SENT and row[4]]
        delays = [(sent_at - queued_at).total_seconds() for queued_at, sent_at in sent]
        span = (
            (max(s for _q, s in sent) - min(row[3] for row in rows)).total_seconds()
            if sent
            else float("nan")
        )
        ids = {row[0] for row in rows}
        seen: dict[int, int] = {}
        for key in _outbox_keys(outbox, offset):
            message_id = int(key.split(":", 1)[0]) if key else 0
            if message_id in ids:
                seen[message_id] = seen.get(message_id, 0) + 1
        duplicates = sum(count - 1 for count in seen.values())
        lost = len(ids - set(seen))
        _delete_world(agency)
    out(
        f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, queue: "
        f"{settings.HUEY['huey_class']}, workers: {options['workers']} processes"
    )
    out(f"messages: {total} queued in {enqueued:.1f} s ({total / enqueued:.0f}/s)")
    out(f"delivered: {len(sent)} in {span:.1f} s → {len(sent) / span:.0f} messages/s end to end")
    if delays:
        out(
            f"delay queued→sent: p50 {statistics.median(delays) * 1000:.0f} ms, "
            f"p95 {_percentile(delays, 0.95) * 1000:.0f} ms, max {max(delays) * 1000:.0f} ms"
        )
    out(f"duplicates: {duplicates}, lost: {lost}")
    return duplicates == 0 and lost == 0 and len(sent) == total
