"""`tremplin worker`: the background worker — huey's consumer and scheduler (every task of every
app, including the messaging tick each minute) plus the messaging pump, which sends due rows of
the outbox within a second and takes back rows left "sending" by a worker that died.

Run as many as needed, on as many machines: rows are claimed in the database, so two workers
never send the same message (docs/messaging.md).
"""

import logging
import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from tremplin.ops.startup import outbound_backend_problems

log = logging.getLogger(__name__)


def pump(stop: threading.Event, poll: float) -> None:
    from tremplin.messaging import outbox

    last_sweep = 0.0
    wake = outbox.pump_started()
    while not stop.is_set():
        sent = 0
        try:
            close_old_connections()
            if time.monotonic() - last_sweep >= min(10.0, outbox.sending_timeout().total_seconds()):
                outbox.sweep()
                last_sweep = time.monotonic()
            sent = outbox.drain(max_seconds=10)
        except Exception:  # noqa: BLE001 — the pump must keep going (database restart…)
            log.exception("messaging pump")
        if not sent:
            wake.wait(poll)  # a "look now" task (tasks.drain_outbox) ends the wait early
            wake.clear()


class Command(BaseCommand):
    help = "Run the background worker: the task queue, its scheduler and the messaging pump."
    requires_system_checks: list = []  # like run_huey: the web server runs the checks

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workers", type=int, default=None, help="task threads (huey)")
        parser.add_argument(
            "--poll", type=float, default=0.5, help="seconds between two looks at the outbox"
        )
        parser.add_argument(
            "--pump-only", action="store_true", help="only the messaging pump, no task queue"
        )

    def handle(self, *args, **options) -> None:
        problems = outbound_backend_problems()
        if problems:  # production: texts and e-mails must really go out, never to local files
            raise CommandError("Tremplin cannot start:\n- " + "\n- ".join(problems))
        stop = threading.Event()
        thread = threading.Thread(
            target=pump, args=(stop, options["poll"]), name="messaging-pump", daemon=True
        )
        thread.start()
        try:
            if options["pump_only"]:
                while thread.is_alive():
                    thread.join(1.0)
            else:
                huey_options = {}
                if options["workers"]:
                    huey_options["workers"] = options["workers"]
                call_command("run_huey", **huey_options)
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            thread.join(timeout=15)
