"""Registering for a joint event from the main menu: five taps at most for an event without
a question; the receipt (text, calendar file, QR code); the event's question; lining up when
the town has no places; in both languages."""

from __future__ import annotations

import pytest

from bot.context import Services
from models.events import RegStatus
from tests.events.resident_support import (
    NAME,
    Counted,
    event,
    register_tg,
    registrations,
    resident,
    texts,
    tr,
)
from tests.harness import BotHarness


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("elder", [True, False])
async def test_main_menu_to_a_confirmed_registration_takes_five_taps(
    harness: BotHarness, services: Services, lang: str, elder: bool
) -> None:
    t = tr(services, lang)
    user = await resident(harness, services, 7301, lang, elder_mode=elder)
    event_id = await event(services)
    me = Counted(user)

    await me.choose(t("menu.events"))
    assert user.buttons()[0].startswith("1. ") and NAME[lang] in user.buttons()[0]
    await me.choose(NAME[lang])
    assert t.n("events_resident.places.left", 50, left=50) in user.last_text()
    await me.choose(t("events_resident.action.register"))
    await me.choose(t.n("events_resident.party.many", 2, n=2))
    replies = await me.choose(t("events_resident.confirm.yes"))

    [made] = await registrations(services)
    assert (made.event_id, made.party_size, made.status) == (event_id, 2, "confirmed")
    assert me.taps <= 5, me.taps
    assert [m["kind"] for m in replies] == ["text", "document", "photo", "text"]
    receipt, ics, qr, done = replies
    assert (
        NAME[lang] in receipt["text"]
        and t.n("events_resident.status.confirmed", 2, party=2) in receipt["text"]
    )
    assert ics["file"]["file_name"] == f"event-{made.id}.ics"
    assert ics["caption"] == t("events_resident.ics")
    assert qr["caption"] == t("events_resident.qr")
    assert done["text"] == t("events_resident.done")
    assert user.buttons()[0] == "1. " + t("menu.book")  # the main menu again

    again = await user.send("/events")  # registered: the details say so, nothing twice
    assert again
    await user.choose(NAME[lang])
    assert t.n("events_resident.status.confirmed", 2, party=2) in user.last_text()
    assert t("events_resident.action.mine") in user.buttons()[0]
    assert len(await registrations(services)) == 1


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_the_ride_question_is_asked_and_kept(
    harness: BotHarness, services: Services, lang: str
) -> None:
    t = tr(services, lang)
    user = await resident(harness, services, 7302, lang)
    await event(services, ride=True, max_party=1)

    await user.choose(t("menu.events"))
    await user.choose(NAME[lang])
    await user.choose(t("events_resident.action.register"))  # only one may come: no party step
    stop = "长江新村站" if lang == "zh_CN" else "Changjiang stop"
    assert any(stop in b for b in user.buttons())
    sticker = await user.sticker()  # not an answer: asked again, nothing kept
    assert texts(sticker)[0].startswith(t("events_resident.not_understood"))
    await user.choose(stop)
    assert t("events_resident.confirm.answer", answer=stop).strip() in user.last_text()
    sent = await user.choose(t("events_resident.confirm.yes"))

    [made] = await registrations(services)
    assert made.status == "confirmed" and made.option_id is not None
    receipt = next(text for text in texts(sent) if "🕘" in text)
    ride = next(line for line in receipt.splitlines() if line.startswith("🚐"))
    assert stop in ride  # the receipt says where (and when) to wait for the ride


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_a_full_town_offers_the_line_and_says_where_one_stands(
    harness: BotHarness, services: Services, lang: str
) -> None:
    t = tr(services, lang)
    first = await resident(harness, services, 7303, lang, name="李叔叔")
    assert first
    event_id = await event(services, capacity=10, quotas={"D": 1, "Q": 9})
    await register_tg(services, 7303, event_id)  # D town's one place
    user = await resident(harness, services, 7304, lang)

    await user.choose(t("menu.events"))
    await user.choose(NAME[lang])
    assert t("events_resident.places.full") in user.last_text()
    await user.choose(t("events_resident.action.line_up"))
    await user.choose(t("events_resident.party.one"))
    assert t("events_resident.line_up.yes") in " ".join(user.buttons())
    replies = await user.choose(t("events_resident.line_up.yes"))

    mine = (await registrations(services))[-1]
    assert mine.status == RegStatus.WAITLISTED.value
    waiting = t.n("events_resident.status.waiting", 1, party=1, position=1)
    assert waiting in texts(replies)[0]
    assert [m["kind"] for m in replies] == ["text", "text"]  # no QR code without a place
