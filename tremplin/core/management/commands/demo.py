import signal
import subprocess
import sys
import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django_scopes import scopes_disabled

from tremplin.core.demodata import DEMO_PASSWORD, DEMO_TOTP_SECRET, DemoNetwork, run_demo_loaders


class Command(BaseCommand):
    help = "Migrate, load the bilingual demo network (idempotent), print the demo logins and serve."
    # --code prints a code and exits: the checks run below, only when the demo really starts.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Do everything but serve.")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--code",
            action="store_true",
            help="Print the current TOTP code of demo staff and exit.",
        )

    def handle(self, *args, no_serve: bool, port: int, code: bool, **options) -> None:
        if code:
            self.stdout.write(
                format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30))
            )
            return
        self.check()
        call_command("migrate", interactive=False, verbosity=0)
        started = time.monotonic()
        with scopes_disabled(), transaction.atomic():
            demo = DemoNetwork(network=None)  # type: ignore[arg-type]
            loaded = run_demo_loaders(demo)
        self.stdout.write(
            f"Demo network loaded ({', '.join(loaded)}) in {time.monotonic() - started:.1f} s."
        )
        self._print_logins(demo, port)
        if not no_serve:
            self._serve(port)

    def _print_logins(self, demo: DemoNetwork, port: int) -> None:
        out = self.stdout.write
        out("")
        out(f"Tremplin demo: http://127.0.0.1:{port}/en/  (français : http://127.0.0.1:{port}/fr/)")
        out(f"Every demo login uses the password: {DEMO_PASSWORD}")
        out("Staff accounts use two-factor authentication. Add this key to an authenticator app,")
        out(f"  {DEMO_TOTP_SECRET}")
        out("or print the current 6-digit code with: .venv/bin/tremplin demo --code")
        out("")
        width = max(len(email) for _, _, email in demo.logins)
        for place, role, email in demo.logins:
            out(f"  {email.ljust(width)}  {role:<22} {place}")
        out("")
        if settings.ASSISTANT_DEMO_SMS_TOKEN and not settings.TWILIO_AUTH_TOKEN:
            out(f"SMS webhook: http://127.0.0.1:{port}/sms/<agency>/  demo signing token: ")
            out(f"  {settings.ASSISTANT_DEMO_SMS_TOKEN}   (signed curl example: docs/assistant.md)")
            out("")

    def _serve(self, port: int) -> None:
        # The task worker runs beside the web server; with no REDIS_URL its queue is a SQLite file.
        # Stopping the demo (Ctrl-C, or a SIGTERM/SIGHUP from a closing terminal or a process
        # manager) stops the worker too: the signals become SystemExit so `finally` runs.
        worker = subprocess.Popen([sys.executable, "-m", "tremplin", "worker"])

        def _stop(signum: int, frame: object) -> None:
            raise SystemExit(0)

        for stop_signal in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(stop_signal, _stop)
        try:
            call_command(
                "runserver",
                f"127.0.0.1:{port}",
                use_reloader=False,
                insecure_serving=settings.DEBUG,
            )
        finally:
            stop_worker(worker)


def stop_worker(worker: subprocess.Popen, *, timeout: float = 10) -> None:  # type: ignore[type-arg]
    """Ask the task worker to stop, and make sure it has when this returns."""
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
