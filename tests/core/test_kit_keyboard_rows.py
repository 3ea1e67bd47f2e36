"""A screen's keyboard as the kit keeps it (``kit.ui.keyboard_rows``) and sends it
(``models.core.screens.reply_keyboard``) is exactly what python-telegram-bot would send for the
same rows."""

from __future__ import annotations

import pytest
from telegram import KeyboardButton, ReplyKeyboardMarkup

from bot.i18n import load_catalogues
from handlers.kit.ui import DENSE, ELDER, Layout, Option, choice_rows, keyboard_rows
from models.core.screens import reply_keyboard


@pytest.mark.parametrize("shape", [ELDER, DENSE])
@pytest.mark.parametrize("back", [True, False])
def test_the_dict_is_what_ptb_would_send(shape: Layout, back: bool) -> None:
    t = load_catalogues().translator("zh_CN")
    rows = choice_rows(
        [Option("a", "午饭"), Option("b", "晚饭"), Option("c", "体检")],
        t,
        columns=2,
        back=back,
        extra_rows=[["⚡ 最近可约的时段"]],
        top_rows=[[KeyboardButton("📱 分享手机号", request_contact=True)]],
        shape=shape,
    )
    expected = ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True).to_dict()
    assert reply_keyboard(keyboard_rows(rows)) == expected
    assert expected["keyboard"][0] == [{"text": "📱 分享手机号", "request_contact": True}]
