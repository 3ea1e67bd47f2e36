"""A resident books a canteen slot in the web chat by clicking, and gets the receipt files."""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext, expect
from sqlalchemy import select
from sqlmodel import col

from bot.demo import DemoStack
from bot.timefmt import format_day
from models.booking.bookings import Booking, BookingStatus
from models.core.people import find_person
from tests.booking.booking_support import slot_of
from tests.booking.test_booking_flow_helpers import slot_day, slot_words, venue
from tests.browser.support import (
    bot_said,
    choose,
    choose_containing,
    eventually,
    open_as,
    panel,
    shoot,
)
from tests.browser.test_webchat_onboarding import services_of

pytestmark = pytest.mark.browser

RESIDENT = 100001


async def test_resident_books_a_canteen_slot_by_clicking(
    context: BrowserContext, stack: DemoStack
) -> None:
    services = services_of(stack)
    t = services.i18n.translator("zh_CN")
    slot = await slot_of(services.sessions, "d-canteen", 3, index=1)
    canteen = (await venue(services, "d-canteen")).name("zh_CN")
    page = await open_as(context, stack, RESIDENT)
    chat = panel(page, RESIDENT)
    await chat.get_by_role("button", name="开始").click()
    await bot_said(page, RESIDENT, t("onboarding.welcome_back.named", name="王阿姨"))

    await choose(page, RESIDENT, t("menu.book"))  # no "for whom?": she never booked for others
    kind = t("booking.kind.canteen")
    await choose(page, RESIDENT, kind)  # no "where?": her own town goes without saying
    await bot_said(page, RESIDENT, t("booking.ask_day", kind=kind, place="崇明区D镇"))
    day = format_day(slot_day(slot), "zh_CN", short=True)
    for _ in range(4):  # page through the days until the slot's day is offered
        if await choose_containing(page, RESIDENT, day):
            break
        await choose(page, RESIDENT, t("booking.day.more"))
    day_words = format_day(slot_day(slot), "zh_CN")
    await bot_said(page, RESIDENT, t("booking.ask_slot", kind=kind, day=day_words))
    for _ in range(4):
        if await choose_containing(page, RESIDENT, slot_words(slot), canteen):
            break
        await choose(page, RESIDENT, t("nav.more"))
    await bot_said(page, RESIDENT, t("booking.ask_party.short"))  # elder mode: the question alone
    await choose(page, RESIDENT, t.n("booking.party.many", 2, n=2))
    await shoot(page, "booking-confirm", docs=True)
    await choose(page, RESIDENT, t("booking.confirm.yes"))

    async def booked() -> list[Booking]:
        async with services.sessions() as session:
            person = await find_person(session, RESIDENT)
            assert person is not None
            query = select(Booking).where(col(Booking.person_id) == person.id)
            return list((await session.execute(query)).scalars())

    [booking] = await eventually(booked)
    assert booking.status == BookingStatus.CONFIRMED.value
    assert (booking.slot_id, booking.party_size) == (slot.id, 2)
    receipt = await bot_said(page, RESIDENT, f"#{booking.id}")
    await expect(receipt).to_contain_text(canteen)
    calendar = chat.get_by_role("link", name=f"下载 booking-{booking.id}.ics")
    await expect(calendar).to_be_visible()
    qr = chat.locator(".msg.bot.kind-photo img")
    await expect(qr).to_have_attribute("alt", t("booking.qr"))
    await expect(qr).not_to_have_js_property("naturalWidth", 0)  # a real, decodable QR code
    await bot_said(page, RESIDENT, t("home.prompt"))
    await shoot(page, "booking-receipt")
