"""Registering a family member (found by phone; with standing consent at once, else the
resident is asked and nothing is registered yet: tests/events/test_events_proxy_ask.py), and a
crawl of the events screens: no dead end, ⬅️ and 🏠 on every
screen, no more choices than the layout holds, and a sticker answered everywhere with the
data unchanged."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select
from telegram.ext import ConversationHandler

from bot.context import Services
from handlers.kit import ELDER_CHOICES, conversation_state
from models.booking import ProxyConsent
from models.core.people import find_person
from models.events import Event, Registration
from tests.events.resident_support import NAME, event, registrations, resident, texts, tr
from tests.harness import BotHarness

PHONE = "13955557777"
COMMITTING = ("events_resident.confirm.yes", "events_resident.line_up.yes")


async def _consent(services: Services, resident_tg: int, proxy_tg: int) -> None:
    async with services.sessions() as session, session.begin():
        resident = await find_person(session, resident_tg)
        proxy = await find_person(session, proxy_tg)
        assert resident is not None and proxy is not None
        session.add(ProxyConsent(resident_id=resident.id or 0, proxy_id=proxy.id or 0))


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("consented", [True, False])
async def test_registering_a_family_member(
    harness: BotHarness, services: Services, lang: str, consented: bool
) -> None:
    t = tr(services, lang)
    await resident(harness, services, 7501, name="王阿姨", phone=PHONE)
    proxy = await resident(harness, services, 7502, lang, name="小王")
    if consented:
        await _consent(services, 7501, 7502)
    await event(services)

    await proxy.choose(t("menu.events"))
    await proxy.choose(NAME[lang])
    await proxy.choose(t("events_resident.action.proxy"))
    await proxy.send(PHONE)
    await proxy.choose(t("events_resident.resident.yes"))
    await proxy.choose(t("events_resident.party.one"))
    shown = "王阿姨" if consented else "王*姨"  # masked until the resident agreed
    assert t("events_resident.confirm.for", name=shown) in proxy.last_text()
    replies = await proxy.choose(t("events_resident.confirm.yes"))

    made = await registrations(services)
    if not consented:
        assert made == []  # nothing registered until the resident answers
        words = t("events_resident.asked", name=shown, event=NAME[lang], when="")
        assert texts(replies)[0].startswith(words.split("\n")[0].split("（")[0].split("(")[0])
        return
    [row] = made
    async with services.sessions() as session:
        who = await find_person(session, 7501)
        by = await find_person(session, 7502)
    assert who is not None and by is not None
    assert (row.person_id, row.booked_by_id, row.status) == (who.id, by.id, "confirmed")
    assert texts(replies)[0].startswith(t("events_resident.receipt.for", name="王阿姨"))
    await harness.drain_outbox()  # the resident gets their own receipt with the QR code
    got = harness.state.messages(7501)
    assert any(m["kind"] == "photo" for m in got)


async def _snapshot(services: Services) -> tuple[int, int]:
    async with services.sessions() as session:
        count = (await session.execute(select(func.count()).select_from(Registration))).scalar()
        taken = (await session.execute(select(func.sum(Event.taken)))).scalar()
    return int(count or 0), int(taken or 0)


async def test_crawling_the_events_screens(harness: BotHarness, services: Services) -> None:
    t = tr(services, "zh_CN")
    user = await resident(harness, services, 7503)
    await event(services, ride=True, max_party=2)
    await event(services, code="full", capacity=1, quotas={"D": 0, "Q": 1})
    assert harness.app is not None
    [flow] = [
        h for h in harness.app.handlers[0]
        if isinstance(h, ConversationHandler) and h.name == "events"
    ]  # fmt: skip
    expanded: Counter[object] = Counter()
    seen_states: set[object] = set()

    def state() -> object:
        return conversation_state(flow, 7503, 7503)

    async def replay(path: list[str]) -> None:
        await user.send("/menu")
        for label in path:
            assert await user.press(label), f"no answer to {label}"

    async def check() -> None:
        assert user.keyboard()[-1] == [t("nav.back"), t("nav.home")], user.last_text()
        choices = user.keyboard()[:-1]
        assert sum(len(row) for row in choices) <= ELDER_CHOICES and all(
            len(row) == 1 for row in choices
        )
        where, before = (state(), tuple(user.buttons())), await _snapshot(services)
        replies = await user.sticker()
        assert len(replies) == 1 and (state(), tuple(user.buttons())) == where
        assert await _snapshot(services) == before

    async def explore(path: list[str], depth: int) -> None:
        here = state()
        if here is None or depth > 8 or expanded[here] >= 2:
            return
        expanded[here] += 1
        seen_states.add(here)
        await check()
        commit = {t(k) for k in COMMITTING}  # tested in the flow tests; here they would change
        labels = [  # the lists the crawl replays
            b for b in user.buttons() if b != t("nav.home") and b.split(". ", 1)[-1] not in commit
        ]
        for label in labels:
            await replay(path)
            replies = await user.press(label)
            assert replies, f"a dead end at {label}"
            if state() is None:  # left the flow: the main menu (or the receipt, then it)
                assert user.buttons()[0] == "1. " + t("menu.book")
                continue
            if state() == here and label == t("nav.back"):
                continue
            await explore([*path, label], depth + 1)

    start = user.button(t("menu.events"))
    await user.press(start)
    await explore([start], 0)
    assert len(seen_states) >= 8, seen_states
