"""Browser journeys: Playwright driving Debian's Chromium (never a browser Playwright downloads)."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core import mail

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
# Tests write screenshots where git ignores them; `make screenshots` (TREMPLIN_SCREENSHOTS=docs)
# refreshes the README's copies in docs/screenshots/ on purpose.
SCREENSHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("TREMPLIN_SCREENSHOTS") == "docs"
    else ROOT / "test-results" / "screenshots"
)
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            # One browser per worker and a live server per test: keep them on one worker.
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("TREMPLIN_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, transactional_db, settings) -> Iterator[object]:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 412, "height": 915}, locale="en-CA"
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot to test-results/screenshots/<name>.png (git-ignored), or to
    docs/screenshots/ (shown in the README) under `make screenshots`."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(
    page, *, email: str, password: str, totp_secret: str | None = None, language: str = "en"
) -> None:
    """Sign in through the real form; staff also answer the TOTP step."""
    page.goto(f"/{language}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").first.click()
    if totp_secret:
        import pyotp

        page.fill("input[name=code]", pyotp.TOTP(totp_secret).now())
        page.locator("form button[type=submit]").first.click()
