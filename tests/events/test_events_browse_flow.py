"""Browsing the upcoming events as a resident: a few a screen with the next page, the day and
the places left in words, and the other ways to look (this week, by topic), in both languages."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from bot.context import Services
from models.core.base import utcnow
from models.events import EventDraft, create_event
from tests.events.events_support import ADMIN, towns
from tests.events.resident_support import resident, tr
from tests.harness import BotHarness, SimUser

TOPIC = "health"  # a topic of the staff's list (the demo's events have others)
TALKS = 8  # more than a screen holds


def _talk(lang: str, n: int) -> str:
    return f"健康讲座{n}号" if lang == "zh_CN" else f"Health talk no. {n}"


async def _talks(services: Services) -> None:
    """Health talks hosted by D town at 10:00 on each of the next ``TALKS`` days (12 places)."""
    ids, tz = await towns(services.sessions), services.settings.tz
    today = utcnow().astimezone(tz).date()
    async with services.sessions() as session, session.begin():
        for n in range(1, TALKS + 1):
            starts = datetime.combine(today + timedelta(days=n), time(10), tz)
            draft = EventDraft(
                code=f"talk-{n}",
                name_zh=_talk("zh_CN", n),
                name_en=_talk("en", n),
                host_town_id=ids["D"],
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
                capacity=12,
                topic=TOPIC,
                place_zh="长江社区卫生站",
                place_en="Changjiang health station",
            )
            await create_event(session, draft=draft, by=None, scopes=ADMIN, publish=True)


def _listed(user: SimUser, lang: str) -> list[int]:
    """The talks on the screen, by number, in the order shown."""
    found = []
    for label in user.buttons():
        for n in range(1, TALKS + 1):
            if _talk(lang, n) in label:
                found.append(n)
    return found


async def _all_pages(user: SimUser, lang: str, next_label: str) -> list[list[int]]:
    """Each page's talks, following "next page" to the end."""
    pages = [_listed(user, lang)]
    while any(next_label in label for label in user.buttons()):
        await user.choose(next_label)
        pages.append(_listed(user, lang))
    return pages


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_a_few_a_screen_with_days_and_places_in_words(
    harness: BotHarness, services: Services, lang: str
) -> None:
    t = tr(services, lang)
    user = await resident(harness, services, 7501, lang)
    await _talks(services)

    await user.choose(t("menu.events"))
    first = user.buttons()
    assert first[0].startswith("1. ") and _talk(lang, 1) in first[0]  # the nearest first
    assert t("events_resident.day.tomorrow") in first[0]
    assert t.n("events_resident.places.left", 12, left=12) in first[0]
    assert t("events_resident.day.after_tomorrow") in first[1]
    pages = await _all_pages(user, lang, t("events_resident.list.next"))
    assert all(len(page) <= 6 for page in pages) and len(pages) >= 2
    assert [n for page in pages for n in page] == list(range(1, TALKS + 1))  # none lost

    await user.choose(t("nav.back"))  # ⬅️ goes a page back
    assert _listed(user, lang) == pages[-2]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_this_week_and_by_topic(harness: BotHarness, services: Services, lang: str) -> None:
    t = tr(services, lang)
    user = await resident(harness, services, 7502, lang)
    await _talks(services)
    next_label = t("events_resident.list.next")

    await user.choose(t("menu.events"))
    await user.choose(t("events_resident.list.filter"))
    await user.choose(t("events_resident.filter.week"))
    assert t("events_resident.list.week") in user.last_text()
    week = [n for page in await _all_pages(user, lang, next_label) for n in page]
    tz, now = services.settings.tz, utcnow()
    today = now.astimezone(tz).date()
    within = [  # "this week" is the next seven days: talk 7 only before 10:00
        n
        for n in range(1, TALKS + 1)
        if datetime.combine(today + timedelta(days=n), time(10), tz) < now + timedelta(days=7)
    ]
    assert week == within and len(within) in (6, 7)

    await user.choose(t("events_resident.list.filter"))
    sticker = await user.sticker()  # not a way to look: asked again
    assert sticker and t("events_resident.ask_filter") in user.last_text()
    await user.choose(t("events_resident.filter.topic"))
    await user.choose(t("events_resident.topic.health"))
    assert t("events_resident.topic.health") in user.last_text()
    by_topic = [n for page in await _all_pages(user, lang, next_label) for n in page]
    assert by_topic == list(range(1, TALKS + 1))
