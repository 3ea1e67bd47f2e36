"""The bot's web server in-process: webhook checks, dedupe, /healthz, /metrics, pruning job."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlmodel import col

from bot.app import build_application, build_services
from bot.context import Services
from bot.settings import Settings
from bot.web import SECRET_HEADER, build_web_app
from jobs import maintenance, schedule
from models.core.base import utcnow
from models.core.people import Person
from models.core.runtime import InboxUpdate, ProcessedUpdate
from sandbox.state import SandboxState
from sandbox.transport import SandboxRequest
from tests.harness import BotHarness

SECRET = "web-test-secret-0123456789"
HOOK_URL = "https://bot.example.org/telegram/webhook"
USER = 5001


@pytest.fixture
def hook_settings(settings: Settings) -> Settings:
    """Webhook-mode settings with a small body limit."""
    return settings.model_copy(
        update={
            "mode": "webhook",
            "webhook_url": HOOK_URL,
            "webhook_secret": SecretStr(SECRET),
            "max_body_bytes": 4096,
        }
    )


@pytest.fixture
async def hook(hook_settings: Settings, services: Services) -> AsyncIterator[BotHarness]:
    """The real Application (started) with webhook settings."""
    harness = BotHarness(hook_settings, services)
    await harness.start()
    yield harness
    await harness.stop()


async def _client(harness: BotHarness) -> TestClient:  # type: ignore[type-arg]
    assert harness.app is not None
    client: TestClient = TestClient(  # type: ignore[type-arg]
        TestServer(build_web_app(harness.app, harness.settings), host="127.0.0.1")
    )
    await client.start_server()
    return client


@pytest.fixture
async def client(hook: BotHarness) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    """HTTP client for the bot's web app."""
    client = await _client(hook)
    yield client
    await client.close()


async def _post(client: TestClient, body: Any, secret: str | None = SECRET) -> int:  # type: ignore[type-arg]
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with client.post("/telegram/webhook", data=data, headers=headers) as resp:
        return resp.status


async def _count(services: Services, model: Any) -> int:
    async with services.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def _replies(hook: BotHarness, count: int) -> list[dict[str, Any]]:
    state = hook.state
    assert await state.wait_until(lambda: len(state.messages(USER)) >= count, timeout=10)
    return state.messages(USER)


async def _metrics(client: TestClient) -> str:  # type: ignore[type-arg]
    async with client.get("/metrics") as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain")
        return await resp.text()


async def test_webhook_update_is_processed_once(
    hook: BotHarness,
    client: TestClient,  # type: ignore[type-arg]
    services: Services,
) -> None:
    hook.state.user(USER, language_code="en")
    update = hook.state.send_text(USER, "/start")
    assert await _post(client, update) == 200
    replies = await _replies(hook, 2)
    t = services.i18n.translator("en")
    assert replies[0]["text"] == t("onboarding.welcome")
    assert t("onboarding.consent") in replies[1]["text"]
    assert await _count(services, ProcessedUpdate) == 1
    # The same update again (Telegram redelivers after a timeout): accepted, not processed.
    assert await _post(client, update) == 200
    # A later update is processed in order, so once it is answered the duplicate would have been.
    assert await _post(client, hook.state.send_text(USER, "/help")) == 200
    replies = await _replies(hook, 3)
    assert [m["text"] for m in replies].count(t("onboarding.welcome")) == 1
    assert await _count(services, ProcessedUpdate) == 2
    # Its answer is sent before it leaves the inbox; once it has, it is counted everywhere.
    async with asyncio.timeout(10):
        while True:
            if await _count(services, InboxUpdate) == 0:
                break
            await asyncio.sleep(0.01)
    text = await _metrics(client)
    assert 'tongxin_webhook_rejected_total{reason="duplicate"} 1.0' in text
    assert 'tongxin_updates_total{kind="command"} 2.0' in text
    assert "tongxin_handler_seconds_count 2.0" in text


async def test_duplicate_is_refused_after_a_restart(hook: BotHarness, services: Services) -> None:
    hook.state.user(USER, language_code="en")
    update = hook.state.send_text(USER, "/start")
    client = await _client(hook)
    assert await _post(client, update) == 200
    await _replies(hook, 2)
    await client.close()
    await hook.restart()  # a new process: only the database remembers the update id
    client = await _client(hook)
    try:
        async with client.post(
            "/telegram/webhook", data=json.dumps(update), headers={SECRET_HEADER: SECRET}
        ) as resp:
            assert resp.status == 200
            assert await resp.text() == "duplicate"
    finally:
        await client.close()
    assert len(hook.state.messages(USER)) == 2


@pytest.mark.parametrize("secret", [None, "wrong-secret-0123456789", SECRET + "x", ""])
async def test_wrong_or_missing_secret_is_403_and_nothing_happens(
    hook: BotHarness,
    client: TestClient,  # type: ignore[type-arg]
    services: Services,
    secret: str | None,
) -> None:
    update = hook.state.send_text(hook.state.user(USER)["id"], "/start")
    assert await _post(client, update, secret=secret) == 403
    assert await _post(client, b"not even json", secret=secret) == 403
    assert await _count(services, ProcessedUpdate) == 0
    assert await _count(services, Person) == 0
    assert hook.state.messages(USER) == []
    reason = "missing_secret" if secret is None else "bad_secret"
    assert f'tongxin_webhook_rejected_total{{reason="{reason}"}} 2.0' in await _metrics(client)


async def test_oversized_body_is_413(
    client: TestClient,  # type: ignore[type-arg]
    services: Services,
) -> None:
    big = {"update_id": 1, "message": {"text": "x" * 5000}}
    assert await _post(client, big) == 413

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted while reading
        for _ in range(10):
            yield b" " * 1000

    headers = {SECRET_HEADER: SECRET}
    async with client.post("/telegram/webhook", data=chunks(), headers=headers) as resp:
        assert resp.status == 413
    assert await _count(services, ProcessedUpdate) == 0
    assert 'tongxin_webhook_rejected_total{reason="too_large"} 2.0' in await _metrics(client)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "not_json"),
        (b"\xff\xfe", "not_json"),
        (b"[1, 2]", "no_update_id"),
        (b'{"message": {}}', "no_update_id"),
        (b'{"update_id": "7"}', "no_update_id"),
        (b'{"update_id": true}', "no_update_id"),
        (b'{"update_id": 7, "message": "oops"}', "bad_update"),
    ],
)
async def test_malformed_body_is_400(
    client: TestClient,  # type: ignore[type-arg]
    services: Services,
    body: bytes,
    reason: str,
) -> None:
    assert await _post(client, body) == 400
    assert await _count(services, ProcessedUpdate) == 0
    assert f'tongxin_webhook_rejected_total{{reason="{reason}"}} 1.0' in await _metrics(client)


async def test_healthz_ok(client: TestClient) -> None:  # type: ignore[type-arg]
    async with client.get("/healthz") as resp:
        assert resp.status == 200
        assert await resp.json() == {"status": "ok", "database": "ok"}


async def test_healthz_503_when_the_database_is_down(hook_settings: Settings) -> None:
    down = hook_settings.model_copy(
        update={"database_url": "postgresql+asyncpg://nobody@127.0.0.1:9/none"}
    )
    services = build_services(down)
    state = SandboxState()
    app = build_application(down, services=services, request=SandboxRequest(state))
    client: TestClient = TestClient(TestServer(build_web_app(app, down)))  # type: ignore[type-arg]
    await client.start_server()
    try:
        async with client.get("/healthz") as resp:
            assert resp.status == 503
            assert await resp.json() == {"status": "error", "database": "error"}
    finally:
        await client.close()
        await services.engine.dispose()
        await state.close()


async def test_polling_settings_serve_no_webhook(
    harness: BotHarness,
) -> None:
    client = await _client(harness)
    try:
        async with client.post("/telegram/webhook", data=b"{}") as resp:
            assert resp.status in (404, 405)
        async with client.get("/healthz") as resp:
            assert resp.status == 200
    finally:
        await client.close()


async def test_prune_job_forgets_old_update_ids(hook: BotHarness, services: Services) -> None:
    async with services.sessions() as session, session.begin():
        session.add(ProcessedUpdate(update_id=1, received_at=utcnow() - timedelta(days=3)))
        session.add(ProcessedUpdate(update_id=2, received_at=utcnow() - timedelta(days=1)))
        session.add(ProcessedUpdate(update_id=3))
    assert hook.app is not None and hook.app.job_queue is not None
    schedule(hook.app.job_queue, maintenance.JOBS)
    schedule(hook.app.job_queue, maintenance.JOBS)  # idempotent: still one job
    jobs = hook.app.job_queue.get_jobs_by_name(maintenance.JOB_NAME)
    assert len(jobs) == 1
    await jobs[0].run(hook.app)
    async with services.sessions() as session:
        left = (await session.execute(select(col(ProcessedUpdate.update_id)))).scalars().all()
    assert sorted(left) == [2, 3]
