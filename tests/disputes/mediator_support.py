"""Shared set-up for the mediator flow tests: the disputes cast as Telegram users, alerts
delivered through the outbox, the buttons under a message, and the case as stored."""

from __future__ import annotations

from typing import Any

from bot.context import Services
from bot.i18n import Translator
from models.disputes import DisputeCase
from tests.disputes.disputes_support import ROLES, Cast, make_cast
from tests.harness import BotHarness, Message, SimUser

LANG_CODE = {"zh_CN": "zh-hans", "en": "en"}


async def cast_with_users(
    harness: BotHarness, services: Services
) -> tuple[Cast, dict[str, SimUser]]:
    """The disputes cast (tests.disputes.disputes_support) and a SimUser for each of them."""
    cast = await make_cast(services)
    users = {key: harness.user(tg) for key, (tg, *_rest) in ROLES.items()}
    return cast, users


def tr(services: Services, lang: str = "zh_CN") -> Translator:
    """The translator of ``lang``."""
    return services.i18n.translator(lang)


def datas(message: Message | None) -> list[str]:
    """The callback data of every inline button under ``message``."""
    markup = (message or {}).get("reply_markup") or {}
    return [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row]


def labels(message: Message | None) -> list[str]:
    """The labels of every inline button under ``message``."""
    markup = (message or {}).get("reply_markup") or {}
    return [b.get("text", "") for row in markup.get("inline_keyboard", []) for b in row]


def with_button(harness: BotHarness, chat: int, data: str) -> Message:
    """The bot's latest message in ``chat`` carrying a button with ``data``."""
    found = [m for m in harness.state.messages(chat) if data in datas(m)]
    assert found, f"no message with {data!r} in chat {chat}"
    return found[-1]


def last(harness: BotHarness, chat: int) -> Message:
    """The bot's latest message in ``chat``."""
    message = harness.state.last_message(chat)
    assert message is not None
    return message


def text_of(message: Message) -> str:
    """A message's text or caption."""
    return str(message.get("text") or message.get("caption") or "")


async def case_row(services: Services, case_id: int) -> DisputeCase:
    """The case as stored now."""
    async with services.sessions() as session:
        case = await session.get(DisputeCase, case_id)
    assert case is not None
    return case


def answers(harness: BotHarness, user: SimUser) -> list[dict[str, Any]]:
    """The answers to the user's taps, oldest first."""
    return harness.state.callback_answers(user.id)


def now_of(harness: BotHarness, chat: int, message: Message) -> Message:
    """``message`` as it is now (edited in place, maybe)."""
    found = [m for m in harness.state.messages(chat) if m["message_id"] == message["message_id"]]
    assert found
    return found[0]


async def speak(services: Services, person_id: int, lang: str) -> None:
    """Make the person use ``lang``."""
    from models.core.people import Person

    async with services.sessions() as session, session.begin():
        person = await session.get(Person, person_id)
        assert person is not None
        person.language = lang
