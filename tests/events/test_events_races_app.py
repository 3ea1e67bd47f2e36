"""Races through the real Application, on SQLite and PostgreSQL: 200 residents confirming at
once for 50 places with 25/25 town quotas, a double tap of the confirm, and a freed place's
accept racing its cancel by the resident's proxy.

As in booking's ``test_booking_concurrency_app``, one walker per language goes to the confirm
screen and everyone else is put on that screen by copying the walker's conversation state and
draft; then every confirmation is fed at once (``asyncio.gather`` over the updates, so the
handlers really overlap) and the database decides.
"""

from __future__ import annotations

import asyncio
from copy import deepcopy

from sqlalchemy import update
from sqlmodel import col, select
from telegram.ext import ConversationHandler

from bot.context import Services
from handlers.kit import conversation_state, set_conversation_state
from models.booking import ProxyConsent
from models.core.people import Person
from models.events import (
    Event,
    EventQuota,
    RegStatus,
    cancel_registration,
    register,
    waiting_position,
)
from tests.events.events_support import make_event, people, person, towns
from tests.events.resident_support import (
    NAME,
    delivered,
    register_tg,
    registrations,
    resident,
    texts,
    tr,
)
from tests.harness import BotHarness, SimUser

FIRST_TG = 82_000
LANG_CODE = {"zh_CN": "zh-hans", "en": "en"}
UI_KEYS = ("draft", "shown")  # where the kit keeps a flow's draft and its screen's choices
RECEIPT = ["text", "document", "photo", "text"]  # receipt, .ics, QR code, "all done"


def lang_of(i: int) -> str:
    """Residents 0, 1 speak Chinese, 2, 3 English, and so on (both towns in both languages)."""
    return "zh_CN" if i % 4 < 2 else "en"


def flow(harness: BotHarness) -> ConversationHandler:  # type: ignore[type-arg]
    """The residents' events conversation."""
    assert harness.app is not None
    [found] = [
        h for h in harness.app.handlers[0]
        if isinstance(h, ConversationHandler) and h.name == "events"
    ]  # fmt: skip
    return found


async def residents(services: Services, count: int) -> list[int]:
    """``count`` residents, alternately of D and Q town, in the languages of ``lang_of``."""
    half = count // 2
    d_town = await people(services.sessions, "D", FIRST_TG, half)
    q_town = await people(services.sessions, "Q", FIRST_TG + half, half)
    everyone = [p for pair in zip(d_town, q_town, strict=True) for p in pair]
    async with services.sessions() as session, session.begin():
        english = [p for i, p in enumerate(everyone) if lang_of(i) == "en"]
        await session.execute(
            update(Person).where(col(Person.id).in_(english)).values(language="en")
        )
    return everyone


async def tg_of(services: Services, person_ids: list[int]) -> list[int]:
    """The Telegram ids of the people, in the same order."""
    async with services.sessions() as session:
        rows = await session.execute(select(Person.id, Person.tg_user_id))
        by_id = {pid: tg for pid, tg in rows.all()}
    return [int(by_id[p] or 0) for p in person_ids]


async def tg_people(services: Services, *tgs: int) -> dict[int, int]:
    """Person ids by Telegram id."""
    async with services.sessions() as session:
        rows = await session.execute(
            select(Person.tg_user_id, Person.id).where(col(Person.tg_user_id).in_(tgs))
        )
        return {int(tg or 0): int(pid or 0) for tg, pid in rows.all()}


async def to_confirm(harness: BotHarness, services: Services, tg: int, lang: str) -> SimUser:
    """Walk one resident from the main menu to the event's confirm screen."""
    t = tr(services, lang)
    user = harness.user(tg, language_code=LANG_CODE[lang])
    await user.send("/menu")
    await user.choose(t("menu.events"))
    await user.choose(NAME[lang])
    await user.choose(t("events_resident.action.register"))  # one person only: no party step
    assert user.buttons()[0] == "1. " + t("events_resident.confirm.yes"), user.last_text()
    return user


def clone(harness: BotHarness, walker: SimUser, tg: int, lang: str) -> SimUser:
    """Another resident on the walker's confirm screen: same conversation state, same draft."""
    app, events = harness.app, flow(harness)
    assert app is not None
    state = conversation_state(events, walker.id, walker.id)
    assert state is not None, "the walker has no events screen open"
    set_conversation_state(events, tg, tg, state)
    for key in UI_KEYS:
        app._user_data[tg][key] = deepcopy(app.user_data[walker.id][key])
    return harness.user(tg, language_code=LANG_CODE[lang])


async def test_200_residents_confirming_at_once_fill_both_quotas_and_line_up_the_rest(
    harness: BotHarness, services: Services
) -> None:
    event_id = await make_event(
        services.sessions, capacity=50, quotas={"D": 25, "Q": 25}, max_party=1
    )
    everyone = await residents(services, 200)
    tgs = await tg_of(services, everyone)
    walkers = {lang_of(i): await to_confirm(harness, services, tgs[i], lang_of(i)) for i in (0, 2)}
    users = [
        walkers[lang_of(i)]
        if tg == walkers[lang_of(i)].id
        else clone(harness, walkers[lang_of(i)], tg, lang_of(i))
        for i, tg in enumerate(tgs)
    ]
    marks = [u._mark() for u in users]
    label = {lang: w.buttons()[0] for lang, w in walkers.items()}

    await asyncio.gather(*(u.send(label[lang_of(i)]) for i, u in enumerate(users)))

    ids = await towns(services.sessions)
    rows = {r.person_id: r for r in await registrations(services)}
    assert len(rows) == 200  # one registration each, nobody lost
    confirmed = [r for r in rows.values() if r.status == RegStatus.CONFIRMED.value]
    waiting = sorted(
        (r for r in rows.values() if r.status == RegStatus.WAITLISTED.value),
        key=lambda r: r.id or 0,
    )
    assert sum(r.town_id == ids["D"] for r in confirmed) == 25
    assert sum(r.town_id == ids["Q"] for r in confirmed) == 25
    assert len(waiting) == 150
    async with services.sessions() as session:
        event = await session.get(Event, event_id)
        quotas = (
            await session.execute(select(EventQuota).where(col(EventQuota.event_id) == event_id))
        ).scalars()
        assert event is not None and event.taken == 50 and {q.taken for q in quotas} == {25}
        # The line is the arrival order (the rows' order): 1 … 150, nobody twice.
        position = {r.person_id: await waiting_position(session, r) for r in waiting}
    assert [position[r.person_id] for r in waiting] == list(range(1, 151))

    for i, (user, mark) in enumerate(zip(users, marks, strict=True)):
        t, row = tr(services, lang_of(i)), rows[everyone[i]]
        replies = user.state.messages(user.id, since=mark)
        if row.status == RegStatus.CONFIRMED.value:
            assert [m["kind"] for m in replies] == RECEIPT, texts(replies)
            assert t.n("events_resident.status.confirmed", 1, party=1) in texts(replies)[0]
            continue
        # Lined up: the receipt says so (no calendar file, no QR code) and where they stand.
        assert [m["kind"] for m in replies] == ["text", "text"], texts(replies)
        words = t.n("events_resident.status.waiting", 1, party=1, position=position[row.person_id])
        assert words in texts(replies)[0], (texts(replies)[0], position[row.person_id])
        assert texts(replies)[1] == t("events_resident.done")


async def test_a_double_tap_of_the_confirm_makes_one_registration_and_one_receipt(
    harness: BotHarness, services: Services
) -> None:
    event_id = await make_event(services.sessions, capacity=5, max_party=1)
    await resident(harness, services, 8301)
    user = await to_confirm(harness, services, 8301, "zh_CN")
    mark, label = user._mark(), user.buttons()[0]

    await asyncio.gather(user.send(label), user.send(label))

    [made] = await registrations(services)
    assert (made.event_id, made.status) == (event_id, RegStatus.CONFIRMED.value)
    replies = user.state.messages(user.id, since=mark)
    kinds = [m["kind"] for m in replies]
    assert kinds.count("photo") == 1 and kinds.count("document") == 1, texts(replies)
    async with services.sessions() as session:
        event = await session.get(Event, event_id)
    assert event is not None and event.taken == 1


async def _at_the_offer(harness: BotHarness, services: Services, tg: int) -> SimUser:
    """The proxy, looking at the resident's offered place in my events (accept / turn down)."""
    t = tr(services, "zh_CN")
    proxy = harness.user(tg, language_code="zh-hans")
    await proxy.send("/myevents")
    await proxy.choose(NAME["zh_CN"])
    assert proxy.buttons()[:2] == [
        "1. " + t("events_resident.one.accept"),
        "2. " + t("events_resident.one.decline"),
    ], proxy.buttons()
    return proxy


async def test_accepting_an_offer_while_the_proxy_turns_it_down_lets_exactly_one_win(
    harness: BotHarness, services: Services
) -> None:
    t = tr(services, "zh_CN")
    event_id = await make_event(services.sessions, capacity=1, quotas={"D": 1}, max_party=1)
    await resident(harness, services, 8311, name="李叔叔")
    user = await resident(harness, services, 8312, name="王阿姨")
    await resident(harness, services, 8313, name="小王")
    by_tg = await tg_people(services, 8311, 8312, 8313)
    async with services.sessions() as session, session.begin():
        session.add(ProxyConsent(resident_id=by_tg[8312], proxy_id=by_tg[8313]))
    first = await register_tg(services, 8311, event_id)
    async with services.sessions() as session, session.begin():  # 小王 signs 王阿姨 up: line
        made = await register(
            session, person=await person(session, by_tg[8312]), event_id=event_id,
            booked_by=await person(session, by_tg[8313]),
        )  # fmt: skip
    assert made.registration.status == RegStatus.WAITLISTED.value
    async with services.sessions() as session, session.begin():  # her place goes to 王阿姨
        await cancel_registration(
            session, registration_id=first.id or 0, person=await person(session, by_tg[8311])
        )
    await delivered(harness, 8312)
    proxy = await _at_the_offer(harness, services, 8313)
    accept = "1. " + t("events.button.accept")
    assert user.buttons()[0] == accept, user.last_text()
    decline = "2. " + t("events_resident.one.decline")
    user_mark, proxy_mark = user._mark(), proxy._mark()

    await asyncio.gather(user.press(accept), proxy.press(decline))

    [_, final] = await registrations(services)
    async with services.sessions() as session:
        event = await session.get(Event, event_id)
        [quota] = (
            await session.execute(select(EventQuota).where(col(EventQuota.event_id) == event_id))
        ).scalars()
    assert event is not None
    to_user = texts(user.state.messages(user.id, since=user_mark))
    to_proxy = texts(proxy.state.messages(proxy.id, since=proxy_mark))
    accepted = len(to_user) == len(RECEIPT) and to_user[-1] == t("events_resident.done")
    declined = to_proxy == [t("events_resident.offer.declined")]
    assert accepted != declined, (to_user, to_proxy)  # exactly one wins
    if accepted:  # the place is hers; the proxy hears the offer is gone, or (read after the
        # accept) that the sign-up changed, with it confirmed
        assert final.status == RegStatus.CONFIRMED.value and event.taken == quota.taken == 1
        [shown] = to_proxy
        changed = shown.startswith(t("events_resident.mine.gone"))
        assert changed or shown.startswith(t("events.error.offer_gone")), shown
        if changed:
            assert t.n("events_resident.status.confirmed", 1, party=1) in shown
    else:  # turned down: nothing held, nobody else waiting; she hears the offer is gone
        assert final.status == RegStatus.CANCELLED.value and event.taken == quota.taken == 0
        assert to_user and to_user[0].startswith(t("events.error.offer_gone")), to_user
