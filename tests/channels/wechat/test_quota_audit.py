"""The WeChat quota audit that every simulated user's act goes through (quota_audit.py) can fail:
an answer too long for WeChat fails the test at that act, one that merges into few passes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import TongxinContext
from bot.registry import FEATURES
from handlers.kit import Feature, Wiring
from tests.channels.wechat.quota_audit import AUDITED, WechatQuotaAudit, piece_of
from tests.factories import make_person
from tests.harness import BotHarness

pytestmark = pytest.mark.usefixtures("uncounted")  # the flows' totals stay the flows'
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


async def chatty(update: Update, context: TongxinContext) -> None:
    """Answers with as many photos as the command says, then a question with a button."""
    chat = update.effective_chat
    assert chat is not None and context.args is not None
    count = int(context.args[0])
    for number in range(count):
        last = number == count - 1
        await context.bot.send_photo(chat.id, PNG, caption=f"photo {number}" if last else None)
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="x")]])
    await context.bot.send_message(chat.id, "anything else?", reply_markup=buttons)


def _handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler("photos", chatty)]


CHATTY = Feature(name="chatty", handlers=_handlers)


@pytest.fixture
async def chatty_bot(harness: BotHarness) -> BotHarness:
    """The bot with the photo-sending command registered before home's catch-all."""
    harness.features = (*FEATURES[:-1], CHATTY, FEATURES[-1])
    await harness.restart()
    return harness


async def test_an_answer_within_the_quota_passes(chatty_bot: BotHarness) -> None:
    await make_person(chatty_bot.services.sessions, 5301)
    before = AUDITED["acts"]
    # Four photos (a message each; the last one's caption joins the text after it, the menu's
    # head) and the question with its button: 5 messages.
    replies = await chatty_bot.user(5301).send("/photos 4")
    assert len(replies) == 5
    assert AUDITED["acts"] == before + 1


@pytest.fixture
def uncounted() -> Iterator[None]:
    """The run's audit totals as they were: a refusal provoked here is not the flows'."""
    saved = AUDITED.copy()
    yield
    AUDITED.clear()
    AUDITED.update(saved)


async def test_an_answer_over_the_quota_fails_at_that_act(chatty_bot: BotHarness) -> None:
    await make_person(chatty_bot.services.sessions, 5302)
    with pytest.raises(AssertionError, match=r"takes 6 messages, over the quota of 5"):
        await chatty_bot.user(5302).send("/photos 5")


def test_a_start_may_take_three_messages_only() -> None:
    audit = WechatQuotaAudit()
    audit.begin(7, "event")
    for _ in range(4):
        audit.sent(7, "sendPhoto", {"chat_id": 7}, has_file=True)
    over = audit.end(7)
    assert over and "takes 4 messages, over the quota of 3 for event" in over[0]


def test_texts_and_a_keyboard_merge_into_one_message() -> None:
    audit = WechatQuotaAudit()
    audit.begin(8, "message")
    for number in range(9):
        audit.sent(8, "sendMessage", {"chat_id": 8, "text": f"line {number}"}, has_file=False)
    keyboard = {"keyboard": [[{"text": "1. 好"}, {"text": "🏠 主菜单"}]]}
    audit.sent(8, "sendMessage", {"chat_id": 8, "text": "?", "reply_markup": keyboard}, False)
    audit.sent(9, "sendPhoto", {"chat_id": 9}, has_file=True)  # another chat: not this act's
    assert audit.end(8) == []
    (menu,) = audit.world.follower("8").inbox
    assert menu["msgtype"] == "msgmenu" and len(menu["msgmenu"]["list"]) == 2


def test_overlapping_acts_share_a_burst_with_a_window_each() -> None:
    audit = WechatQuotaAudit()
    audit.begin(10, "message")
    audit.begin(10, "message")  # a double tap
    for _ in range(8):
        audit.sent(10, "sendPhoto", {"chat_id": 10}, has_file=True)
    assert audit.end(10) == []  # the burst waits for the last act
    assert audit.end(10) == []  # 8 messages, two windows of 5


@pytest.mark.parametrize(
    ("method", "params", "shown"),
    [
        ("editMessageReplyMarkup", {"reply_markup": {"inline_keyboard": []}}, False),
        ("answerCallbackQuery", {"callback_query_id": "1"}, False),
        ("answerCallbackQuery", {"callback_query_id": "1", "text": "已过期"}, True),
        ("sendChatAction", {"action": "typing"}, False),
        ("setMyCommands", {"commands": []}, False),
        ("deleteMessage", {"message_id": 3}, False),
        ("editMessageText", {"text": "new"}, True),
        ("sendDocument", {"caption": "日历"}, True),
        ("sendVoice", {"voice": "file-id"}, True),
    ],
)
def test_what_shows_on_wechat(method: str, params: dict[str, object], shown: bool) -> None:
    assert (piece_of(method, params, has_file=False) is not None) is shown
