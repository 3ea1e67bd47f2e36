"""The demo's one bot for two channels: which calls go to the bridge, and the seeded follower."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col
from telegram.request import BaseRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.context import Services
from bot.demo_wechat import DEMO_WECHAT_PEOPLE, ChannelRequest, is_wechat_call, seed_wechat_people
from channels.wechat.tables import CHAT_ID_BASE, WechatUser, chat_id_of
from models.core.base import row_id
from models.core.people import find_person
from models.demo import seed_places

WECHAT_CHAT = CHAT_ID_BASE + 7


@pytest.mark.parametrize(
    ("parameters", "wechat"),
    [
        ({"chat_id": WECHAT_CHAT, "text": "hi"}, True),
        ({"chat_id": str(WECHAT_CHAT)}, True),
        ({"user_id": WECHAT_CHAT}, True),
        ({"callback_query_id": f"wx{WECHAT_CHAT}-12"}, True),
        ({"chat_id": 100001, "text": "hi"}, False),
        ({"chat_id": -100123}, False),
        ({"chat_id": CHAT_ID_BASE}, False),  # the base itself names no follower
        ({"chat_id": "@channel"}, False),
        ({"callback_query_id": "4711"}, False),
        ({"file_id": "wx:MEDIA"}, True),  # getFile of a WeChat media
        ({"file_id": "AwACAgIAAxkBAAI"}, False),
        ({}, False),
    ],
)
def test_a_call_goes_to_the_bridge_only_when_it_names_a_wechat_chat(
    parameters: dict[str, Any], wechat: bool
) -> None:
    assert is_wechat_call(parameters) is wechat


class _Recorder(BaseRequest):
    def __init__(self) -> None:
        self.urls: list[str] = []

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(self, url: str, method: str, *_args: Any, **_kw: Any) -> tuple[int, bytes]:
        self.urls.append(url)
        return 200, b'{"ok": true, "result": true}'


async def test_the_router_rewrites_the_base_and_keeps_token_and_method() -> None:
    inner = _Recorder()
    router = ChannelRequest("http://sandbox/bot", "http://bridge/bot", inner)

    def data(chat_id: int) -> RequestData:
        return RequestData([RequestParameter.from_input("chat_id", chat_id)])

    await router.do_request("http://sandbox/bot1:T/sendMessage", "POST", data(WECHAT_CHAT))
    await router.do_request("http://sandbox/bot1:T/sendMessage", "POST", data(100001))
    await router.do_request("http://sandbox/bot1:T/getMe", "POST", None)
    await router.do_request("http://sandbox/file/bot1:T/wx/MEDIA", "GET", None)
    await router.do_request("http://sandbox/file/bot1:T/voice/file_3.oga", "GET", None)
    assert inner.urls == [
        "http://bridge/bot1:T/sendMessage",
        "http://sandbox/bot1:T/sendMessage",
        "http://sandbox/bot1:T/getMe",
        "http://bridge/file/bot1:T/wx/MEDIA",  # a WeChat media's download
        "http://sandbox/file/bot1:T/voice/file_3.oga",
    ]


async def test_the_wechat_resident_is_seeded_once_with_the_bridges_chat_id(
    services: Services,
) -> None:
    async with services.sessions() as session, session.begin():
        await seed_places(session)
        first = await seed_wechat_people(session)
        again = await seed_wechat_people(session)
    openid = DEMO_WECHAT_PEOPLE[0][0]
    assert first == again
    async with services.sessions() as session:
        follower = (
            await session.execute(select(WechatUser).where(col(WechatUser.openid) == openid))
        ).scalar_one()
        person = await find_person(session, first[openid])
    assert first[openid] == chat_id_of(row_id(follower))
    assert person is not None and person.display_name == "周奶奶"
    assert person.chat_id == first[openid] and person.onboarded_at is not None
