"""Helpers for the resident events flow tests: people, an event, rows, and the chat."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select

from bot.context import Services
from bot.i18n import Translator
from models.core.base import utcnow
from models.core.outbox import OutboxMessage
from models.events import Registration, register
from tests.events.events_support import make_event, person
from tests.factories import make_person
from tests.harness import BotHarness, Message, SimUser

NAME = {"zh_CN": "边界联谊会", "en": "Border gathering"}


def tr(services: Services, lang: str) -> Translator:
    """The translator of ``lang``."""
    return services.i18n.translator(lang)


async def resident(
    harness: BotHarness, services: Services, tg: int, lang: str = "zh_CN", **kw: Any
) -> SimUser:
    """An onboarded resident of D town at the main menu, in ``lang``."""
    await make_person(services.sessions, tg, language=lang, **kw)
    user = harness.user(tg, language_code="en" if lang == "en" else "zh-hans")
    await user.send("/menu")
    return user


async def event(services: Services, **kw: Any) -> int:
    """The test event (D town hosts, Q co-hosts), three days ahead unless told."""
    return await make_event(services.sessions, **kw)


async def registrations(services: Services) -> list[Registration]:
    """Every registration, in order."""
    async with services.sessions() as session:
        query = select(Registration).order_by(col(Registration.id))
        return list((await session.execute(query)).scalars())


async def register_tg(services: Services, tg: int, event_id: int, party: int = 1) -> Registration:
    """Register the person with Telegram id ``tg`` through the model."""
    from models.core.people import find_person

    async with services.sessions() as session, session.begin():
        found = await find_person(session, tg)
        assert found is not None
        made = await register(
            session, person=await person(session, found.id or 0), event_id=event_id,
            party_size=party,
        )  # fmt: skip
        return made.registration


async def set_status(services: Services, registration_id: int, status: str) -> None:
    """Force a registration's status (as the door or a job would have)."""
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(Registration)
            .where(col(Registration.id) == registration_id)
            .values(status=status)
        )


async def bring_forward(services: Services, key_prefix: str) -> None:
    """Make outbox rows whose key starts with ``key_prefix`` due now."""
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.dedupe_key).like(f"{key_prefix}%"))
            .values(due_at=utcnow() - timedelta(seconds=1))
        )


async def delivered(harness: BotHarness, tg: int) -> list[Message]:
    """Send what is due; the messages the person got."""
    since = int(harness.state.last_message_id(tg) or 0)
    await harness.drain_outbox()
    return harness.state.messages(tg, since=since)


def texts(replies: list[Message]) -> list[str]:
    """The texts (or captions) of the bot's replies."""
    return [str(m.get("text") or m.get("caption") or "") for m in replies]


class Counted:
    """A person's chat that counts each message or press they send."""

    def __init__(self, user: SimUser) -> None:
        self.user, self.taps = user, 0

    async def choose(self, words: str) -> list[Message]:
        """Tap the one button containing ``words`` (on the screen shown)."""
        self.taps += 1
        return await self.user.press(self.user.button(words))
