"""Every booking screen: unexpected input re-prompts and changes nothing; ⬅️ and 🏠 work;
a double tap of confirm books once; a full slot offers the waitlist."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import update
from sqlmodel import col

from bot.context import Services
from bot.i18n import Translator
from bot.timefmt import format_day
from models.booking import Slot, WaitlistEntry, WaitStatus
from tests.booking.booking_support import slot_of
from tests.booking.test_booking_flow_helpers import (
    bookings,
    choose_day,
    choose_paged,
    choose_slot,
    count,
    nav_ok,
    person,
    slot_day,
    taken,
    tr,
    venue,
)
from tests.harness import BotHarness, Message, SimUser

RESIDENT_PHONE = "13911112222"
SCREENS = ["who", "phone", "resident", "kind", "place", "day", "slot", "party", "confirm", "wait"]
BAD_INPUT: dict[str, Callable[[SimUser], Awaitable[list[Message]]]] = {
    "sticker": lambda u: u.sticker(),
    "photo": lambda u: u.photo(),
    "five_thousand_chars": lambda u: u.send("长" * 5000),
    "emoji": lambda u: u.send("🙂"),
    "free_text": lambda u: u.send("我想明天去"),
}


async def reach(
    harness: BotHarness, services: Services, user: SimUser, t: Translator, screen: str
) -> Slot:
    """Walk to a screen (canteen, D town, three days ahead); returns the slot used."""
    slot = await slot_of(services.sessions, "d-canteen", 3)
    await fill(services, slot, 0)
    await user.send("/book")  # never booked for others: "what?" first, "for someone else" last
    if screen in ("who", "phone", "resident"):
        await choose_paged(user, t, t("booking.kind.proxy"))
        if screen == "who":  # ⬅️ from the phone question: "for whom?"
            await user.press(t("nav.back"))
        if screen == "resident":
            await person(harness, 5399, phone=RESIDENT_PHONE, name="李大爷")
            await user.send(RESIDENT_PHONE)
        return slot
    steps = SCREENS[SCREENS.index("kind") : SCREENS.index(screen)]
    for step in steps:
        if step == "kind":
            await user.choose(t("booking.kind.canteen"))
            if screen == "place":  # her own town went without saying: ⬅️ is "where?"
                await user.press(t("nav.back"))
        elif step == "place":
            pass  # the day question comes at once (her own town)
        elif step == "day":
            await choose_day(user, t, slot_day(slot))
        elif step == "slot":
            await choose_slot(user, t, slot, (await venue(services, "d-canteen")).name(t.language))
        elif step == "party":
            await user.choose(t.n("booking.party.many", 2, n=2))
        elif step == "confirm":
            await fill(services, slot, Slot.capacity - 1)  # one seat left: not enough for two
            await user.choose(t("booking.confirm.yes"))
    return slot


async def fill(services: Services, slot: Slot, seats: object) -> None:
    """Set how many seats of the slot are taken."""
    async with services.sessions() as session, session.begin():
        await session.execute(update(Slot).where(col(Slot.id) == slot.id).values(taken=seats))


@pytest.mark.parametrize("screen", SCREENS)
async def test_unexpected_input_re_prompts_and_changes_nothing(
    harness: BotHarness, services: Services, screen: str
) -> None:
    lang = "en" if SCREENS.index(screen) % 2 else "zh_CN"
    user, t = await person(harness, 5301, lang), tr(services, lang)
    slot = await reach(harness, services, user, t, screen)
    prompt, keyboard = user.last_text(), user.keyboard()
    if screen == "wait":
        prompt = prompt.split("\n\n", 1)[1]
    assert nav_ok(user, t)
    seats, entries = await taken(services, slot.id or 0), await count(services, WaitlistEntry)

    for bad, send in BAD_INPUT.items():
        replies = await send(user)

        assert len(replies) == 1, bad
        if screen == "phone" and bad in ("sticker", "photo"):
            first = t("booking.phone.not_text")
        elif screen == "phone":
            first = t("proxy.error.not_found")
        else:
            first = t("booking.not_understood")
        assert replies[0]["text"] == first + "\n\n" + prompt, bad
        assert user.keyboard() == keyboard, bad
        assert await bookings(services) == [], bad
        assert await taken(services, slot.id or 0) == seats, bad
        assert await count(services, WaitlistEntry) == entries, bad


BACK_TO = {
    "phone": "who",
    "resident": "phone",
    "kind": "home",  # "for whom?" was never asked (she has not booked for others)
    "place": "kind",
    "day": "place",
    "slot": "day",
    "party": "slot",
    "confirm": "party",
    "wait": "slot",
}


@pytest.mark.parametrize("screen", SCREENS)
async def test_back_and_main_menu_on_every_screen(
    harness: BotHarness, services: Services, screen: str
) -> None:
    lang = "zh_CN" if SCREENS.index(screen) % 2 else "en"
    user, t = await person(harness, 5302, lang), tr(services, lang)
    prompts: dict[str, str] = {}
    for earlier in SCREENS[: SCREENS.index(screen) + 1]:
        if earlier in BACK_TO.values() or earlier == screen:
            await reach(harness, services, user, t, earlier)
            prompts[earlier] = user.last_text().split("\n\n")[-1]
    await reach(harness, services, user, t, screen)

    await user.choose(t("nav.back"))
    if screen in ("who", "kind"):
        assert user.last_text() == t("home.prompt")
    else:
        assert user.last_text().split("\n\n")[-1] == prompts[BACK_TO[screen]]
        assert nav_ok(user, t)

    await reach(harness, services, user, t, screen)
    await user.choose(t("nav.home"))
    assert user.last_text() == t("home.prompt")
    assert user.buttons()[0] == "1. " + t("menu.book")
    assert await bookings(services) == []
    await user.send("1")  # the main menu's 1 again: booking starts over
    assert user.last_text() == t("booking.ask_kind")


async def test_double_tap_of_confirm_books_once(harness: BotHarness, services: Services) -> None:
    user, t = await person(harness, 5303), tr(services, "zh_CN")
    slot = await reach(harness, services, user, t, "confirm")
    label = user.button(t("booking.confirm.yes"))

    first = await user.press(label)
    second = await user.send(label)  # the same button's message again, after the receipt

    assert [m["kind"] for m in first] == ["text", "document", "photo", "text"]
    [booking] = await bookings(services)
    assert second == [second[0]]
    assert second[0]["text"] == t("booking.already_booked", id=booking.id)
    assert await taken(services, slot.id or 0) == 2


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_simultaneous_double_tap_books_once(
    harness: BotHarness, services: Services, lang: str
) -> None:
    user, t = await person(harness, 5304, lang), tr(services, lang)
    slot = await reach(harness, services, user, t, "confirm")
    label = user.button(t("booking.confirm.yes"))
    mark = user._mark()

    await asyncio.gather(user.press(label), user.press(label))

    messages = user.state.messages(user.id, since=mark)
    [booking] = await bookings(services)
    assert [m["kind"] for m in messages].count("document") == 1  # one receipt
    texts = [m["text"] for m in messages]
    assert t("booking.already_booked", id=booking.id) in texts
    assert await taken(services, slot.id or 0) == 2


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_slot_filled_meanwhile_offers_the_waitlist(
    harness: BotHarness, services: Services, lang: str
) -> None:
    user, t = await person(harness, 5305, lang), tr(services, lang)
    slot = await reach(harness, services, user, t, "wait")
    assert user.last_text() == t("booking.error.full") + "\n\n" + t("booking.ask_waitlist")
    assert await bookings(services) == []

    await user.choose(t("booking.waitlist.join"))

    assert user.last_text() == t("booking.waitlist.joined", position=1)
    assert user.buttons()[0] == "1. " + t("menu.book")
    async with services.sessions() as session:
        [entry] = (await session.execute(WaitlistEntry.__table__.select())).all()  # type: ignore[attr-defined]
    assert (entry.slot_id, entry.party_size, entry.status) == (slot.id, 2, WaitStatus.WAITING.value)
    assert await bookings(services) == []


async def test_no_thanks_to_the_waitlist_goes_back_to_the_slots(
    harness: BotHarness, services: Services
) -> None:
    user, t = await person(harness, 5306), tr(services, "zh_CN")
    await reach(harness, services, user, t, "wait")
    slot_screen = user.state.messages(user.id)[-4]["text"]  # before the day's slot was picked
    await user.choose(t("booking.waitlist.skip"))
    assert user.last_text() == slot_screen
    assert await count(services, WaitlistEntry) == 0


def full_mark(t: Translator) -> str:
    """The end of a full slot's label: "（已满，可候补）"."""
    return t("booking.slot.full_label", time="", venue="", centre="").rsplit(" ", 1)[-1].lstrip("·")


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_a_day_fully_booked_lists_its_slots_for_the_waitlist(
    harness: BotHarness, services: Services, lang: str
) -> None:
    user, t = await person(harness, 5307, lang), tr(services, lang)
    slot = await slot_of(services.sessions, "d-mediation", 3)
    day = slot_day(slot)
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(Slot).where(col(Slot.venue_id) == slot.venue_id).values(taken=Slot.capacity)
        )
    await user.send("/book")  # "for whom?" and "where?" (her own town) go without saying
    await user.choose(t("booking.kind.mediation_room"))
    await choose_day(user, t, day)
    kind = t("booking.kind.mediation_room")
    assert user.last_text() == t("booking.ask_slot.full", kind=kind, day=format_day(day, lang))
    mediation = (await venue(services, "d-mediation")).name(lang)
    labels = user.buttons()[:-2]
    assert len(labels) == 6  # 9–12 and 14–17, hourly
    assert all(mediation in b and b.endswith(full_mark(t)) for b in labels)
    await choose_slot(user, t, slot, mediation)
    assert user.last_text() == t("booking.error.full") + "\n\n" + t("booking.ask_waitlist")
    await user.choose(t("booking.waitlist.join"))
    assert user.last_text() == t("booking.waitlist.joined", position=1)
    assert await bookings(services) == []
