"""A resident's own settings: language, town and community, elder mode, notice topics, name and
phone number.

Each use case changes one setting in the caller's transaction and returns the settings as
they now are (``SettingsView``), so the screen shows the new values without reading again.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from models.core.base import get_or_raise
from models.core.catalogue import list_communities, list_towns
from models.core.errors import NotFound
from models.core.names import display_name_for
from models.core.people import (
    NOTICE_TOPICS,
    Person,
    clean_phone,
    opted_out_topics,
    toggle_topic,
    update_profile,
)
from models.core.places import Community, Town


@dataclass(frozen=True)
class SettingsView:
    """What the settings menu shows: every current value."""

    person: Person
    town: Town | None
    community: Community | None
    muted: frozenset[str]

    @property
    def receiving(self) -> list[str]:
        """The notice topics the person receives, in menu order."""
        return [topic for topic in NOTICE_TOPICS if topic not in self.muted]


@dataclass(frozen=True)
class TopicChange:
    """A topic switched on or off, and the settings after it."""

    topic: str
    receiving: bool
    settings: SettingsView


async def settings_view(session: AsyncSession, *, person: Person) -> SettingsView:
    """The person's settings as the menu shows them."""
    town = await session.get(Town, person.town_id) if person.town_id else None
    community = await session.get(Community, person.community_id) if person.community_id else None
    muted = await opted_out_topics(session, person.id) if person.id is not None else set()
    return SettingsView(person, town, community, frozenset(muted))


async def change_language(session: AsyncSession, *, person: Person, language: str) -> SettingsView:
    """Speak ``language`` from now on."""
    await update_profile(session, person, language=language)
    return await settings_view(session, person=person)


async def set_elder_mode(session: AsyncSession, *, person: Person, on: bool) -> SettingsView:
    """Turn elder mode on or off."""
    await update_profile(session, person, elder_mode=on)
    return await settings_view(session, person=person)


async def rename(
    session: AsyncSession, *, person: Person, name: str | None, admin_ids: Collection[int]
) -> SettingsView:
    """Change how the bot addresses the person (the one name validator, then no staff's name)."""
    kept = await display_name_for(session, person=person, name=name, admin_ids=admin_ids)
    await update_profile(session, person, display_name=kept)
    return await settings_view(session, person=person)


async def change_phone(session: AsyncSession, *, person: Person, phone: str | None) -> SettingsView:
    """Keep the person's own number, as shared from their phone's contact card (``PhoneInvalid``
    for what is no number, ``PhoneTaken`` when it is someone else's: nothing changes then)."""
    await update_profile(session, person, phone=clean_phone(phone))
    return await settings_view(session, person=person)


async def switch_topic(session: AsyncSession, *, person: Person, topic: str) -> TopicChange:
    """Mute a received notice topic, or receive a muted one again."""
    if person.id is None:
        raise NotFound()
    receiving = await toggle_topic(session, person.id, topic)
    return TopicChange(topic, receiving, await settings_view(session, person=person))


async def town_choices(session: AsyncSession) -> list[Town]:
    """The towns a person can live in."""
    return await list_towns(session)


@dataclass(frozen=True)
class CommunityChoices:
    """A town and its communities, for the community question."""

    town: Town
    communities: list[Community]


async def community_choices(session: AsyncSession, *, town_id: int) -> CommunityChoices:
    """The communities of one town (``NotFound`` for a town that does not exist)."""
    town = await get_or_raise(session, Town, town_id)
    return CommunityChoices(town, await list_communities(session, town_id))


async def move_home(
    session: AsyncSession, *, person: Person, town_id: int, community_id: int
) -> SettingsView:
    """Change town and community together (the community must belong to the town)."""
    await update_profile(session, person, town_id=town_id, community_id=community_id)
    return await settings_view(session, person=person)
