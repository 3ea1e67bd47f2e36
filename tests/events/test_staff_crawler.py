"""A crawler over the staff screens of joint events: from ``/eventadmin`` (the list, cards,
the cancel question, the details to change, copy, a new event's first question, each town's
quota and the question's answers) and from
``/checkin`` (today's events, roster pages, walk-ins, the ride list, the CSV files), every
inline button of every screen reached is tapped from a fresh start. Every screen ends in ⬅️
and 🏠, and a sticker on any of them is answered politely with nothing changed.

Taps that change something (publish, announce, cancel, a tick, a walk-in, no limit for a town,
removing an answer) are not followed by
the crawl but tried once each at the end, on screens checked the same way.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from bot.context import Services
from models.core.authz import Role
from models.core.outbox import OutboxMessage
from models.events import Event, EventStatus, Registration, WalkIn
from tests.booking.booking_staff_support import LANGS, staff
from tests.events.events_support import make_event, towns
from tests.events.staff_support import (
    event_today,
    inline_data,
    inline_labels,
    last,
    names_of_towns,
    options,
    sign_up,
)
from tests.harness import BotHarness, Message, SimUser

ADMIN_TG = 9641
CHANGES = ("evm:pub:", "evm:ann:", "evm:xx:", "evm:qn:", "evm:oxx:", "evd:r:", "evd:wp:")
LEAVES = ("evm:home", "evd:home")
OTHERS = ("ci:",)  # booking's own /checkin screens (its crawler covers them)
SAME_AS_START = {"/eventadmin": "evm:list:0"}  # a tap that shows the screen already shown


async def snapshot(services: Services) -> tuple[object, ...]:
    """What a stray sticker must not change: events, registrations, walk-ins, the outbox."""
    async with services.sessions() as session:
        events = await session.execute(
            select(col(Event.id), col(Event.status), col(Event.taken), col(Event.starts_at))
        )
        registrations = await session.execute(
            select(col(Registration.id), col(Registration.status), col(Registration.party_size))
        )
        walk_ins = await session.execute(select(func.count()).select_from(WalkIn))
        outbox = await session.execute(select(func.count()).select_from(OutboxMessage))
        return (
            sorted(events.all()),
            sorted(registrations.all()),
            walk_ins.scalar_one(),
            outbox.scalar_one(),
        )


class Crawl:
    """One staff member's crawl: screens seen, checked, and the taps found on them."""

    def __init__(self, harness: BotHarness, services: Services, user: SimUser, lang: str) -> None:
        self.harness, self.services, self.user = harness, services, user
        self.t = services.i18n.translator(lang)
        self.seen: set[str] = set()

    def screen(self) -> Message:
        """The bot's latest message as it reads now."""
        return last(self.user)

    async def check(self, data: str) -> list[str]:
        """⬅️ and 🏠 on the screen a tap led to; a sticker answered, nothing changed."""
        t, shown = self.t, self.screen()
        labels = inline_labels(shown) or self.user.buttons()
        assert t("nav.back") in labels and t("nav.home") in labels, (data, shown.get("text"))
        before = await snapshot(self.services)
        replies = await self.user.sticker()
        assert len(replies) == 1 and (replies[0].get("text") or "").strip(), (data, replies)
        assert await snapshot(self.services) == before, data
        return inline_data(shown)

    async def visit(self, start: str, data: str) -> list[str]:
        """From a fresh ``start`` command, tap ``data`` and check the screen it shows."""
        await self.user.send(start)
        shown, answered = self.screen(), len(self.user.state.callback_answers(self.user.id))
        before = (shown.get("text"), shown.get("reply_markup"))
        replies = await self.user.forge_tap(data)
        after = (self.screen().get("text"), self.screen().get("reply_markup"))
        alerts = [a for a in self.user.state.callback_answers(self.user.id)[answered:] if a["text"]]
        same = data == SAME_AS_START.get(start)
        assert replies or alerts or after != before or same, f"no answer to {data}"
        return await self.check(data)

    async def crawl(self, start: str, first: list[str]) -> None:
        """Every screen reachable from ``start`` through taps that change nothing."""
        todo = list(first)
        while todo:
            data = todo.pop()
            if data in self.seen or data.startswith((*CHANGES, *LEAVES, *OTHERS)):
                continue
            self.seen.add(data)
            found = await self.visit(start, data)
            todo += [d for d in found if d not in self.seen]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_no_dead_ends_in_the_staff_screens(
    harness: BotHarness, services: Services, lang: str
) -> None:
    await staff(services, ADMIN_TG, Role.ADMIN, "D", name="管理员老张", language=lang)
    today = await event_today(services, capacity=20)
    for n in range(4):  # 8 people: two roster pages
        await sign_up(services, today, 79_500 + 10 * n, ride=True)
    later = await make_event(services.sessions, code="later")
    draft = await make_event(services.sessions, code="draft")
    async with services.sessions() as session, session.begin():
        row = await session.get(Event, draft)
        assert row is not None
        row.status = EventStatus.DRAFT.value
    ride_stop = (await options(services, today))[0].id
    d_town = (await towns(services.sessions))["D"]
    user = harness.user(ADMIN_TG, language_code=LANGS[lang])
    crawl = Crawl(harness, services, user, lang)
    t = crawl.t

    await user.send("/eventadmin")
    await crawl.crawl("/eventadmin", await crawl.check("/eventadmin"))
    for e in (today, later, draft):
        expected = {f"evm:{a}:{e}" for a in ("e", "ed", "x", "cp")} | {f"evm:f:{e}:when"}
        assert expected <= crawl.seen, expected - crawl.seen
    assert "evm:new" in crawl.seen
    shares = {f"evm:{a}:{today}" for a in ("q", "o", "oa")}
    assert shares <= crawl.seen, shares - crawl.seen
    assert {d.rsplit(":", 1)[0] for d in crawl.seen if d.startswith("evm:o")} >= {
        f"evm:{a}:{today}" for a in ("oe", "or", "ox")
    }
    assert any(d.startswith(f"evm:qt:{today}:") for d in crawl.seen)

    await user.send("/checkin")
    await crawl.crawl(
        "/checkin", [d for d in await crawl.check("/checkin") if d.startswith("evd:")]
    )
    expected = {f"evd:e:{today}:{page}" for page in (0, 1)}
    expected |= {f"evd:w:{today}", f"evd:ride:{today}", f"evd:csv:{today}:0"}
    assert expected <= crawl.seen, expected - crawl.seen

    # The taps that change something, once each, on screens checked the same way.
    for start, data in (
        ("/eventadmin", f"evm:pub:{draft}"),
        ("/eventadmin", f"evm:ann:{later}"),
        ("/eventadmin", f"evm:xx:{later}"),
        ("/checkin", f"evd:wp:{today}:0:1"),
        ("/eventadmin", f"evm:oxx:{today}:{ride_stop}"),  # chosen: kept, said why
        ("/eventadmin", f"evm:qn:{today}:{d_town}"),
    ):
        await crawl.visit(start, data)
    assert (await snapshot(services))[0] != ()
    for leave in LEAVES:  # 🏠 leaves to the main menu
        await user.send("/eventadmin")
        await user.forge_tap(leave)
        assert user.buttons()[0] == "1. " + t("menu.book"), leave


async def test_a_question_left_open_does_not_swallow_another_screens_tap(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    await staff(services, ADMIN_TG, Role.ADMIN, "D", name="管理员老张")
    event_id = await make_event(services.sessions, ride=True)
    d_town = (await towns(services.sessions))["D"]
    town, free = (await names_of_towns(services, "zh_CN"))[d_town], t("events_staff.opt.no_limit")
    user = harness.user(ADMIN_TG, language_code="zh-hans")
    await user.send("/eventadmin")
    for data, asked in (
        (f"evm:f:{event_id}:capacity", t("events_staff.edit.ask.capacity")),
        (f"evm:qt:{event_id}:{d_town}", t("events_staff.quota.ask", town=town, now=free, taken=0)),
        (f"evm:f:{event_id}:party", t("events_staff.edit.ask.party")),
        (f"evm:oa:{event_id}", t("events_staff.option.ask_new")),
        ("evm:new", t("events_staff.ask.langs")),
        (f"evm:cp:{event_id}", t("events_staff.edit.ask.copy")),
    ):  # each tapped while the question before it still waits for its answer
        await user.forge_tap(data)  # an older screen's button
        assert user.last_text().startswith(asked), (data, user.last_text())
    await user.send("明天 10:00")  # the copy's answer reaches the copy
    assert user.last_text().startswith(t("events_staff.copied"))
