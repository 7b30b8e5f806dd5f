"""The load generator's CPU accounting: what a span of requests cost each part of the machine."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tremplin.core.loadtest import CPU_ROLES, cpu_reading, cpu_spent, cpu_summary, get, hammer

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")

BURN = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.4: pass\n"


def _burn_here(seconds: float) -> None:
    began = time.process_time()
    while time.process_time() - began < seconds:
        pass


def test_the_server_role_counts_the_server_and_its_children_and_the_generator_this_process():
    # A "server" that starts a child; each burns 0.4 s of CPU, then waits for its stdin to close.
    child = BURN + "import sys\nsys.stdin.read()\n"
    server_code = (
        "import subprocess, sys\n"
        f"child = subprocess.Popen([sys.executable, '-c', {child!r}], stdin=sys.stdin)\n"
        f"{BURN}sys.stdin.read()\nchild.wait()\n"
    )
    server = subprocess.Popen([sys.executable, "-c", server_code], stdin=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        used, previous = 0.0, -1.0
        # Both have burnt (one alone: < 0.6) and stopped: no tick more in 0.1 s.
        while used < 0.75 or used != previous:
            assert server.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
            previous, used = used, cpu_spent({}, cpu_reading(server.pid))["app server"]
        before = cpu_reading(server.pid)
        _burn_here(0.3)
        after = cpu_reading(server.pid)
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(timeout=10)
    spent = cpu_spent(before, after)
    assert set(spent) == set(CPU_ROLES)
    assert spent["load generator"] >= 0.25
    assert spent["app server"] < 0.1  # both were waiting by then


def test_a_process_that_ends_between_two_readings_counts_for_nothing_not_less():
    before = {1: ("database", 5.0), 2: ("database", 1.0), 3: ("app server", 2.0)}
    after = {2: ("database", 1.5), 3: ("app server", 2.25), 4: ("database", 0.5)}
    assert cpu_spent(before, after) == {
        "app server": 0.25,
        "database": 1.0,  # 0.5 more for process 2, 0.5 for process 4 started in between
        "cache": 0.0,
        "load generator": 0.0,
    }


def test_hammer_reports_the_cpu_each_request_cost(tmp_path):
    with socket.socket() as probe:  # a port nothing else holds
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while hammer(port=port, requests=get("/"), concurrency=1, total=1).errors:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        result = hammer(
            port=port, requests=get("/"), concurrency=2, total=400, server_pid=server.pid
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert result.requests == 400 and result.errors == 0
    assert set(result.cpu_ms) == set(CPU_ROLES)
    assert result.cpu_ms["app server"] > 0 and result.cpu_ms["load generator"] > 0
    assert cpu_summary(result).endswith(f"in all {sum(result.cpu_ms.values()):.2f} ms")
