"""Crawl the booking flow from the main menu by tapping every offered button.

Depth first; a screen is known by its conversation state and its buttons (plus the draft's kind,
place and proxy-ness). Every screen must answer each tap (no dead end), end with ⬅️ and 🏠
(the receipt returns to the main menu instead), hold no more choices than the layout allows
besides them (elder mode: 6, one a row; off: 8), and answer a sticker with a re-prompt that
changes nothing. Each kind of screen is expanded a bounded number of times per kind of venue so
the crawl stays under a minute; bookings the crawler makes are cancelled at once (and those for
someone else removed), so screens replay identically.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from sqlalchemy import delete, func, select, update
from sqlmodel import col
from telegram.ext import ConversationHandler

from bot.context import Services
from bot.settings import Settings
from handlers.booking.book.draft import (
    CONFIRM,
    DAY,
    KIND,
    PARTY,
    PHONE,
    PLACE,
    RESIDENT,
    SLOT,
    WAITLIST,
    WHO,
)
from handlers.kit import ELDER_CHOICES, MAX_CHOICES, conversation_state
from models.booking import ACTIVE, Booking, Slot, WaitlistEntry, cancel_booking, day_bounds
from models.core.people import find_person
from tests.booking.booking_support import slot_of
from tests.booking.test_booking_flow_helpers import person, slot_day, tr, venue
from tests.conftest import make_settings
from tests.harness import BotHarness, SimUser

CRAWLER, RESIDENT_TG = 5501, 5502
DRAFT_KEY = "draft"  # where the kit keeps the open flow's draft in user_data
RESIDENT_PHONE, OWN_PHONE = "13955556666", "13800009999"
TYPED = {PHONE: [RESIDENT_PHONE, OWN_PHONE, "12345"]}
# How many screens of a state are expanded per (kind of venue, proxy or not, full-slot list).
CAPS = {WHO: 2, PHONE: 1, RESIDENT: 1, KIND: 2, PLACE: 1, DAY: 2, SLOT: 2, PARTY: 1, CONFIRM: 1}
CAPS |= {WAITLIST: 1}
PROXY_CAP = 1
MAX_TAPS = 4000
Signature = tuple[Any, ...]


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The crawler replays the phone screen again and again: the hourly lookup limit (tested in
    test_proxy_lookup.py) would stop it, so it gets a generous one."""
    return make_settings(database_url).model_copy(update={"proxy_lookups_per_hour": 1000})


class Crawler:
    """Walks the booking flow as one user, checking every screen it meets."""

    def __init__(
        self, harness: BotHarness, services: Services, user: SimUser, *, elder: bool
    ) -> None:
        self.harness, self.services, self.user = harness, services, user
        self.most, self.elder = (ELDER_CHOICES if elder else MAX_CHOICES), elder
        self.t = tr(services, "zh_CN")
        app = harness.app
        assert app is not None
        [self.conversation] = [
            h for h in app.handlers[0] if isinstance(h, ConversationHandler) and h.name == "booking"
        ]
        self.seen: set[Signature] = set()
        self.expanded: Counter[Signature] = Counter()
        self.states: Counter[int] = Counter()
        self.taps = 0
        self.booked = 0
        self.most_seen = 0  # the most choices one screen held

    def state(self) -> int | None:
        """The user's booking screen (None: outside the flow)."""
        value = conversation_state(self.conversation, CRAWLER, CRAWLER)
        return int(value) if isinstance(value, int) else None

    def draft(self) -> dict[str, Any]:
        """The booking draft the flow keeps."""
        assert self.harness.app is not None
        return dict(self.harness.app.user_data[CRAWLER].get(DRAFT_KEY, {}))

    def here(self) -> Signature:
        """Where the user is: state and buttons."""
        return (self.state(), tuple(self.user.buttons()))

    def group(self) -> Signature:
        """What a screen's expansions are counted by."""
        draft = self.draft()
        return (self.state(), draft.get("kind"), bool(draft.get("proxy")), draft.get("full_mode"))

    async def act(self, action: tuple[str, str]) -> None:
        """Tap a button or type text; the bot must answer."""
        kind, value = action
        self.taps += 1
        assert self.taps < MAX_TAPS, "the crawl does not end"
        replies = await (self.user.press(value) if kind == "press" else self.user.send(value))
        assert replies, f"no answer to {action} (a dead end)"
        if self.state() is None:
            await self.left_flow(action)

    async def left_flow(self, action: tuple[str, str]) -> None:
        """Outside the flow: the main menu is shown; bookings made are undone for replays."""
        labels = self.user.buttons()
        assert labels and labels[0] == "1. " + self.t("menu.book"), (action, labels)
        assert len(labels) <= self.most, labels  # the main menu too (elder mode: "more" pages)
        async with self.services.sessions() as session, session.begin():
            me = await find_person(session, CRAWLER)
            assert me is not None
            active = (
                await session.execute(select(Booking).where(col(Booking.status).in_(ACTIVE)))
            ).scalars()
            for booking in list(active):
                await cancel_booking(session, booking, me)
                self.booked += 1
            await session.execute(update(WaitlistEntry).values(status="left"))
            # Once someone has booked for another, "for whom?" opens the flow: forget those
            # bookings, so the flow replays as it began.
            await session.execute(
                delete(Booking).where(
                    col(Booking.booked_by_id) == me.id, col(Booking.person_id) != me.id
                )
            )

    async def replay(self, path: list[tuple[str, str]]) -> None:
        """From the main menu, the same taps again."""
        await self.user.send("/menu")
        for action in path:
            await self.act(action)

    async def snapshot(self) -> tuple[int, int, int]:
        """Bookings, waitlist entries and places taken: a sticker must change none."""
        async with self.services.sessions() as session:
            bookings = (await session.execute(select(func.count()).select_from(Booking))).scalar()
            waiting = (
                await session.execute(select(func.count()).select_from(WaitlistEntry))
            ).scalar()
            seats = (await session.execute(select(func.sum(Slot.taken)))).scalar()
        return int(bookings or 0), int(waiting or 0), int(seats or 0)

    async def check_screen(self) -> None:
        """⬅️ and 🏠 at the bottom; a sticker is answered by the same screen again."""
        t, user = self.t, self.user
        assert user.keyboard()[-1] == [t("nav.back"), t("nav.home")], user.last_text()
        choices = user.keyboard()[:-1]
        assert sum(len(row) for row in choices) <= self.most, choices
        if self.elder:
            assert all(len(row) == 1 for row in choices), choices
        self.most_seen = max(self.most_seen, sum(len(row) for row in choices))
        where, text, before = self.here(), user.last_text(), await self.snapshot()
        replies = await user.sticker()
        assert len(replies) == 1 and self.here() == where
        lead = t("booking.phone.not_text") if where[0] == PHONE else t("booking.not_understood")
        answer = str(replies[0]["text"])
        assert answer.startswith(lead + "\n\n") and text.endswith(answer[len(lead) + 2 :])
        assert await self.snapshot() == before

    def children(self) -> list[tuple[str, str]]:
        """Every button on the screen, and typed answers where the screen asks for text."""
        state = self.state()
        assert state is not None
        taps = [("press", label) for label in self.user.buttons()]
        return taps + [("type", text) for text in TYPED.get(state, [])]

    def worth_expanding(self) -> bool:
        """Whether this screen's buttons are tapped (bounded per group)."""
        group = self.group()
        state = group[0]
        assert state is not None
        cap = PROXY_CAP if group[2] and state not in (WHO, PHONE, RESIDENT) else CAPS[state]
        if self.expanded[group] >= cap:
            return False
        self.expanded[group] += 1
        return True

    async def explore(self, path: list[tuple[str, str]]) -> None:
        """Tap every child of the screen ``path`` leads to, and explore the new screens."""
        parent = self.here()
        for action in self.children():
            if self.here() != parent:
                await self.replay(path)
                assert self.here() == parent, f"replaying {path} did not lead back"
            await self.act(action)
            state = self.state()
            if state is None:
                continue
            self.states[state] += 1
            key = (*self.here(), *self.group()[1:])
            if key in self.seen:
                continue
            self.seen.add(key)
            await self.check_screen()
            if self.worth_expanding():
                await self.explore([*path, action])


@pytest.mark.parametrize("elder", [True, False])
async def test_crawl_the_booking_flow(harness: BotHarness, services: Services, elder: bool) -> None:
    user = await person(harness, CRAWLER, phone=OWN_PHONE, name="巡查员", elder=elder)
    await person(harness, RESIDENT_TG, town="Q", name="李大爷", phone=RESIDENT_PHONE)
    full_day = slot_day(await slot_of(services.sessions, "d-activity", 2))
    starts, ends = day_bounds(full_day, services.settings.tz)
    async with services.sessions() as session, session.begin():  # a fully booked day
        room = await venue(services, "d-activity")
        await session.execute(
            update(Slot)
            .where(col(Slot.venue_id) == room.id)
            .where(col(Slot.starts_at) >= starts, col(Slot.starts_at) < ends)
            .values(taken=Slot.capacity)
        )
    crawler = Crawler(harness, services, user, elder=elder)
    t = crawler.t

    await user.send("/menu")
    start = ("press", user.button(t("menu.book")))
    await crawler.act(start)
    assert crawler.state() == KIND  # never booked for others: "what?" first
    await crawler.check_screen()
    await crawler.explore([start])

    reached = set(crawler.states)
    assert reached == {WHO, PHONE, RESIDENT, KIND, PLACE, DAY, SLOT, PARTY, CONFIRM, WAITLIST}
    assert crawler.booked >= 6  # every kind was booked once at least (then undone)
    assert len(crawler.seen) >= 60  # distinct screens checked (about 90 today)
    assert crawler.most_seen == crawler.most  # some screen is full: paging is what kept it so
