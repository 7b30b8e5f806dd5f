import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db import OperationalError, connection

from tremplin.core.i18n import app_dirs, catalog_files, incomplete_entries

PAGE_BUDGET_BYTES = 60 * 1024


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "static": "ok"}


@pytest.mark.django_db
def test_healthz_503_when_the_database_is_down(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def _page_weight(client, path: str) -> int:
    html = client.get(path).content
    total = len(html)
    for asset in re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html):
        total += Path(finders.find(asset.decode())).stat().st_size
    return total


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/en/", "/fr/"])
def test_network_home_is_light(client, agency, path):
    assert _page_weight(client, path) < PAGE_BUDGET_BYTES


@pytest.mark.django_db
def test_agency_home_is_light(client, agency):
    assert _page_weight(client, f"/fr/a/{agency.slug}/") < PAGE_BUDGET_BYTES


@pytest.mark.django_db
def test_layout_has_skip_link_landmarks_and_language(client, agency):
    html = client.get(f"/fr/a/{agency.slug}/").text
    assert '<html lang="fr">' in html
    assert 'href="#main"' in html and '<main id="main"' in html
    assert "<header" in html and "<footer" in html and "<nav" in html


@pytest.mark.django_db
def test_language_switcher_keeps_the_page(client, agency, counsellor):
    client.force_login(counsellor)
    html = client.get(f"/en/a/{agency.slug}/staff/?page=2").text
    assert f'href="/fr/a/{agency.slug}/staff/?page=2"' in html
    french = client.get(f"/fr/a/{agency.slug}/staff/").text
    assert "Espace du personnel" in french
    assert f'href="/en/a/{agency.slug}/staff/"' in french


def test_french_catalogs_are_complete():
    files = list(catalog_files())
    assert files, "no catalogs found: run `tremplin catalogs update`"
    gaps = {str(path): incomplete_entries(path) for path in files}
    assert not {path: ids for path, ids in gaps.items() if ids}


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_catalogs_hold_every_string_of_the_code(tmp_path):
    """Extract again into a copy of each app: a msgid the committed catalog lacks is a gap."""
    import polib

    here = Path.cwd()
    missing: dict[str, list[str]] = {}
    try:
        for app_dir in app_dirs():
            po_path = app_dir / "locale" / "fr" / "LC_MESSAGES" / "django.po"
            copy = tmp_path / app_dir.name
            shutil.copytree(
                app_dir, copy, ignore=shutil.ignore_patterns("tests", "__pycache__", "*.mo")
            )
            (copy / "locale").mkdir(exist_ok=True)
            os.chdir(copy)
            call_command(
                "makemessages",
                locale=["fr"],
                no_obsolete=True,
                verbosity=0,
                ignore_patterns=["tests/*"],
            )
            fresh = copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"
            if not fresh.exists():
                continue
            wanted = {(e.msgctxt, e.msgid) for e in polib.pofile(str(fresh)) if e.msgid}
            have = (
                {(e.msgctxt, e.msgid) for e in polib.pofile(str(po_path))}
                if po_path.exists()
                else set()
            )
            if wanted - have:
                missing[app_dir.name] = sorted(m for _, m in wanted - have)[:10]
    finally:
        os.chdir(here)
    assert not missing, f"run `tremplin catalogs update` and translate: {missing}"


def test_deploy_check_passes_with_production_environment(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DEBUG", "DATABASE_URL", "TASKS_"))
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="tremplin.example.org",
        TREMPLIN_DATA_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-m", "tremplin", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECRET_KEY"))
    }
    env.update(DEBUG="0", ALLOWED_HOSTS="tremplin.example.org", TREMPLIN_DATA_DIR=str(tmp_path))
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-m", "tremplin", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
