"""A small HTTP load generator and a production server to aim it at, for the `bench` commands.

`serving(...)` starts `tremplin serve` (gunicorn, the production server) as a child process on
loopback and waits until `/healthz` answers; `hammer(...)` sends requests from `concurrency`
threads for `seconds` (or until `total` requests) and returns throughput and latencies. Every
figure is printed beside `/healthz` measured by the same server in the same run, so a ratio says
how close a page comes to the cost of a bare view whatever else the machine is doing.
"""

import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlencode


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    cpu_ms: dict[str, float] = field(default_factory=dict)  # per request, by role (cpu_reading)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return 0.0
        if len(self.latencies_ms) == 1:
            return self.latencies_ms[0]
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[int(q) - 1]


Request = tuple[str, str, dict[str, str], bytes | None]  # method, path, headers, body


def hammer(
    *,
    port: int,
    requests: Callable[[int], Request],
    concurrency: int,
    seconds: float | None = None,
    total: int | None = None,
    host: str = "127.0.0.1",
    server_pid: int | None = None,
) -> LoadResult:
    """Send `requests(i)` (i = 0, 1, …) from `concurrency` threads; stop after `seconds` or once
    `total` requests were sent. Any status ≥ 500 or connection failure counts as an error. With
    `server_pid`, also the CPU time each request cost, by role (`cpu_reading`)."""
    result = LoadResult()
    cpu_before = cpu_reading(server_pid) if server_pid else {}
    lock = threading.Lock()
    counter = iter(range(total if total is not None else 10**12))
    deadline = time.perf_counter() + seconds if seconds else None

    def worker() -> None:
        connection = http.client.HTTPConnection(host, port, timeout=60)
        while True:
            if deadline is not None and time.perf_counter() >= deadline:
                break
            with lock:
                index = next(counter, None)
            if index is None:
                break
            method, path, headers, body = requests(index)
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=60)
                status = 0
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                result.requests += 1
                result.latencies_ms.append(elapsed)
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if status == 0 or status >= 500:
                    result.errors += 1
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    if cpu_before and server_pid and result.requests:
        spent = cpu_spent(cpu_before, cpu_reading(server_pid))
        result.cpu_ms = {role: seconds * 1000 / result.requests for role, seconds in spent.items()}
    return result


class Process(NamedTuple):
    name: str
    parent: int
    cpu_seconds: float  # used so far, user + system


def processes() -> dict[int, Process]:
    """Every process on the machine by pid, from /proc ({} without it)."""
    ticks = os.sysconf("SC_CLK_TCK")
    table = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # "pid (name) state ppid …": the name may hold spaces and parentheses.
            head, _, tail = stat.read_text().rpartition(")")
            fields = tail.split()
            cpu = (int(fields[11]) + int(fields[12])) / ticks
            table[int(stat.parent.name)] = Process(head.partition("(")[2], int(fields[1]), cpu)
        except (OSError, IndexError, ValueError):
            continue  # gone since it was listed
    return table


def descendants(pid: int, table: dict[int, Process]) -> set[int]:
    """The processes below `pid`."""
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, row in table.items() if row.parent in frontier}
        found |= frontier
    return found


CPU_ROLES = ("app server", "database", "cache", "load generator")
CpuReading = dict[int, tuple[str, float]]  # pid → (role, CPU seconds used so far)


def cpu_reading(server_pid: int) -> CpuReading:
    """The CPU time used so far by each process a benchmark runs on, with its role: the app
    server (`server_pid` and its descendants; SQLite works inside it), the database (PostgreSQL's
    processes), the cache (Redis) or the load generator (this process). Linux only: {} without
    /proc."""
    table = processes()
    server = {server_pid} | descendants(server_pid, table)
    reading = {}
    for pid, row in table.items():
        if pid in server:
            reading[pid] = ("app server", row.cpu_seconds)
        elif row.name.startswith("postgres"):
            reading[pid] = ("database", row.cpu_seconds)
        elif row.name.startswith("redis-server"):
            reading[pid] = ("cache", row.cpu_seconds)
        elif pid == os.getpid():
            reading[pid] = ("load generator", row.cpu_seconds)
    return reading


def cpu_spent(before: CpuReading, after: CpuReading) -> dict[str, float]:
    """CPU seconds each role used between two readings, process by process: one started in
    between counts whole; one that ended in between (a finished PostgreSQL backend or vacuum
    worker) took its time with it and counts for nothing."""
    spent = dict.fromkeys(CPU_ROLES, 0.0)
    for pid, (role, seconds) in after.items():
        spent[role] += seconds - before.get(pid, (role, 0.0))[1]
    return spent


def cpu_summary(result: LoadResult) -> str:
    """ "app server 8.65 ms · database 2.66 ms · … · in all 12.0 ms": the CPU one request cost."""
    parts = [
        f"{role} {result.cpu_ms[role]:.2f} ms" for role in CPU_ROLES if result.cpu_ms.get(role)
    ]
    return " · ".join([*parts, f"in all {sum(result.cpu_ms.values()):.2f} ms"])


# What the reverse proxy in front of the app servers adds (docs/deployment.md): the app trusts it
# to say the visitor came over HTTPS, so production settings (SSL redirect, secure cookies) hold.
PROXY_HEADERS = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}


def get(path: str, cookies: dict[str, str] | None = None) -> Callable[[int], Request]:
    headers = {**PROXY_HEADERS, "Accept-Encoding": "gzip"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    return lambda _index: ("GET", path, headers, None)


def form_post(path: str, data: dict[str, str], cookies: dict[str, str]) -> Request:
    headers = {
        **PROXY_HEADERS,
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
        "Referer": "https://127.0.0.1/",
    }
    return ("POST", path, headers, urlencode(data).encode())


def _still_running(process: subprocess.Popen[bytes], started: float) -> None:
    if process.poll() is not None:
        raise RuntimeError(f"tremplin serve exited with status {process.returncode}")
    if time.perf_counter() - started > 120:
        raise RuntimeError("tremplin serve was not ready within 120 s")


def _answers(port: int, path: str) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", path, headers=PROXY_HEADERS)
        return connection.getresponse().status == 200
    except OSError:
        return False


@dataclass
class Server:
    pid: int  # the master process (the workers are its children)
    started_in: float  # seconds from start to the first 200 of the first page
    warm_in: float  # seconds from start to the workers forked warm (the assistant loaded)


@contextmanager
def serving(
    *, port: int, workers: int, env: dict[str, str] | None = None, first_page: str = "/healthz"
) -> Iterator[Server]:
    """Run `tremplin serve` on 127.0.0.1:`port` until the block ends; the block starts once the
    workers are forked warm (the assistant loaded), after the first 200 of `first_page` is
    timed."""
    ready = Path(tempfile.mkdtemp(prefix="tremplin-serve-")) / "ready"
    child_env = {**os.environ, **(env or {}), "SERVER_READY_FILE": str(ready)}
    child_env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    command = [sys.executable, "-m", "tremplin", "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=child_env, stdout=subprocess.DEVNULL)
    try:
        while not _answers(port, first_page):
            _still_running(process, started)
            time.sleep(0.05)
        answered = time.perf_counter() - started
        while not ready.exists():
            _still_running(process, started)
            time.sleep(0.05)
        yield Server(pid=process.pid, started_in=answered, warm_in=time.perf_counter() - started)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
