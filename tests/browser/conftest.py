"""Browser tests: the demo stack (sandbox, bot, web chat) in-process, and headless Chromium.

They run on the SQLite pass only: the page talks to the sandbox, not to the database, so the
PostgreSQL pass would repeat the same browser work (the flows themselves are covered on both
engines by the harness tests). Chromium is Debian's package (``scripts/ensure-chromium.sh``
installs it; ``make test`` runs that first), driven by Playwright for Python through
``executable_path``: Playwright's own browser downloads are never used.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.async_api import (
    Browser,
    BrowserContext,
    Request,
    ViewportSize,
    async_playwright,
    expect,
)

from bot.demo import DEMO_TOKEN, DemoStack, demo_stack
from bot.settings import Settings
from tests.conftest import USE_PG

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
DOCS_SHOTS = ROOT / "docs" / "screenshots"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
PHONE = ViewportSize(width=440, height=900)


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker."""
    config.addinivalue_line("markers", "browser: drives the web chat in headless Chromium")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Remember each phase's report on the test item (for screenshots of failed tests)."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def chromium_path() -> str:
    """Debian's Chromium (or TONGXIN_CHROMIUM); the test fails loudly when there is none."""
    wanted = os.environ.get("TONGXIN_CHROMIUM")
    for candidate in (wanted,) if wanted else CHROMIUM_CANDIDATES:
        if candidate and (Path(candidate).exists() or shutil.which(candidate)):
            return candidate
    pytest.fail(
        "Chromium is missing: run scripts/ensure-chromium.sh (make test does) "
        "or point TONGXIN_CHROMIUM at a Chromium binary",
        pytrace=False,
    )


def quiet_hours_not_now(settings: Settings | None = None) -> str:
    """A one-minute quiet window twelve hours away, so nothing is held during a test."""
    now = datetime.now(settings.tz if settings else None) + timedelta(hours=12)
    later = now + timedelta(minutes=1)
    return f"{now:%H:%M}-{later:%H:%M}"


# What the bot answers appears after it has done the work: /stats draws three charts, about a
# second each on a slow 2-core machine running both test passes at once (5 s, Playwright's
# default for expect, was once too little in CI).
expect.set_options(timeout=15_000)


@pytest.fixture
def _sqlite_only() -> None:
    if USE_PG:
        pytest.skip("browser tests run once, on the SQLite pass (see tests/browser/conftest.py)")


@pytest.fixture
async def stack(
    _sqlite_only: None, database_url: str, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[DemoStack]:
    """The demo as ``tongxin demo`` runs it, on free ports and the test's database."""
    async with demo_stack(
        0,
        0,
        database_url=database_url,
        listen="127.0.0.1:0",
        quiet_hours=quiet_hours_not_now(),
        _env_file=None,
    ) as running:
        yield running
    assert DEMO_TOKEN.split(":")[1] not in caplog.text


@pytest.fixture
async def browser(_sqlite_only: None) -> AsyncIterator[Browser]:
    """Headless Debian Chromium through Playwright."""
    executable = chromium_path()
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=executable)
        try:
            yield chromium
        finally:
            await chromium.close()


class Offline:
    """Records every request the page makes that does not go to the web chat itself."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.foreign: list[str] = []
        self.errors: list[str] = []

    def on_request(self, request: Request) -> None:
        """Note a request to anywhere else (data: and blob: URLs stay in the page)."""
        url = request.url
        if url.startswith(("data:", "blob:")):
            return
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign.append(url)


@pytest.fixture
async def context(
    browser: Browser, stack: DemoStack, request: pytest.FixtureRequest
) -> AsyncIterator[BrowserContext]:
    """A phone-sized browser context; fails the test on foreign requests or page errors, and
    keeps a screenshot of every page of a failed test in test-artifacts/browser/."""
    parts = urlsplit(stack.web_url)
    watch = Offline(f"{parts.scheme}://{parts.netloc}")
    ctx = await browser.new_context(viewport=PHONE, device_scale_factor=1, locale="zh-CN")
    ctx.set_default_timeout(20_000)
    ctx.on("request", watch.on_request)

    def on_page(page: object) -> None:
        page.on("pageerror", lambda exc: watch.errors.append(f"pageerror: {exc}"))  # type: ignore[attr-defined]
        page.on(  # type: ignore[attr-defined]
            "console",
            lambda msg: (
                watch.errors.append(f"console: {msg.text} {msg.location}")
                if msg.type == "error"
                else None
            ),
        )

    ctx.on("page", on_page)
    try:
        yield ctx
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            for n, page in enumerate(ctx.pages):
                await page.screenshot(path=ARTIFACTS / f"FAILED-{request.node.name}-{n}.png")
    finally:
        await ctx.close()
    assert watch.foreign == [], f"the page fetched from elsewhere: {watch.foreign}"
    assert watch.errors == [], f"the page logged errors: {watch.errors}"
