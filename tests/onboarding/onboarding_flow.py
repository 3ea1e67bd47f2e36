"""Helpers for the onboarding tests: labels, walking to a step, what was read, database rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from bot.i18n import Translator
from models.core.base import metadata
from models.core.people import Person, find_person
from models.core.places import Community
from models.core.runtime import PtbState
from tests.harness import SimUser

STEPS = ("consent", "language", "town", "community", "name", "phone")
LANG_LABEL = {"zh_CN": "中文", "en": "English"}


def tr(services: Services, lang: str) -> Translator:
    """The translator the bot uses for ``lang``."""
    return services.i18n.translator(lang)


def label(n: int, text: str) -> str:
    """A numbered reply-keyboard label, as the bot draws it."""
    return f"{n}. {text}"


async def walk_to(
    user: SimUser, services: Services, step: str, lang: str = "zh_CN", town: int = 1
) -> None:
    """Tap through onboarding (starting with /start) until ``step`` is being asked."""
    t0 = tr(services, _start_lang(user, services))
    await user.send("/start")
    if step == "consent":
        return
    await user.press(label(1, t0("onboarding.consent.yes")))
    if step == "language":
        return
    await user.press(label(1 if lang == "zh_CN" else 2, LANG_LABEL[lang]))
    if step == "town":
        return
    await user.press(user.buttons()[town - 1])
    if step == "community":
        return
    await user.press(user.buttons()[0])
    if step == "name":
        return
    await user.press(label(1, tr(services, lang)("onboarding.skip")))
    assert step == "phone", step


def _start_lang(user: SimUser, services: Services) -> str:
    code = user.state.users[user.id].get("language_code") or ""
    return services.i18n.resolve(None, code)


async def person(services: Services, tg_user_id: int) -> Person | None:
    """The person row as the database holds it now."""
    async with services.sessions() as session:
        return await find_person(session, tg_user_id)


async def snapshot(services: Services) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every domain table (UI state in ptb_state left out)."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    async with services.sessions() as session:
        for table in metadata.sorted_tables:
            if table.name == PtbState.__tablename__:
                continue
            rows = (await session.execute(select(table))).all()
            tables[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return tables


async def rows_mentioning(services: Services, needle: int) -> list[str]:
    """Every row of every table (ptb_state included) with a cell containing ``needle``."""
    found = []
    async with services.sessions() as session:
        for table in metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                if any(str(needle) in str(cell) for cell in row):
                    found.append(f"{table.name}: {tuple(row)!r}")
    return found


async def ui_state(services: Services, tg_user_id: int) -> list[tuple[str, str]]:
    """The ptb_state rows (kind, key) belonging to this user or their private chat."""
    async with services.sessions() as session:
        rows = (await session.execute(select(PtbState))).scalars().all()
    return [(r.kind, r.key) for r in rows if str(tg_user_id) in r.key]


def texts(messages: list[dict[str, object]]) -> list[str]:
    """What the user read, message by message."""
    return [str(m.get("text") or "") for m in messages]


async def town_and_community(services: Services, community_code: str) -> Community:
    """A seeded community by its code."""
    async with services.sessions() as session:
        query = select(Community).where(col(Community.code) == community_code)
        return (await session.execute(query)).scalar_one()


def share_button(user: SimUser) -> dict[str, object]:
    """The reply-keyboard button that asks Telegram for the user's own number."""
    rows = user.state.reply_keyboard_buttons(user.id) or []
    found = [b for row in rows for b in row if b.get("request_contact")]
    assert len(found) == 1, rows
    return found[0]
