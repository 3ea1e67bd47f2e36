"""The outbox pump against the in-process sandbox: rendering, splitting, pacing, policies."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from bot.context import Services
from jobs.outbox import in_quiet_hours
from jobs.pacing import split_text
from models.core.base import utcnow
from models.core.outbox import (
    OutboxKind,
    OutboxStatus,
    bilingual_param,
    message_param,
    message_payload,
)
from models.core.people import mark_unreachable
from sandbox.state import SandboxState
from tests.core.outbox_support import (
    FailingNthSend,
    RecordingRequest,
    add_people,
    add_rows,
    as_received,
    fast,
    make_pump,
    notice,
    received,
    rows,
    status_counts,
)
from tests.harness import BotHarness


async def test_1000_recipients_each_get_the_notice_exactly_once(services: Services) -> None:
    state = SandboxState()
    ids = list(range(10_001, 11_001))
    people = await add_people(services, state, ids)
    await add_rows(services, ids, people=people, payload=notice("周六上午九点，义诊。"))
    request = RecordingRequest(state)
    pump = make_pump(services, request)
    assert await pump.drain() == 1000
    await pump.close()
    assert all(received(state, i) == [as_received(services, "周六上午九点，义诊。")] for i in ids)
    assert set(request.attempts_per_chat().values()) == {1}
    assert await status_counts(services) == {OutboxStatus.SENT.value: 1000}
    assert all(r.sent_at is not None and r.attempts == 1 for r in await rows(services))
    assert services.metrics.outbox_sends.labels(result="sent")._value.get() == 1000


async def test_message_ids_are_rendered_in_each_recipients_language(services: Services) -> None:
    state = SandboxState()
    zh = await add_people(services, state, [2001], language="zh_CN")
    en = await add_people(services, state, [2002], language="en")
    await add_rows(
        services,
        [2001, 2002, 2003],
        people={**zh, **en},
        payload=message_payload("outbox.reminder", what="体检 / check-up"),
    )
    state.user(2003)  # no person: the default language
    pump = make_pump(services, RecordingRequest(state))
    await pump.drain()
    await pump.close()
    assert received(state, 2001) == ["⏰ 提醒您：体检 / check-up"]
    assert received(state, 2002) == ["⏰ A reminder for you: 体检 / check-up"]
    assert received(state, 2003) == ["⏰ 提醒您：体检 / check-up"]
    sent = state.messages(2002)[0]
    assert sent["parse_mode"] is None  # user text is never parsed as Markdown/HTML


async def test_a_parameter_that_is_a_message_is_rendered_in_the_same_language(
    services: Services,
) -> None:
    state = SandboxState()
    zh = await add_people(services, state, [2101], language="zh_CN")
    en = await add_people(services, state, [2102], language="en")
    town = bilingual_param("崇明区D镇", "D town")
    what = message_param("broadcast.audience.town.of", name=town)  # itself with a bilingual name
    await add_rows(
        services,
        [2101, 2102],
        people={**zh, **en},
        payload=message_payload("outbox.reminder", what=what),
    )
    pump = make_pump(services, RecordingRequest(state))
    await pump.drain()
    await pump.close()
    assert received(state, 2101) == ["⏰ 提醒您：崇明区D镇的居民"]
    assert received(state, 2102) == ["⏰ A reminder for you: residents of D town"]


async def test_long_text_is_split_at_line_boundaries(services: Services) -> None:
    state = SandboxState()
    state.user(3001)
    lines = [f"第{i}行：请带好身份证和医保卡，按时到社区服务中心。" for i in range(400)]
    text = "\n".join(lines)
    assert len(text) > 2 * 4096
    markup = {"inline_keyboard": [[{"text": "👍 知道了", "callback_data": "ok"}]]}
    await add_rows(services, [3001], payload=notice(text, reply_markup=markup))
    pump = make_pump(services, RecordingRequest(state))
    await pump.drain()
    await pump.close()
    messages = state.messages(3001)
    assert len(messages) == 3
    assert all(len(m["text"]) <= 4096 for m in messages)
    assert "\n".join(m["text"] for m in messages) == as_received(
        services, text
    )  # cut between lines
    assert [bool(m["reply_markup"]) for m in messages] == [False, False, True]
    assert (await rows(services))[0].status == OutboxStatus.SENT.value


def test_split_without_spaces_and_with_astral_characters() -> None:
    chinese = "请" * 9000
    assert [len(p) for p in split_text(chinese)] == [4096, 4096, 808]
    emoji = "🙂" * 3000  # 2 UTF-16 units each: Telegram counts 6000
    pieces = split_text(emoji)
    assert "".join(pieces) == emoji and all(len(p) <= 2048 for p in pieces)
    assert split_text("short") == ["short"]


async def test_photo_with_caption_and_photo_with_too_long_caption(services: Services) -> None:
    state = SandboxState()
    state.user(3101)
    state.user(3102)
    photo = state.store_file("photo", b"\x89PNG", "poster.png", "image/png").file_id
    await add_rows(services, [3101], payload=notice("海报", photo=photo), key="a")
    await add_rows(services, [3102], payload=notice("长" * 1500, photo=photo), key="b")
    pump = make_pump(services, RecordingRequest(state))
    await pump.drain()
    await pump.close()
    short = state.messages(3101)
    assert [(m["kind"], m["caption"]) for m in short] == [("photo", as_received(services, "海报"))]
    long = state.messages(3102)
    assert [m["kind"] for m in long] == ["photo", "text"]
    assert long[0]["caption"] is None and long[1]["text"] == as_received(services, "长" * 1500)


async def test_overdue_rows_are_skipped_or_sent_late_and_logged(
    services: Services, caplog: object
) -> None:
    state = SandboxState()
    state.user(4001)
    state.user(4002)
    past = utcnow() - timedelta(hours=2)
    await add_rows(services, [4001], key="expired", due_at=past, expires_at=past)
    await add_rows(
        services, [4002], key="late", due_at=past, expires_at=utcnow() + timedelta(hours=1)
    )
    pump = make_pump(services, RecordingRequest(state))
    await pump.drain()
    await pump.close()
    by_chat = {r.chat_id: r for r in await rows(services)}
    assert by_chat[4001].status == OutboxStatus.SKIPPED.value
    assert by_chat[4001].last_error == "expired before it could be sent"
    assert received(state, 4001) == []
    assert by_chat[4002].status == OutboxStatus.SENT.value
    assert received(state, 4002) == [as_received(services, "通知 late")]
    log = caplog.text  # type: ignore[attr-defined]
    assert f"outbox {by_chat[4001].id} (broadcast) skipped" in log
    assert f"outbox {by_chat[4002].id} (broadcast) sent late" in log


async def test_quiet_hours_hold_non_urgent_but_send_urgent(services: Services) -> None:
    state = SandboxState()
    state.user(5001)
    state.user(5002)
    await add_rows(services, [5001], key="notice", kind=OutboxKind.BROADCAST)
    await add_rows(services, [5002], key="alert", kind=OutboxKind.CASE_ALERT, urgent=True)
    pump = make_pump(services, RecordingRequest(state))
    await pump.drain(quiet=True)
    assert received(state, 5001) == []
    assert received(state, 5002) == [as_received(services, "通知 alert")]
    assert (await status_counts(services))[OutboxStatus.PENDING.value] == 1
    await pump.drain(quiet=False)  # morning
    await pump.close()
    assert received(state, 5001) == [as_received(services, "通知 notice")]


def test_quiet_window_is_local_time_and_may_cross_midnight(services: Services) -> None:
    settings = services.settings  # 21:00-07:30 Asia/Shanghai (UTC+8)
    at = lambda h, m: datetime(2026, 3, 1, h, m, tzinfo=UTC)  # noqa: E731
    assert in_quiet_hours(settings, at(13, 0))  # 21:00 local
    assert in_quiet_hours(settings, at(18, 0))  # 02:00 local
    assert not in_quiet_hours(settings, at(23, 30))  # 07:30 local: morning
    assert not in_quiet_hours(settings, at(4, 0))  # 12:00 local
    day = fast(services, quiet_hours="12:00-13:00").settings
    assert in_quiet_hours(day, at(4, 30)) and not in_quiet_hours(day, at(5, 0))


async def test_unreachable_people_are_not_sent_to(services: Services) -> None:
    state = SandboxState()
    people = await add_people(services, state, [6001, 6002])
    async with services.sessions() as session, session.begin():
        await mark_unreachable(session, people[6001])
    await add_rows(services, [6001, 6002], people=people)
    request = RecordingRequest(state)
    pump = make_pump(services, request)
    await pump.drain()
    await pump.close()
    assert request.attempts_per_chat() == {6002: 1}
    by_chat = {r.chat_id: r for r in await rows(services)}
    assert by_chat[6001].status == OutboxStatus.UNREACHABLE.value
    assert by_chat[6001].last_error == "person unreachable"


async def test_pacing_stays_under_telegrams_limits(services: Services) -> None:
    state = SandboxState()
    state.enforce_limits()  # 30/s overall, 1/s per private chat (burst 3), 20/min per group
    ids = list(range(7001, 7051))
    for i in ids:
        state.user(i)
    state.group(-7000)
    await add_rows(services, ids, key="all")
    await add_rows(services, [7001] * 1, key="again")  # a second message to one private chat
    for n in range(22):
        await add_rows(services, [-7000], key=f"group{n}")
    request = RecordingRequest(state)
    pump = make_pump(services, request, rate=25.0)
    started = time.monotonic()
    await pump.drain(horizon=1.5)
    elapsed = time.monotonic() - started
    await pump.close()
    assert [c for c in request.calls if c[3] == 429] == []
    private = [c for c in request.sends() if c[2] is not None and c[2] > 0]
    assert len(private) == 51 and elapsed >= 50 / 25 - 0.2  # 25 msg/s overall
    to_7001 = [c[0] for c in private if c[2] == 7001]
    assert len(to_7001) == 2 and to_7001[1] - to_7001[0] >= 0.99
    assert len(received(state, -7000)) == 20  # 20/min; the other 2 wait for the minute
    held = [r for r in await rows(services) if r.chat_id == -7000 and r.status == "pending"]
    assert len(held) == 2
    assert all(r.due_at > utcnow() + timedelta(seconds=50) and r.attempts == 0 for r in held)


async def test_harness_drains_the_outbox_through_its_sandbox(harness: BotHarness) -> None:
    user = harness.user(8001)
    await add_rows(harness.services, [user.id], payload=notice("hello"))
    assert await harness.drain_outbox() == 1
    assert user.last_text() == as_received(harness.services, "hello")


async def test_metrics_show_outbox_depth_sends_and_429s(harness: BotHarness) -> None:
    from aiohttp.test_utils import TestClient, TestServer

    from bot.web import build_web_app

    ids = [8101, 8102, 8103]
    for uid in ids:
        harness.user(uid)
    harness.state.block(8103)
    harness.state.inject("sendMessage", "429", retry_after=1)
    await add_rows(harness.services, ids)
    await add_rows(harness.services, [8101], key="later", due_at=utcnow() + timedelta(hours=1))
    assert harness.app is not None
    client: TestClient = TestClient(  # type: ignore[type-arg]
        TestServer(build_web_app(harness.app, harness.settings), host="127.0.0.1")
    )
    await client.start_server()
    try:
        async with client.get("/metrics") as resp:
            before = await resp.text()
        await harness.drain_outbox()
        async with client.get("/metrics") as resp:
            after = await resp.text()
    finally:
        await client.close()
    assert 'tongxin_outbox_depth{status="pending"} 4.0' in before
    assert 'tongxin_outbox_depth{status="pending"} 1.0' in after
    assert 'tongxin_outbox_depth{status="sending"} 0.0' in after
    assert 'tongxin_outbox_sends_total{result="sent"} 2.0' in after
    assert 'tongxin_outbox_sends_total{result="unreachable"} 1.0' in after
    assert 'tongxin_outbox_sends_total{result="retry"} 1.0' in after
    assert "tongxin_outbox_429_total 1.0" in after


async def test_a_retried_split_message_resends_only_the_parts_that_failed(
    services: Services,
) -> None:
    state = SandboxState()
    state.user(3201)
    text = "\n".join(f"第{i}行：周六上午在社区服务中心义诊，请带好医保卡。" for i in range(400))
    await add_rows(services, [3201], payload=notice(text))
    request = FailingNthSend(state, fail_on=2)  # part 2 of 3 meets a 502 once
    pump = make_pump(fast(services), request)
    await pump.drain(horizon=30)
    await pump.close()
    messages = state.messages(3201)
    assert len(messages) == 3  # part 1 was not sent twice
    assert "\n".join(m["text"] for m in messages) == as_received(services, text)
    row = (await rows(services))[0]
    assert row.status == OutboxStatus.SENT.value and row.attempts == 2
