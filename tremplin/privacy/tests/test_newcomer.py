"""The newcomer path: commands work as the README prints them, every setting is documented,
the favicon is served."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def test_every_environment_setting_is_documented():
    settings_text = (ROOT / "tremplin" / "config" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r'env_\w+\(\s*"([A-Z0-9_]+)"', settings_text))
    documented = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    missing = sorted(name for name in names if f"`{name}`" not in documented)
    assert len(names) > 20 and not missing, f"not in docs/configuration.md: {missing}"


@pytest.mark.parametrize("args", [["demo", "--code"], ["demo", "--help"]])
def test_demo_commands_work_without_debug_or_a_secret_key(args, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    env.update(TREMPLIN_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="tremplin.config.settings")
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "tremplin", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert re.fullmatch(r"\d{6}\n", done.stdout) if "--code" in args else "usage" in done.stdout


@pytest.mark.django_db
def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith(".svg")


def test_stopping_the_demo_stops_its_worker():
    from tremplin.core.management.commands.demo import stop_worker

    # A worker that ignores the polite request: stop_worker still ends it.
    worker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)",
        ]
    )
    stop_worker(worker, timeout=1)
    assert worker.poll() is not None
