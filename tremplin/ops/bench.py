"""`tremplin bench scaleout`: app servers and task workers as separate processes, one database.

Starts `--servers` × `tremplin serve --workers W` (ports `--port`, `--port`+1, …) and
`--task-workers` × `tremplin run_huey`, against the configured database and cache (PostgreSQL and
Redis, or the embedded SQLite default), then over HTTP:

1. races `--clients` registrations (each signed-in client posts the form once, requests split
   across the servers) for one session of `--seats` seats: exactly `--seats` confirmed, the
   waitlist 1…n, no error;
2. signs one staff person in on every server and submits the same TOTP code to each:
   accepted once;
3. sends 30 wrong passwords for one account split across the servers: refused as wrong exactly
   as many times as ACCOUNT_RATE_LIMITS allows, then throttled.

Prints the figures (registrations/s over HTTP, p50/p95) and exits 1 when an invariant breaks.
Needs DEBUG=0-style settings with collected static files when DEBUG is off (like production).
"""

import http.client
import os
import re
import secrets
import subprocess
import sys
import threading
import time
from argparse import _SubParsersAction
from contextlib import ExitStack
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django_scopes import scopes_disabled

from tremplin.core.loadtest import LoadResult, form_post, hammer, serving

WRONG_PASSWORDS = 30


def register(subparsers: _SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "scaleout",
        help="Several app servers and task workers on one database: limits hold across them.",
    )
    parser.add_argument("--servers", type=int, default=2, help="App servers (default 2).")
    parser.add_argument(
        "--server-workers", type=int, default=2, help="Worker processes per server (default 2)."
    )
    parser.add_argument("--task-workers", type=int, default=2, help="Task workers (default 2).")
    parser.add_argument("--clients", type=int, default=500, help="Registrations (default 500).")
    parser.add_argument("--seats", type=int, default=100, help="Seats (default 100).")
    parser.add_argument("--concurrency", type=int, default=8, help="Client threads per server.")
    parser.add_argument("--port", type=int, default=8010, help="First port (default 8010).")
    parser.set_defaults(run=run_scaleout)


class Browser:
    """A minimal HTTP client with its own cookies, aimed at one server (no redirects)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict[str, str] | None = None) -> Any:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.cookies.get(settings.CSRF_COOKIE_NAME, "")}
            body = urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.text = response.read().decode("utf-8", "replace")  # type: ignore[attr-defined]
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response


def _staff_with_totp(agency: Any) -> tuple[Any, str, str]:
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from tremplin.accounts.models import User
    from tremplin.agencies.models import Membership
    from tremplin.agencies.roles import Role

    password = secrets.token_urlsafe(16)
    email = f"staff-{secrets.token_hex(4)}@bench.invalid"
    user = User.objects.create_user(email=email, password=password)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    Membership.objects.create(user=user, agency=agency, role=Role.COUNSELLOR)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, password, secret


def _totp_replay(ports: list[int], email: str, password: str, secret: str) -> tuple[int, int]:
    """Every server gets a signed-in-by-password browser; all submit one code. (accepted, n)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    with translation.override("en"):
        login, authenticate = reverse("account_login"), reverse("mfa_authenticate")
    browsers = []
    for port in ports * (2 if len(ports) == 1 else 1):
        browser = Browser(port)
        browser.request("GET", login)
        response = browser.request("POST", login, {"login": email, "password": password})
        if response.status != 302 or authenticate not in response.getheader("Location", ""):
            raise RuntimeError(f"sign-in did not reach the TOTP step: {response.status}")
        browsers.append(browser)
    # A fresh 30-second window, so every submission falls in the same one.
    while int(time.time()) % 30 > 24:
        time.sleep(0.5)
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    outcomes: list[int] = []
    barrier = threading.Barrier(len(browsers))

    def submit(browser: Browser) -> None:
        barrier.wait()
        outcomes.append(browser.request("POST", authenticate, {"code": code}).status)

    threads = [threading.Thread(target=submit, args=(b,)) for b in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes.count(302), len(outcomes)


def _wrong_passwords(ports: list[int], email: str) -> tuple[int, int, int]:
    """(refused as wrong, throttled, errors) for WRONG_PASSWORDS attempts across the servers."""
    with translation.override("en"):
        login = reverse("account_login")
    wrong = throttled = errors = 0
    browsers = [Browser(port) for port in ports]
    for browser in browsers:
        browser.request("GET", login)
    for attempt in range(WRONG_PASSWORDS):
        browser = browsers[attempt % len(browsers)]
        response = browser.request(
            "POST", login, {"login": email, "password": f"wrong-{attempt}-password"}
        )
        if response.status == 429 or "Too many" in response.text:
            throttled += 1
        elif response.status == 200 and "are not correct" in response.text:
            wrong += 1
        else:
            errors += 1
    return wrong, throttled, errors


def _configured_failures() -> int:
    """The per-account count of ACCOUNT_RATE_LIMITS["login_failed"] ("…,5/900s/key" → 5)."""
    rule = settings.ACCOUNT_RATE_LIMITS.get("login_failed", "")
    match = re.search(r"(\d+)/[^,]*key", rule)
    return int(match.group(1)) if match else 0


def run_scaleout(command: BaseCommand, options: dict[str, Any]) -> bool:
    from tremplin.programs.bench import (
        _broken_invariants,
        _create_world,
        _delete_world,
        _signed_in_cookies,
    )
    from tremplin.programs.models import AttendanceMode, Registration, RegistrationStatus

    out = command.stdout.write
    servers, clients, seats = options["servers"], options["clients"], options["seats"]
    ports = [options["port"] + n for n in range(servers)]
    child_env = {"ACCESS_LOG": "", "PYTHONUNBUFFERED": "1"}
    broken: list[str] = []
    with scopes_disabled():
        session, people = _create_world(clients=clients, seats=seats)
        try:
            cookies = _signed_in_cookies(people)
            staff, password, secret = _staff_with_totp(session.agency)
            with translation.override("en"):
                path = reverse(
                    "programs:register",
                    kwargs={"agency_slug": session.agency.slug, "session_id": session.pk},
                )
            with ExitStack() as stack:
                began = time.perf_counter()
                for port in ports:
                    stack.enter_context(
                        serving(port=port, workers=options["server_workers"], env=child_env)
                    )
                for _ in range(options["task_workers"]):
                    worker = subprocess.Popen(
                        [sys.executable, "-m", "tremplin", "run_huey", "--workers", "1"],
                        env={**os.environ, **child_env},
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                    stack.callback(worker.wait, 20)
                    stack.callback(worker.terminate)
                started_in = time.perf_counter() - began

                # 1. The rush: client i posts to server i % servers.
                results: list[LoadResult] = [LoadResult() for _ in ports]
                share = [list(range(n, clients, servers)) for n in range(servers)]

                def rush(n: int) -> None:
                    mine = share[n]

                    def post(index: int) -> Any:
                        person = mine[index]
                        data = {
                            "mode": AttendanceMode.IN_PERSON,
                            "csrfmiddlewaretoken": cookies[person]["csrftoken"],
                        }
                        return form_post(path, data, cookies[person])

                    results[n] = hammer(
                        port=ports[n],
                        requests=post,
                        concurrency=options["concurrency"],
                        total=len(mine),
                    )

                rush_began = time.perf_counter()
                threads = [threading.Thread(target=rush, args=(n,)) for n in range(servers)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                elapsed = time.perf_counter() - rush_began

                # 2. One TOTP code on every server; 3. wrong passwords across the servers.
                accepted, submitted = _totp_replay(ports, staff.email, password, secret)
                wrong, throttled, login_errors = _wrong_passwords(ports, staff.email)

            latencies = sorted(ms for result in results for ms in result.latencies_ms)
            statuses: dict[int, int] = {}
            for result in results:
                for status, count in result.statuses.items():
                    statuses[status] = statuses.get(status, 0) + count
            failed = sum(count for status, count in statuses.items() if status != 302)
            registrations = Registration.objects.filter(session=session)
            confirmed = registrations.filter(status=RegistrationStatus.CONFIRMED).count()
            waitlisted = registrations.filter(status=RegistrationStatus.WAITLISTED).count()
            broken += _broken_invariants(session, clients=clients, seats=seats, errors=failed)
            if confirmed + waitlisted != clients:
                broken.append(f"{confirmed + waitlisted} registrations for {clients} posts")
            if accepted != 1:
                broken.append(f"one TOTP code accepted {accepted} times on {submitted} sessions")
            allowed = _configured_failures()
            if wrong != allowed or login_errors:
                broken.append(
                    f"{wrong} wrong passwords evaluated (limit {allowed}), {login_errors} errors"
                )
        finally:
            _delete_world(session)
            staff_user = locals().get("staff")
            if staff_user is not None:
                staff_user.delete()

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * q))] if latencies else 0.0

    cache = str(settings.CACHES["default"]["BACKEND"]).rsplit(".", 1)[-1]
    out(
        f"bench scaleout on {connection.vendor}, cache {cache}: {servers} × tremplin serve "
        f"--workers {options['server_workers']} (ports {ports[0]}–{ports[-1]}), "
        f"{options['task_workers']} task workers; started in {started_in:.1f} s"
    )
    out(f"  registrations      {clients} posted for {seats} seats, statuses {statuses}")
    out(f"  confirmed          {confirmed}")
    out(f"  waitlisted         {waitlisted} (positions 1…{waitlisted})")
    out(f"  registrations/s    {clients / elapsed:.0f} over HTTP ({elapsed:.2f} s)")
    out(f"  latency p50        {pct(0.50):.0f} ms")
    out(f"  latency p95        {pct(0.95):.0f} ms")
    out(f"  TOTP replay        accepted {accepted} of {submitted} submissions of one code")
    out(
        f"  wrong passwords    {WRONG_PASSWORDS} sent: {wrong} evaluated, {throttled} throttled "
        f"(limit {_configured_failures()} per account)"
    )
    out(f"  invariants         {'OK' if not broken else 'BROKEN'}")
    for problem in broken:
        out(f"    {problem}")
    return not broken
