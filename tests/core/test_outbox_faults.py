"""The pump's error policy under injected Bot API faults: nothing is lost, nothing is silent."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from models.core.base import utcnow
from models.core.outbox import MAX_ATTEMPTS, OutboxKind, OutboxStatus
from models.core.people import Person
from sandbox.state import SandboxState
from tests.core.outbox_support import (
    RecordingRequest,
    add_people,
    add_rows,
    as_received,
    make_pump,
    notice,
    received,
    rows,
    status_counts,
)


async def test_429_pauses_every_send_for_retry_after_and_loses_nothing(
    services: Services,
) -> None:
    state = SandboxState()
    ids = list(range(11_001, 11_021))
    for i in ids:
        state.user(i)
    await add_rows(services, ids)
    state.inject("sendMessage", "429", count=1, retry_after=3)
    request = RecordingRequest(state)
    pump = make_pump(services, request)
    await pump.drain()
    await pump.close()
    sends = request.sends()
    assert [c[3] for c in sends].count(429) == 1
    refused_at = next(c[0] for c in sends if c[3] == 429)
    after = [c[0] for c in sends if c[0] > refused_at]
    assert len(after) == 20 and min(after) - refused_at >= 2.9  # everything waited 3 s
    assert all(received(state, i) == [as_received(services, "通知 t")] for i in ids)
    assert await status_counts(services) == {OutboxStatus.SENT.value: 20}
    first = next(r for r in await rows(services) if r.chat_id == sends[0][2])
    assert first.attempts == 1  # the 429 did not count as an attempt
    assert services.metrics.outbox_429._value.get() == 1


async def test_blocked_recipients_are_marked_unreachable_and_never_retried(
    services: Services,
) -> None:
    state = SandboxState()
    ids = list(range(12_001, 12_201))
    people = await add_people(services, state, ids)
    blocked = ids[::20]  # 5 %
    for i in blocked:
        state.block(i)
    await add_rows(services, ids, people=people, key="notice")
    later = utcnow() + timedelta(hours=3)
    await add_rows(
        services, blocked, people=people, key="reminder", kind=OutboxKind.REMINDER, due_at=later
    )
    request = RecordingRequest(state)
    pump = make_pump(services, request)
    await pump.drain()
    await add_rows(services, blocked, people=people, key="next")  # a later notice to them
    await pump.drain()
    await pump.close()
    attempts = request.attempts_per_chat()
    assert len(blocked) == 10 and all(attempts[i] == 1 for i in blocked)
    assert all(attempts[i] == 1 for i in ids)
    by_key = {r.dedupe_key: r for r in await rows(services)}
    for i in blocked:
        assert by_key[f"notice:{i}"].status == OutboxStatus.UNREACHABLE.value
        assert by_key[f"notice:{i}"].last_error == "403 Forbidden: bot was blocked by the user"
        assert by_key[f"reminder:{i}"].status == OutboxStatus.CANCELLED.value
        assert by_key[f"reminder:{i}"].last_error == "unreachable"
        assert by_key[f"next:{i}"].status == OutboxStatus.UNREACHABLE.value
    counts = await status_counts(services)
    assert counts == {"sent": 190, "unreachable": 20, "cancelled": 10}
    async with services.sessions() as session:
        unreachable = await session.scalars(
            select(col(Person.tg_user_id)).where(col(Person.reachable).is_(False))
        )
        assert sorted(i for i in unreachable if i is not None) == blocked


async def test_timeouts_and_5xx_are_retried_with_backoff(services: Services) -> None:
    state = SandboxState()
    for i in (13_001, 13_002, 13_003):
        state.user(i)
    state.inject("sendMessage", "timeout", count=2, chat_id=13_001, processed=False)
    state.inject("sendMessage", "500", count=1, chat_id=13_002)
    state.inject("sendMessage", "502", count=3, chat_id=13_003)
    await add_rows(services, [13_001, 13_002, 13_003])
    request = RecordingRequest(state)
    pump = make_pump(services, request, backoff=(0.2, 0.4, 0.8, 1.6))
    started = time.monotonic()
    await pump.drain()
    await pump.close()
    assert time.monotonic() - started >= 0.2 + 0.4 + 0.8 - 0.05  # 13003 waited 3 backoffs
    attempts = request.attempts_per_chat()
    assert attempts == {13_001: 3, 13_002: 2, 13_003: 4}
    assert all(
        received(state, i) == [as_received(services, "通知 t")] for i in (13_001, 13_002, 13_003)
    )
    by_chat = {r.chat_id: r for r in await rows(services)}
    assert {r.status for r in by_chat.values()} == {OutboxStatus.SENT.value}
    assert by_chat[13_003].attempts == 4 and by_chat[13_002].attempts == 2


async def test_persistent_5xx_fails_with_the_reason_after_max_attempts(
    services: Services,
) -> None:
    state = SandboxState()
    state.user(14_001)
    state.user(14_002)
    state.inject("sendMessage", "500", count=100, chat_id=14_001)
    state.inject("sendMessage", "timeout", count=100, chat_id=14_002, processed=False)
    await add_rows(services, [14_001, 14_002])
    request = RecordingRequest(state)
    pump = make_pump(services, request)
    await pump.drain()
    await pump.close()
    assert request.attempts_per_chat() == {14_001: MAX_ATTEMPTS, 14_002: MAX_ATTEMPTS}
    by_chat = {r.chat_id: r for r in await rows(services)}
    assert by_chat[14_001].status == OutboxStatus.FAILED.value
    assert by_chat[14_001].last_error == "NetworkError: Internal Server Error"
    assert by_chat[14_002].status == OutboxStatus.FAILED.value
    assert (by_chat[14_002].last_error or "").startswith("TimedOut: ")
    assert received(state, 14_001) == [] and received(state, 14_002) == []


async def test_chat_not_found_is_invalid_and_other_400s_fail(services: Services) -> None:
    state = SandboxState()
    state.user(15_002)
    state.inject("sendMessage", "400", chat_id=15_002, description="Bad Request: message is odd")
    await add_rows(services, [15_001, 15_002])  # 15001 never talked to the bot
    request = RecordingRequest(state)
    pump = make_pump(services, request)
    await pump.drain()
    await pump.close()
    assert request.attempts_per_chat() == {15_001: 1, 15_002: 1}
    by_chat = {r.chat_id: r for r in await rows(services)}
    assert by_chat[15_001].status == OutboxStatus.INVALID.value
    assert by_chat[15_001].last_error == "400 Chat not found"
    assert by_chat[15_002].status == OutboxStatus.FAILED.value
    assert by_chat[15_002].last_error == "400 Message is odd"


async def test_migrated_group_gets_the_message_at_its_new_id(services: Services) -> None:
    state = SandboxState()
    state.group(-1_001_600, "社区志愿者群")
    await add_rows(services, [-1600], key="a")
    await add_rows(services, [-1600], key="b", due_at=utcnow() + timedelta(hours=1))
    await add_rows(services, [-1700], key="c")  # migrates to a chat that also migrates
    request = RecordingRequest(state, migrated={-1600: -1_001_600, -1700: -1701, -1701: -1702})
    pump = make_pump(services, request)
    await pump.drain()
    await pump.close()
    assert received(state, -1_001_600) == [as_received(services, "通知 a")]
    by_key = {r.dedupe_key: r for r in await rows(services)}
    assert by_key["a:-1600"].chat_id == -1_001_600
    assert by_key["a:-1600"].status == OutboxStatus.SENT.value
    assert by_key["a:-1600"].attempts == 1
    assert by_key["b:-1600"].chat_id == -1_001_600  # pending rows follow the chat
    assert by_key["c:-1700"].status == OutboxStatus.FAILED.value
    assert by_key["c:-1700"].last_error == "chat migrated twice"


async def test_every_row_ends_with_a_final_status_and_a_reason(services: Services) -> None:
    state = SandboxState()
    people = await add_people(services, state, [16_001, 16_002, 16_003])
    state.block(16_002)
    state.inject("sendMessage", "400", count=100, chat_id=16_003)
    await add_rows(services, [16_001, 16_002, 16_003, 16_004], people=people)
    await add_rows(services, [16_001], key="old", payload=notice("x"), expires_at=utcnow())
    pump = make_pump(services, RecordingRequest(state))
    await pump.drain()
    await pump.close()
    for row in await rows(services):
        assert row.status in {s.value for s in OutboxStatus} - {"pending", "sending"}
        assert (row.status == "sent") == (row.last_error is None)


async def test_a_row_without_a_message_id_fails_visibly_and_the_rest_still_go(
    services: Services,
) -> None:
    """Literal text (as an older version wrote) is no payload: it fails, with a reason, once."""
    state = SandboxState()
    state.user(16_101)
    await add_rows(services, [16_101], key="old", payload={"text": "📢 预先写好的文字"})
    await add_rows(services, [16_101], key="new")
    request = RecordingRequest(state)
    pump = make_pump(services, request)
    await pump.drain()
    await pump.close()
    by_key = {r.dedupe_key: r for r in await rows(services)}
    assert by_key["old:16101"].status == OutboxStatus.FAILED.value
    assert by_key["old:16101"].last_error == "outbox payload without a message id: ['text']"
    assert by_key["new:16101"].status == OutboxStatus.SENT.value
    assert received(state, 16_101) == [as_received(services, "通知 new")]
    assert len(request.sends()) == 1  # nothing was tried for the unreadable row


async def test_a_blocked_person_with_several_due_rows_is_tried_once(services: Services) -> None:
    state = SandboxState()
    people = await add_people(services, state, [17_001])
    state.block(17_001)
    for key in ("a", "b", "c"):
        await add_rows(services, [17_001], people=people, key=key)
    request = RecordingRequest(state)
    pump = make_pump(services, request)
    await pump.drain()
    await pump.close()
    assert request.attempts_per_chat() == {17_001: 1}
    assert await status_counts(services) == {OutboxStatus.UNREACHABLE.value: 3}
