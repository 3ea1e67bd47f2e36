"""The joint events in the web chat: 王阿姨 registers for the border gathering with a companion
and a ride, gets the receipt (calendar file and QR code); after the event's end (the events
job run by the test with a later ``now``) Q town's admin, Emma, gets the closing report in
English in her own page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.async_api import BrowserContext, expect
from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from bot.demo import DemoStack
from jobs.events import tick_once
from jobs.rendering import render
from models.core.authz import scopes_of
from models.core.outbox import OutboxMessage
from models.core.people import Person, find_person
from models.events import Event, EventOption, Registration, RegStatus, check_in_code
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

RESIDENT, Q_ADMIN = 100001, 100008  # 王阿姨 (D town), Emma (Q town's admin, English)
GATHERING = "两镇交界老年联谊会"
PICKUP = "长江新村社区门口上车（8:00）"


async def test_resident_registers_with_a_companion_and_a_ride_and_the_admin_gets_the_report(
    context: BrowserContext, stack: DemoStack
) -> None:
    services = services_of(stack)
    t, en = services.i18n.translator("zh_CN"), services.i18n.translator("en")
    admin = await open_as(context, stack, Q_ADMIN)  # her page is open before the report comes
    page = await open_as(context, stack, RESIDENT)
    chat = panel(page, RESIDENT)
    await chat.get_by_role("button", name="开始").click()
    await bot_said(page, RESIDENT, t("onboarding.welcome_back.named", name="王阿姨"))

    await choose(page, RESIDENT, t("menu.events"))
    assert await choose_containing(page, RESIDENT, GATHERING)  # the first screen is the list
    details = await bot_said(page, RESIDENT, "两镇居民都欢迎")  # the bilingual description
    await expect(details).to_contain_text("无障碍卫生间")  # accessibility, then what to bring
    await expect(details).to_contain_text("身份证或社保卡")
    await choose(page, RESIDENT, t("events_resident.action.register"))
    await bot_said(page, RESIDENT, t("events_resident.ask_party.short"))  # elder mode: short
    await choose(page, RESIDENT, t.n("events_resident.party.many", 2, n=2))
    await bot_said(page, RESIDENT, t("events_resident.ask_choice", question="是否需要接送？"))
    await choose(page, RESIDENT, PICKUP)
    confirm = await bot_said(page, RESIDENT, t("events_resident.confirm.answer", answer=PICKUP))
    await expect(confirm).to_contain_text(GATHERING)
    await choose(page, RESIDENT, t("events_resident.confirm.yes"))

    async def registered() -> list[tuple[Registration, EventOption | None, Event]]:
        async with services.sessions() as session:
            query = (
                select(Registration, EventOption, Event)
                .join(Event, col(Event.id) == col(Registration.event_id))
                .outerjoin(EventOption, col(EventOption.id) == col(Registration.option_id))
                .where(col(Registration.person_id) == await _person(services, RESIDENT))
            )
            return [tuple(row) for row in (await session.execute(query)).all()]  # type: ignore[misc]

    [(registration, option, event)] = await eventually(registered)
    assert (event.code, registration.status, registration.party_size) == (
        "border-friendship",
        RegStatus.CONFIRMED.value,
        2,
    )
    assert option is not None and (option.label_zh, option.ride) == (PICKUP, True)
    assert option.pickup_at is not None and option.pickup_at < event.starts_at

    receipt = await bot_said(page, RESIDENT, t.n("events_resident.status.confirmed", 2, party=2))
    await expect(receipt).to_contain_text(GATHERING)
    calendar_message = chat.locator(".msg.bot.kind-document")
    await expect(calendar_message).to_contain_text(t("events_resident.ics"))
    calendar = calendar_message.get_by_role("link", name="打开这个文件")
    await expect(calendar).to_have_attribute("download", f"event-{registration.id}.ics")
    qr = chat.locator(".msg.bot.kind-photo img")
    await expect(qr).to_have_attribute("alt", t("events_resident.qr"))
    await expect(qr).not_to_have_js_property("naturalWidth", 0)  # a real, decodable QR code
    await bot_said(page, RESIDENT, t("events_resident.done"))
    await page.set_viewport_size({"width": 440, "height": 1500})  # the receipt and its files
    await receipt.evaluate("bubble => bubble.scrollIntoView({block: 'start'})")
    await shoot(page, "events-register", docs=True)

    # On the day her QR code is scanned at the door (by Emma: Q town hosts), and the event
    # ends: the test runs the events job as if it were an hour later. The bot has no way to
    # move its clock; a visitor's demo waits for the real end (docs/try-it.md).
    emma = await _person(services, Q_ADMIN)
    async with services.sessions() as session, session.begin():
        staff = await session.get(Person, emma)
        assert staff is not None
        scopes = await scopes_of(session, staff, services.settings.admin_ids)
        await check_in_code(
            session, code=registration.code, staff=staff, scopes=scopes,
            now=event.starts_at + timedelta(minutes=5),
        )  # fmt: skip
    counts = await tick_once(services, now=event.ends_at + timedelta(hours=1))
    assert (counts["closed"], counts["no_shows"]) == (1, 0)
    async with services.sessions() as session:
        prefix = f"event:{event.id}:report:"
        query = select(OutboxMessage).where(col(OutboxMessage.dedupe_key).startswith(prefix))
        [row] = (await session.execute(query)).scalars().all()  # Q hosts alone: its admin only
    assert row.person_id == emma
    [part] = render(row.payload, en, None, language="en", tz=services.settings.tz)
    assert part.text is not None
    for line in ("Signed up: 2", "Came: 2", "Did not come: 0", "from the other town: 2"):
        assert line in part.text  # her party of two, from D town, counted
    report = await bot_said(admin, Q_ADMIN, "Border friendship gathering for seniors")
    await expect(report.locator(".text")).to_have_text(part.text)
    await shoot(admin, "events-closing-report", docs=True)
    async with services.sessions() as session:
        closed = await session.get(Event, event.id)
    assert closed is not None and closed.closed_at is not None
    thanks = t("events.rating.ask", event=GATHERING).split("\n")[0]
    await bot_said(page, RESIDENT, thanks)  # and she is asked how it was


async def _person(services: Services, tg_id: int) -> int:
    """A demo person's id."""
    async with services.sessions() as session:
        person = await find_person(session, tg_id)
    assert person is not None and person.id is not None
    return person.id
