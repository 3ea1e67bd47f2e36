"""Test factories: quickly create rows through the real domain functions."""

from __future__ import annotations

from sqlmodel import select

from bot.db import SessionFactory
from models.core.people import Person, complete_onboarding, record_consent, update_profile
from models.core.places import Community, Town


async def make_person(
    sessions: SessionFactory,
    tg_user_id: int,
    town_code: str = "D",
    community_code: str = "d-changjiang",
    language: str = "zh_CN",
    name: str | None = "王阿姨",
    phone: str | None = None,
    elder_mode: bool = True,
) -> Person:
    """An onboarded person (consented, town + community set) in a private chat = tg_user_id;
    elder mode on, as everyone starts, unless told."""
    async with sessions() as session, session.begin():
        town = (await session.execute(select(Town).where(Town.code == town_code))).scalar_one()
        community = (
            await session.execute(select(Community).where(Community.code == community_code))
        ).scalar_one()
        person = await record_consent(session, tg_user_id, tg_user_id, language)
        await update_profile(
            session,
            person,
            display_name=name,
            town_id=town.id,
            community_id=community.id,
            language=language,
            phone=phone,
            elder_mode=elder_mode,
        )
        await complete_onboarding(session, person)
    return person
