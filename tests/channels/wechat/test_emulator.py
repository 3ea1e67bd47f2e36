"""The emulated WeChat enforces WeChat's windows, quotas and token rules with its error codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from channels.wechat.emulator.world import WechatError, World

NOW = datetime(2026, 12, 5, 15, 30, tzinfo=UTC)


def world_at(moment: list[datetime]) -> World:
    return World(app_id="wx1", secret="s", clock=lambda: moment[0])


def text(openid: str) -> dict[str, object]:
    return {"touser": openid, "msgtype": "text", "text": {"content": "好"}}


def refused(world: World, body: dict[str, object]) -> int:
    with pytest.raises(WechatError) as caught:
        world.custom_send(body)
    return caught.value.errcode


def test_windows_and_quotas() -> None:
    moment = [NOW]
    world = world_at(moment)
    world.follow("o1")  # one minute, three messages
    for _ in range(3):
        world.custom_send(text("o1"))
    assert refused(world, text("o1")) == 45047
    world.acted("o1", "message")  # 48 h, five more
    for _ in range(5):
        world.custom_send(text("o1"))
    assert refused(world, text("o1")) == 45047
    moment[0] = NOW + timedelta(hours=48, seconds=1)
    assert refused(world, text("o1")) == 45015
    world.acted("o1", "message")
    world.unfollow("o1")
    assert refused(world, text("o1")) == 45015
    assert refused(world, text("nobody")) == 40003
    assert [code for code, _ in world.followers["o1"].refused] == [45047, 45047, 45015, 45015]


def test_tokens() -> None:
    moment = [NOW]
    world = world_at(moment)
    with pytest.raises(WechatError) as wrong:
        world.issue_token("wx1", "wrong")
    assert wrong.value.errcode == 40125
    first, seconds = world.issue_token("wx1", "s")
    second, _ = world.issue_token("wx1", "s")
    world.check_token(first)  # the old one keeps five minutes
    moment[0] = NOW + timedelta(minutes=6)
    for token, code in ((first, 42001), ("made-up", 40001), ("", 41001)):
        with pytest.raises(WechatError) as caught:
            world.check_token(token)
        assert caught.value.errcode == code
    world.check_token(second)
    moment[0] = NOW + timedelta(seconds=seconds)
    with pytest.raises(WechatError):
        world.check_token(second)
