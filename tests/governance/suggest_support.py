"""Shared set-up for the suggestion tests: residents and admins of both towns in their chats,
the buttons under a message, and the suggestions as stored."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from bot.context import Services
from bot.i18n import Translator
from models.core.authz import Role, grant_role
from models.core.places import Town
from models.governance import Suggestion
from tests.factories import make_person
from tests.harness import BotHarness, Message, SimUser

LANG_CODE = {"zh_CN": "zh-hans", "en": "en"}
# key: (Telegram id, town, community, role)
CAST: dict[str, tuple[int, str, str, Role | None]] = {
    "d_res": (7101, "D", "d-changjiang", None),
    "q_res": (7102, "Q", "q-xinglong", None),
    "d_admin": (7111, "D", "d-changjiang", Role.ADMIN),
    "q_admin": (7112, "Q", "q-xinglong", Role.ADMIN),
}
NAMES = {"d_res": "李大爷", "q_res": "张奶奶", "d_admin": "管理员甲", "q_admin": "管理员乙"}
PHONES = {"d_res": "13912345678", "q_res": "13712345678"}


async def cast_in_chats(
    harness: BotHarness, lang: str = "zh_CN"
) -> tuple[dict[str, int], dict[str, SimUser]]:
    """The cast onboarded (residents speak ``lang``, admins Chinese), with their chats; returns
    person ids by key and the users."""
    services = harness.services
    towns: dict[str, int] = {}
    async with services.sessions() as session:
        for row in (await session.execute(select(Town))).scalars():
            towns[row.code] = row.id or 0
    ids: dict[str, int] = {}
    users: dict[str, SimUser] = {}
    for key, (tg, town, community, role) in CAST.items():
        language = lang if role is None else "zh_CN"
        person = await make_person(
            services.sessions,
            tg,
            town,
            community,
            language=language,
            name=NAMES[key],
            phone=PHONES.get(key),
        )
        ids[key] = person.id or 0
        if role is not None:
            async with services.sessions() as session, session.begin():
                await grant_role(session, ids[key], role, towns[town])
        users[key] = harness.user(tg, language_code=LANG_CODE[language], first_name=NAMES[key])
    return ids, users


def tr(services: Services, lang: str = "zh_CN") -> Translator:
    """The translator of ``lang``."""
    return services.i18n.translator(lang)


def datas(message: Message | None) -> list[str]:
    """The callback data of every inline button under ``message``."""
    markup = (message or {}).get("reply_markup") or {}
    return [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row]


def with_button(harness: BotHarness, chat: int, data: str) -> Message:
    """The bot's latest message in ``chat`` carrying a button with ``data``."""
    found = [m for m in harness.state.messages(chat) if data in datas(m)]
    assert found, f"no message with {data!r} in chat {chat}"
    return found[-1]


def texts(harness: BotHarness, chat: int) -> list[str]:
    """Every text or caption the bot sent in ``chat``, oldest first."""
    return [str(m.get("text") or m.get("caption") or "") for m in harness.state.messages(chat)]


def answers(harness: BotHarness, user: SimUser) -> list[dict[str, Any]]:
    """The answers to the user's taps, oldest first."""
    return harness.state.callback_answers(user.id)


def nav_ok(user: SimUser, t: Translator) -> bool:
    """The screen ends with ⬅️ and 🏠."""
    keyboard = user.keyboard()
    return bool(keyboard) and keyboard[-1] == [t("nav.back"), t("nav.home")]


async def suggestions(services: Services) -> list[Suggestion]:
    """Every suggestion, oldest first."""
    async with services.sessions() as session:
        query = select(Suggestion).order_by(col(Suggestion.id))
        return list((await session.execute(query)).scalars())


async def send_about_bot(user: SimUser, t: Translator, words: str, *, anonymous: bool) -> None:
    """意见建议 → this bot → the words → signed or anonymous → send."""
    await user.send("/suggest")
    if any(t("suggest.start.new") in b for b in user.buttons()):
        await user.choose(t("suggest.start.new"))
    await user.choose(t("suggest.subject.bot"))
    await user.send(words)
    await user.choose(t("suggest.anonymous.yes" if anonymous else "suggest.anonymous.no"))
    await user.choose(t("suggest.confirm.send"))
