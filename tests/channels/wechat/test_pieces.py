"""A burst of sends merged into as few WeChat messages as possible, and keyboards as lines."""

from __future__ import annotations

import json

from channels.wechat.pieces import ButtonLine, Piece, buttons_of, merge, wechat_body


def test_texts_join_and_head_the_menu_images_stand_alone() -> None:
    burst = [
        Piece(1, "收据"),
        Piece(2, "📄 预约.ics"),
        Piece(3, "", media_id="m1"),
        Piece(4, "请选择", [ButtonLine("1. 预约"), ButtonLine("🏠 主菜单")]),
        Piece(5, "谢谢"),
    ]
    out = merge(burst)
    assert [(m.text, m.media_id, len(m.lines)) for m in out] == [
        ("收据\n\n📄 预约.ics", None, 0),
        ("", "m1", 0),
        ("请选择", None, 2),
        ("谢谢", None, 0),
    ]
    body = wechat_body("o1", out[2], [41, 42])
    assert body["msgmenu"]["list"] == [
        {"id": "41", "content": "1. 预约"},
        {"id": "42", "content": "🏠 主菜单"},
    ]
    assert out[2].lines[0][1] == 4  # an inline tap names the message the buttons were under


def test_keyboards_become_lines() -> None:
    reply = {"keyboard": [["1. 同意"], [{"text": "📱 分享", "request_contact": True}], ["🏠"]]}
    inline = {"inline_keyboard": [[{"text": "来", "callback_data": "r:1"}]]}
    assert buttons_of(json.dumps(reply)) == [ButtonLine("1. 同意"), ButtonLine("🏠")]
    assert buttons_of(inline) == [ButtonLine("来", "r:1")]
    assert buttons_of(json.dumps({"remove_keyboard": True})) == []
    assert buttons_of("not json") == []


def test_captions_wait_for_the_text_after_the_images() -> None:
    burst = [
        Piece(1, "本月数字"),
        Piece(2, "📈 趋势", media_id="m1"),
        Piece(3, "🏙️ 两镇", media_id="m2"),
        Piece(4, "🗓️ 场地", media_id="m3"),
        Piece(5, "还需要什么？", [ButtonLine("1. 本月"), ButtonLine("🏠 主菜单")]),
    ]
    out = merge(burst)
    assert [(m.text, m.media_id, len(m.lines)) for m in out] == [
        ("本月数字", None, 0),
        ("", "m1", 0),
        ("", "m2", 0),
        ("", "m3", 0),
        ("📈 趋势\n\n🏙️ 两镇\n\n🗓️ 场地\n\n还需要什么？", None, 2),
    ]


def test_a_text_between_images_keeps_its_place() -> None:
    burst = [Piece(1, "图一", media_id="m1"), Piece(2, "说明"), Piece(3, "", media_id="m2")]
    out = merge(burst)
    assert [(m.text, m.media_id) for m in out] == [
        ("", "m1"),
        ("图一\n\n说明", None),
        ("", "m2"),
    ]
