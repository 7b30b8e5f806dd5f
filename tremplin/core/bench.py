"""`tremplin bench pages`: the main pages under the production server, beside `/healthz`.

Starts `tremplin serve` (gunicorn, `--workers` processes) against the configured database, then
loads each page from `--concurrency` connections for `--seconds` and prints requests per second,
p50 and p95, and the ratio of its throughput to `/healthz` (a bare view) measured in the same
run. Signed-in pages use sessions made for existing people of the agency (its first client with
registrations, its first counsellor), so run it on the demo (`tremplin demo --no-serve`) or on a
scale database (`tremplin bench seed-scale`). Also prints how long the server takes from start to
its first answer, and each worker's memory after an assistant chat message.
"""

import re
import time
from argparse import _SubParsersAction
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test import Client as TestClient
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django_scopes import scopes_disabled

from tremplin.agencies.models import Agency, Membership
from tremplin.agencies.roles import Role
from tremplin.core import scale
from tremplin.core.loadtest import (
    PROXY_HEADERS,
    LoadResult,
    descendants,
    get,
    hammer,
    processes,
    serving,
)


def register(subparsers: _SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "pages", help="Serve the main pages with the production server and time them."
    )
    parser.add_argument("--agency", default="", help="Agency slug (default: the first one).")
    parser.add_argument("--workers", type=int, default=4, help="Server processes (default 4).")
    parser.add_argument(
        "--concurrency", type=int, default=16, help="Connections at once (default 16)."
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="Per page (default 5).")
    parser.add_argument("--port", type=int, default=8765, help="Loopback port (default 8765).")
    parser.set_defaults(run=run_pages)
    scale.register(subparsers)


def _url(name: str, **kwargs: Any) -> str | None:
    try:
        with translation.override("en"):
            return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def _session_cookie(user) -> dict[str, str]:
    browser = TestClient()
    browser.force_login(user)
    return {settings.SESSION_COOKIE_NAME: browser.cookies[settings.SESSION_COOKIE_NAME].value}


def _people(agency: Agency) -> tuple[Any, Any]:
    """The agency's client with the most registrations, and its first counsellor."""
    from django.db.models import Count

    from tremplin.clients.models import Client

    client = (
        Client.objects.filter(agency=agency, user__isnull=False)
        .annotate(n=Count("registrations"))
        .order_by("-n", "pk")
        .select_related("user")
        .first()
    )
    counsellor = (
        Membership.objects.filter(agency=agency, role=Role.COUNSELLOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return (client.user if client else None), (counsellor.user if counsellor else None)


def _largest(agency: Agency) -> dict[str, int | None]:
    """Ids of the agency's biggest things: the pages about them are the slowest."""
    from django.db.models import Count

    from tremplin.clients.models import Client
    from tremplin.learning.models import Course
    from tremplin.programs.models import Session

    def top(queryset: Any, related: str) -> int | None:
        return (
            queryset.annotate(n=Count(related))
            .order_by("-n", "pk")
            .values_list("pk", flat=True)
            .first()
        )

    return {
        "client": top(Client.objects.filter(agency=agency), "registrations"),
        "session": top(Session.objects.filter(agency=agency), "registrations"),
        "course": top(Course.objects.filter(agency=agency), "enrolments")
        or top(Course.objects.filter(network=agency.network, agency=None), "enrolments"),
    }


def pages_to_time(agency: Agency) -> list[tuple[str, str, str]]:
    """(label, path, who) for the main public, client and staff pages of `agency`."""
    slug = {"agency_slug": agency.slug}
    largest = _largest(agency)
    candidates = [
        ("agency home", _url("agencies:home", **slug), "anonymous"),
        ("catalogue", _url("programs:catalogue", **slug), "anonymous"),
        ("catalogue (client)", _url("programs:catalogue", **slug), "client"),
        ("client home", _url("agencies:client_home", **slug), "client"),
        ("my registrations", _url("programs:my_registrations", **slug), "client"),
        ("courses", _url("learning:courses:catalogue", **slug), "client"),
        ("staff home", _url("agencies:staff_home", **slug), "staff"),
        ("client list", _url("clients:list", **slug), "staff"),
        ("client search", (_url("clients:list", **slug) or "") + "?q=ma", "staff"),
        ("sessions (staff)", _url("programs:staff_home", **slug), "staff"),
        ("courses (staff)", _url("learning:staff_courses", **slug), "staff"),
        (
            "course learners",
            _url("learning:staff_course", **slug, course_id=largest["course"]),
            "staff",
        ),
        ("client record", _url("clients:detail", **slug, client_id=largest["client"]), "staff"),
        (
            "session (staff)",
            _url("programs:staff_session", **slug, session_id=largest["session"]),
            "staff",
        ),
    ]
    return [(label, path, who) for label, path, who in candidates if path and path[0] == "/"]


def _worker_memory(master_pid: int) -> list[tuple[str, int, int, int, int]]:
    """(role, pid, RSS, PSS, private MB) of each worker: the descendants of the server with no
    children, among them the shared language-model process (role "language models").

    With workers forked from a preloaded master, RSS counts the pages they share with it; PSS
    divides shared pages among the processes sharing them; private is what one more worker adds."""
    table = processes()
    parents = {row.parent for row in table.values()}
    workers = [pid for pid in descendants(master_pid, table) if pid not in parents]
    rows = []
    for pid in sorted(workers):
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        kb = {m[1]: int(m[2]) for m in re.finditer(r"^(\w+):\s+(\d+) kB", rollup, re.M)}
        private = kb.get("Private_Clean", 0) + kb.get("Private_Dirty", 0)
        try:
            is_models = b"langid_server" in Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        role = "language models" if is_models else "worker"
        rows.append(
            (role, pid, kb.get("Rss", 0) // 1024, kb.get("Pss", 0) // 1024, private // 1024)
        )
    return rows


def _chat_once(port: int, agency: Agency) -> int:
    """Send one message to the assistant's web chat as an anonymous visitor; return the status."""
    import http.client

    path = _url("assistant:chat", agency_slug=agency.slug)
    if not path:
        return 0
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers=PROXY_HEADERS)
    response = connection.getresponse()
    page = response.read().decode()
    cookies = "; ".join(
        header.split(";", 1)[0] for name, header in response.getheaders() if name == "Set-Cookie"
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    body = f"message=When+is+the+next+resume+workshop%3F&csrfmiddlewaretoken={token[1] if token else ''}"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(
        "POST",
        path,
        body=body,
        headers={
            **PROXY_HEADERS,
            "Cookie": cookies,
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://127.0.0.1{path}",
        },
    )
    status = connection.getresponse().status
    return status


def print_row(command: BaseCommand, label: str, result: LoadResult, bare: LoadResult) -> None:
    ratio = result.per_second / bare.per_second if bare.per_second else 0.0
    statuses = ",".join(f"{code}×{n}" for code, n in sorted(result.statuses.items()))
    cpu = f"  CPU {sum(result.cpu_ms.values()):5.1f} ms/req" if result.cpu_ms else ""
    command.stdout.write(
        f"{label:<22} {result.per_second:8.1f} req/s  p50 {result.percentile(50):7.1f} ms  "
        f"p95 {result.percentile(95):7.1f} ms  {ratio:5.2f} × healthz{cpu}  [{statuses}]"
    )


def run_pages(command: BaseCommand, options: dict[str, Any]) -> bool:
    with scopes_disabled():
        agencies = Agency.objects.order_by("pk")
        agency = agencies.filter(slug=options["agency"]).first() if options["agency"] else None
        agency = agency or agencies.first()
        if agency is None:
            command.stderr.write("No agency: load the demo first (tremplin demo --no-serve).")
            return False
        client_user, staff_user = _people(agency)
        cookies = {
            "anonymous": {},
            "client": _session_cookie(client_user) if client_user else None,
            "staff": _session_cookie(staff_user) if staff_user else None,
        }
        pages = pages_to_time(agency)
    port, seconds, concurrency = options["port"], options["seconds"], options["concurrency"]
    home = pages[0][1]
    ok = True
    with serving(port=port, workers=options["workers"], first_page=home) as server:
        command.stdout.write(
            f"server start → first agency home 200: {server.started_in:.2f} s; "
            f"workers forked warm (assistant loaded): {server.warm_in:.2f} s"
        )
        command.stdout.write(
            f"agency {agency.slug}: {options['workers']} workers, {concurrency} connections, "
            f"{seconds:g} s per page"
        )
        bare = hammer(
            port=port,
            requests=get("/healthz"),
            concurrency=concurrency,
            seconds=seconds,
            server_pid=server.pid,
        )
        print_row(command, "/healthz", bare, bare)
        for label, path, who in pages:
            if cookies[who] is None:
                command.stdout.write(f"{label:<22} skipped: no {who} in this agency")
                continue
            for _warm in range(2):
                hammer(port=port, requests=get(path, cookies[who]), concurrency=1, total=1)
            result = hammer(
                port=port,
                requests=get(path, cookies[who]),
                concurrency=concurrency,
                seconds=seconds,
                server_pid=server.pid,
            )
            print_row(command, label, result, bare)
            ok = ok and result.errors == 0
        status = _chat_once(port, agency)
        time.sleep(0.5)
        memory = _worker_memory(server.pid)
        command.stdout.write(f"assistant chat message: HTTP {status}")
        for role, pid, rss, pss, private in memory:
            command.stdout.write(f"{role} {pid}: RSS {rss} MB, PSS {pss} MB, private {private} MB")
    return ok
