"""The callback endpoint over HTTP, on the test database: checks, dedup, and the queue."""

from __future__ import annotations

import time
from datetime import timedelta

from bot.db import create_engine, create_session_factory
from channels.wechat.crypto import sign
from channels.wechat.server import Bridge, keep_house
from channels.wechat.store import claim, remember_button
from channels.wechat.tables import CHAT_ID_BASE
from channels.wechat.xml import read_xml
from models.core.base import utcnow
from tests.channels.wechat.support import (
    ACCOUNT,
    OPENID,
    TOKEN,
    callback_xml,
    queue_length,
    queued,
    running_bridge,
    wechat_settings,
)


async def test_url_check_echoes_only_with_the_right_signature(database_url: str) -> None:
    async with running_bridge(database_url) as wechat:
        query = {**wechat.query(), "echostr": "8390"}
        ok = await wechat.client.get("/wechat", params=query)
        assert (ok.status, await ok.text()) == (200, "8390")
        forged = {**wechat.query(token="guessed"), "echostr": "8390"}
        refused = await wechat.client.get("/wechat", params=forged)
        assert refused.status == 403
        assert "8390" not in await refused.text()
        bare = await wechat.client.get("/wechat", params={"echostr": "8390"})
        assert bare.status == 403


async def test_safe_mode_text_is_decrypted_mapped_and_queued(database_url: str) -> None:
    async with running_bridge(database_url) as wechat:
        status, body = await wechat.post(callback_xml("text", Content="订饭", MsgId="100"))
    assert (status, body) == (200, "success")
    [update] = await queued(database_url)
    assert update["message"]["text"] == "订饭"
    assert update["message"]["chat"]["id"] > CHAT_ID_BASE


async def test_plain_mode_is_refused_in_safe_mode_and_accepted_in_plain(database_url: str) -> None:
    xml = callback_xml("text", Content="你好", MsgId="101")
    async with running_bridge(database_url) as wechat:
        assert (await wechat.post(xml, safe=False))[0] == 403
    async with running_bridge(database_url, wechat_settings(encryption="plain")) as wechat:
        assert await wechat.post(xml, safe=False) == (200, "success")
        assert (await wechat.post(xml, safe=True))[0] == 403  # no key in plain mode
    assert [u["message"]["text"] for u in await queued(database_url)] == ["你好"]


async def test_bad_signatures_are_403_and_nothing_is_queued(database_url: str) -> None:
    xml = callback_xml("text", Content="假的", MsgId="102")
    async with running_bridge(database_url) as wechat:
        assert (await wechat.post(xml, signature="0" * 40))[0] == 403
        assert (await wechat.post(xml, msg_signature="0" * 40))[0] == 403
    assert await queue_length(database_url) == 0


async def test_a_timestamp_outside_the_replay_window_is_refused(database_url: str) -> None:
    now = int(time.time())
    async with running_bridge(database_url) as wechat:
        stale = callback_xml("text", Content="旧的", MsgId="103")
        assert (await wechat.post(stale, timestamp=now - 301))[0] == 403
        assert (await wechat.post(stale, timestamp=now + 301))[0] == 403
        fresh = callback_xml("text", Content="新的", MsgId="104")
        assert (await wechat.post(fresh, timestamp=now - 290))[0] == 200
    assert [u["message"]["text"] for u in await queued(database_url)] == ["新的"]


async def test_malformed_oversized_and_entity_xml_get_4xx(database_url: str) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<xml><FromUserName>o1</FromUserName><MsgType>text</MsgType>"
        "<CreateTime>1</CreateTime><Content>&b;</Content></xml>"
    )
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<xml><Content>&x;</Content></xml>"
    )
    settings = wechat_settings(max_body_bytes=4096, encryption="compatible")
    async with running_bridge(database_url, settings) as wechat:
        for safe in (False, True):
            assert (await wechat.post("<xml><Content>", safe=safe))[0] == 400
            assert (await wechat.post(bomb, safe=safe))[0] == 400
            assert (await wechat.post(xxe, safe=safe))[0] == 400
            assert (await wechat.post("<xml><MsgType>text</MsgType></xml>", safe=safe))[0] == 400
        huge = callback_xml("text", Content="长" * 3000, MsgId="105")
        assert (await wechat.post(huge, safe=False))[0] == 413
        assert (await wechat.post(huge))[0] == 413
        raw = await wechat.client.post(
            "/wechat", params={**wechat.query(), "encrypt_type": "aes"}, data="<xml>junk</xml>"
        )
        assert raw.status == 400
    assert await queue_length(database_url) == 0


async def test_an_unknown_message_type_gets_a_polite_passive_reply(database_url: str) -> None:
    xml = callback_xml("location", Location_X="31.6", Location_Y="121.4", MsgId="106")
    async with running_bridge(database_url, wechat_settings(encryption="compatible")) as wechat:
        status, body = await wechat.post(xml, safe=False)
        assert status == 200
        reply = read_xml(body)
        assert reply["MsgType"] == "text"
        assert reply["ToUserName"] == OPENID
        assert reply["FromUserName"] == ACCOUNT
        assert "看不懂" in reply["Content"]
        status, body = await wechat.post(callback_xml("shortvideo", MediaId="v", MsgId="107"))
        assert status == 200
        sealed = read_xml(body)
        assert sealed["MsgSignature"] == sign(
            TOKEN, sealed["TimeStamp"], sealed["Nonce"], sealed["Encrypt"]
        )
        assert "看不懂" in read_xml(wechat.crypto.decrypt(sealed["Encrypt"]))["Content"]
    assert await queue_length(database_url) == 0


async def test_the_same_msgid_is_queued_once_even_after_a_restart(database_url: str) -> None:
    xml = callback_xml("text", Content="一", MsgId="200")
    event = callback_xml("event", Event="subscribe")
    async with running_bridge(database_url) as wechat:
        for body in (xml, xml, event, event):
            assert await wechat.post(body) == (200, "success")
    async with running_bridge(database_url) as rebuilt:
        assert await rebuilt.post(xml) == (200, "success")
        assert await rebuilt.post(event) == (200, "success")
    updates = await queued(database_url)
    assert [u["message"]["text"] for u in updates] == ["一", "/start"]
    assert len({u["message"]["chat"]["id"] for u in updates}) == 1


async def test_voice_recognised_as_tomorrow_is_the_text_tomorrow(database_url: str) -> None:
    voice = callback_xml("voice", MediaId="m1", Format="amr", Recognition="明天", MsgId="300")
    async with running_bridge(database_url) as wechat:
        assert (await wechat.post(voice))[0] == 200
    [update] = await queued(database_url)
    assert update["message"]["text"] == "明天"
    assert update["message"]["voice"]["file_id"] == "wx:m1"


async def test_follow_and_menu_tap_arrive_as_start_and_callback_data(database_url: str) -> None:
    async with running_bridge(database_url) as wechat:
        assert (await wechat.post(callback_xml("event", Event="subscribe")))[0] == 200
        [start] = await queued(database_url)
        chat_id = start["message"]["chat"]["id"]
        engine = create_engine(database_url)
        async with create_session_factory(engine)() as session, session.begin():
            inline = await remember_button(
                session,
                chat_id=chat_id,
                text="1 明天",
                callback_data="bk1:day:2",
                message_id=5,
                now=utcnow(),
            )
        await engine.dispose()
        tap = callback_xml("text", Content="1 明天", MsgId="400", bizmsgmenuid=str(inline))
        assert (await wechat.post(tap))[0] == 200
        stranger = callback_xml(
            "text", openid="oSTRANGER", Content="1 明天", MsgId="401", bizmsgmenuid=str(inline)
        )
        assert (await wechat.post(stranger))[0] == 200
        huge = callback_xml("text", Content="2 后天", MsgId="402", bizmsgmenuid="9" * 11)
        assert (await wechat.post(huge))[0] == 200
    first, tapped, forged, beyond = await queued(database_url)
    assert beyond["message"]["text"] == "2 后天"
    assert first["message"]["text"] == "/start"
    assert tapped["callback_query"]["data"] == "bk1:day:2"
    assert tapped["callback_query"]["message"]["message_id"] == 5
    assert tapped["update_id"] > first["update_id"]
    # Someone else's menu id is read as the words they saw, never as the other's button.
    assert forged["message"]["text"] == "1 明天"
    assert "callback_query" not in forged


async def test_getupdates_offset_confirms_and_forgets(database_url: str) -> None:
    async with running_bridge(database_url) as wechat:
        for n in range(3):
            assert (await wechat.post(callback_xml("text", Content=str(n), MsgId=f"5{n}")))[
                0
            ] == 200
    updates = await queued(database_url)
    assert [u["message"]["text"] for u in updates] == ["0", "1", "2"]
    later = await queued(database_url, offset=updates[1]["update_id"])
    assert [u["message"]["text"] for u in later] == ["1", "2"]
    assert await queue_length(database_url) == 2


async def test_dedup_keys_older_than_a_day_are_forgotten(database_url: str) -> None:
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    now = utcnow()
    try:
        async with sessions() as session, session.begin():
            assert await claim(session, "msg:old", now=now - timedelta(days=1, minutes=1))
            assert await claim(session, "msg:recent", now=now - timedelta(hours=23))
        bridge = Bridge(wechat_settings(), sessions)
        assert await keep_house(bridge) == 1
        async with sessions() as session, session.begin():
            assert await claim(session, "msg:old", now=now)  # forgotten: accepted again
            assert not await claim(session, "msg:recent", now=now)
    finally:
        await engine.dispose()
