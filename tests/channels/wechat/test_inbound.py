"""WeChat callbacks mapped to Bot API updates, read back by python-telegram-bot as it would."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update

from channels.wechat.inbound import (
    BadCallback,
    Button,
    Chat,
    Deliver,
    Ignored,
    Unsupported,
    read_callback,
    to_update,
)
from channels.wechat.tables import CHAT_ID_BASE, chat_id_of, user_id_of
from channels.wechat.xml import read_xml
from tests.channels.wechat.support import MENU, callback_xml

CHAT = Chat(chat_id=chat_id_of(7), first_name="微信用户")


def _map(xml: str, button: Button | None = None) -> Any:
    return to_update(
        read_callback(read_xml(xml)), chat=CHAT, message_id=3, menu_texts=MENU, button=button
    )


def _update(xml: str, button: Button | None = None) -> Update:
    outcome = _map(xml, button)
    assert isinstance(outcome, Deliver), outcome
    update = Update.de_json({"update_id": 1, **outcome.body}, None)
    assert update is not None
    return update


def test_text_is_a_message_from_the_wechat_chat() -> None:
    update = _update(callback_xml("text", Content="订饭", MsgId="1001"))
    assert update.message is not None
    assert update.message.text == "订饭"
    assert update.message.chat.id == update.message.from_user.id == CHAT_ID_BASE + 7  # type: ignore[union-attr]
    assert update.message.chat.type == "private"
    assert update.message.message_id == 3


def test_voice_with_recognition_reads_as_typed() -> None:
    xml = callback_xml("voice", MediaId="media-1", Format="amr", Recognition="明天。", MsgId="2")
    message = _update(xml).message
    assert message is not None and message.voice is not None
    assert message.text == "明天"
    assert message.voice.file_id == "wx:media-1"
    assert message.voice.mime_type == "audio/amr"


def test_voice_without_recognition_is_a_plain_voice_note() -> None:
    message = _update(callback_xml("voice", MediaId="m", Format="speex", MsgId="3")).message
    assert message is not None and message.voice is not None
    assert message.text is None


def test_image_is_a_photo() -> None:
    message = _update(
        callback_xml("image", MediaId="pic-1", PicUrl="http://x/y", MsgId="4")
    ).message
    assert message is not None
    assert [size.file_id for size in message.photo] == ["wx:pic-1"]


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({"Event": "subscribe"}, "/start"),
        ({"Event": "subscribe", "EventKey": "qrscene_ev42"}, "/start ev42"),
        ({"Event": "SCAN", "EventKey": "ev42"}, "/start ev42"),
        ({"Event": "CLICK", "EventKey": "BOOK"}, "预约"),
    ],
)
def test_follow_scan_and_menu_click_become_texts(fields: dict[str, str], text: str) -> None:
    message = _update(callback_xml("event", **fields)).message
    assert message is not None
    assert message.text == text
    if text.startswith("/start"):
        assert message.entities[0].type == "bot_command"
        assert message.entities[0].length == len("/start")


def test_unfollow_is_the_user_blocking_the_bot() -> None:
    update = _update(callback_xml("event", Event="unsubscribe"))
    assert update.my_chat_member is not None
    assert update.my_chat_member.new_chat_member.status == "kicked"


def test_menu_tap_on_an_inline_button_is_a_callback_query() -> None:
    button = Button(text="1 明天", callback_data="bk1:day:2", message_id=9, sent_at=1_700_000_000)
    xml = callback_xml("text", Content="1 明天", MsgId="55", bizmsgmenuid="12")
    query = _update(xml, button).callback_query
    assert query is not None
    assert query.data == "bk1:day:2"
    assert query.message is not None and query.message.message_id == 9
    assert query.from_user.id == CHAT.chat_id


def test_menu_tap_on_a_reply_button_is_its_text_and_an_unknown_one_what_was_shown() -> None:
    button = Button(text="🏠 主菜单", callback_data=None, message_id=None, sent_at=0)
    xml = callback_xml("text", Content="🏠 主菜单", MsgId="56", bizmsgmenuid="13")
    assert _update(xml, button).message.text == "🏠 主菜单"  # type: ignore[union-attr]
    assert _update(xml, None).message.text == "🏠 主菜单"  # type: ignore[union-attr]


def test_unknown_types_and_keys_are_unsupported_other_events_ignored() -> None:
    location = callback_xml("location", Location_X="31.6", Location_Y="121.4", MsgId="7")
    assert isinstance(_map(location), Unsupported)
    assert isinstance(_map(callback_xml("shortvideo", MediaId="v", MsgId="8")), Unsupported)
    assert isinstance(_map(callback_xml("event", Event="CLICK", EventKey="NOPE")), Unsupported)
    assert isinstance(_map(callback_xml("event", Event="VIEW", EventKey="http://x")), Ignored)
    assert isinstance(_map(callback_xml("event", Event="TEMPLATESENDJOBFINISH")), Ignored)


def test_a_callback_without_sender_or_time_is_refused() -> None:
    with pytest.raises(BadCallback):
        read_callback({"MsgType": "text", "CreateTime": "1"})
    with pytest.raises(BadCallback):
        read_callback({"FromUserName": "o1", "MsgType": "text", "CreateTime": "soon"})


def test_dedup_keys_use_msgid_or_sender_time_and_event() -> None:
    message = read_callback(read_xml(callback_xml("text", Content="a", MsgId="77")))
    event = read_callback(read_xml(callback_xml("event", Event="subscribe", CreateTime=5)))
    assert message.dedup_key() == "msg:77"
    assert event.dedup_key() == f"event:{event.openid}:5:subscribe"


def test_wechat_chat_ids_never_meet_telegram_ids() -> None:
    assert chat_id_of(1) > 2**52 - 1
    assert user_id_of(chat_id_of(1)) == 1
    assert user_id_of(123456789) is None
    assert user_id_of(-1001234567890) is None
    assert chat_id_of(10**9) < 2**53
