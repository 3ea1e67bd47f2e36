"""The webhook's edge: bodies Telegram never sends (too deep, numbers too big) are 4xx, never a
500, a traceback or an ERROR log; a hypothesis fuzz of JSON shapes, depths and integer sizes."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from sqlalchemy import func, select

from bot.context import Services
from bot.settings import Settings
from bot.web import SECRET_HEADER, build_web_app
from models.core.runtime import ProcessedUpdate
from tests.harness import BotHarness

SECRET = "web-bounds-secret-0123456789"
USER = 5002


@pytest.fixture
async def hook(settings: Settings, services: Services) -> AsyncIterator[BotHarness]:
    """The real Application (started) with webhook settings and an 8 KB body limit."""
    hooked = settings.model_copy(
        update={
            "mode": "webhook",
            "webhook_url": "https://bot.example.org/telegram/webhook",
            "webhook_secret": SecretStr(SECRET),
            "max_body_bytes": 8192,
        }
    )
    harness = BotHarness(hooked, services)
    await harness.start()
    harness.state.user(USER, first_name="Fuzz", language_code="en")
    yield harness
    await harness.stop()


@pytest.fixture
async def client(hook: BotHarness) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    """HTTP client for the bot's web app."""
    assert hook.app is not None
    server = TestServer(build_web_app(hook.app, hook.settings), host="127.0.0.1")
    client: TestClient = TestClient(server)  # type: ignore[type-arg]
    await client.start_server()
    yield client
    await client.close()


async def _post(client: TestClient, body: bytes) -> int:  # type: ignore[type-arg]
    headers = {"Content-Type": "application/json", SECRET_HEADER: SECRET}
    async with client.post("/telegram/webhook", data=body, headers=headers) as resp:
        return resp.status


async def _settled(hook: BotHarness) -> None:
    """Wait until every accepted update went through the handlers (errors are logged by then)."""
    assert hook.app is not None
    await asyncio.wait_for(hook.app.update_queue.join(), timeout=10)


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def _nested(depth: int, inner: Any = 1) -> Any:
    value = inner
    for level in range(depth):
        value = [value] if level % 2 else {"a": value}
    return value


def _message(update_id: Any, **fields: Any) -> dict[str, Any]:
    user = {"id": USER, "is_bot": False, "first_name": "Fuzz"}
    message = {
        "message_id": 1,
        "date": 1_700_000_000,
        "chat": {"id": USER, "type": "private", "first_name": "Fuzz"},
        "from": user,
        "text": "hello",
        **fields,
    }
    return {"update_id": update_id, "message": message}


def _dump(value: Any) -> bytes:
    return json.dumps(value).encode()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"[" * 2000 + b"]" * 2000, "too_deep"),  # RecursionError in the JSON parser
        (_dump({"update_id": 1, "extra": _nested(200)}), "too_deep"),
        (_dump({"update_id": 2**63}), "bad_number"),  # OverflowError in the database
        (_dump({"update_id": 2**53}), "bad_number"),
        (_dump(_message(3, message_id=10**30)), "bad_number"),
        (_dump(_message(4, chat={"id": -(2**64), "type": "private"})), "bad_number"),
        (b'{"update_id": 5, "x": 1e999}', "bad_number"),
        (b'{"update_id": NaN}', "not_json"),
        (b'{"update_id": 6, "x": -Infinity}', "not_json"),
        (b'{"update_id": 7, "x": ' + b"9" * 4400 + b"}", "not_json"),
    ],
)
async def test_out_of_bounds_body_is_400_without_a_traceback(
    hook: BotHarness,
    client: TestClient,  # type: ignore[type-arg]
    services: Services,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    reason: str,
) -> None:
    assert await _post(client, body) == 400
    await _settled(hook)
    assert _errors(caplog) == []
    assert "Traceback" not in caplog.text
    async with services.sessions() as session:
        query = select(func.count()).select_from(ProcessedUpdate)
        assert (await session.execute(query)).scalar_one() == 0
    async with client.get("/metrics") as resp:
        metrics = await resp.text()
    assert f'tongxin_webhook_rejected_total{{reason="{reason}"}} 1.0' in metrics


async def test_deepest_and_largest_allowed_update_is_processed(
    hook: BotHarness,
    client: TestClient,  # type: ignore[type-arg]
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = _dump(_message(2**53 - 1, extra=_nested(25), entities=[], message_id=2**31 - 1))
    assert await _post(client, body) == 200
    await _settled(hook)
    assert hook.state.messages(USER)  # answered like any message
    assert _errors(caplog) == []


INTEGERS = st.one_of(
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 2**31, 2**53 - 1, 2**53, 2**63, -(2**63), 2**64]),
)
LEAVES = st.one_of(st.none(), st.booleans(), INTEGERS, st.floats(), st.text(max_size=12))
JSON_VALUES = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=25,
)
UPDATE_SHAPED = st.builds(
    lambda uid, mid, date, text, extra: _message(
        uid, message_id=mid, date=date, text=text, x=extra
    ),
    INTEGERS,
    INTEGERS,
    INTEGERS,
    st.text(max_size=30),
    JSON_VALUES,
)
NESTED = st.builds(
    lambda uid, depth, inner: {"update_id": uid, "extra": _nested(depth, inner)},
    INTEGERS,
    st.integers(min_value=0, max_value=120),
    JSON_VALUES,
)
BODIES = st.one_of(
    st.binary(max_size=64),
    JSON_VALUES.map(_dump),
    UPDATE_SHAPED.map(_dump),
    NESTED.map(_dump),
    st.integers(min_value=1, max_value=2040).map(lambda n: b"[" * n + b"]" * n),
    st.integers(min_value=1, max_value=650).map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
)


@settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=BODIES)
async def test_fuzzed_bodies_get_2xx_or_4xx_and_no_error_log(
    hook: BotHarness,
    client: TestClient,  # type: ignore[type-arg]
    caplog: pytest.LogCaptureFixture,
    body: bytes,
) -> None:
    caplog.clear()  # one example's records only (the fixtures live across examples)
    status = await _post(client, body)
    assert 200 <= status < 300 or 400 <= status < 500, (status, body[:200])
    await _settled(hook)
    assert _errors(caplog) == [], body[:200]
