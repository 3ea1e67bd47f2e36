"""Natural words through the real Application: a canteen meal booked by typing, "明天" on the
day screen, "两个人", "好的", "算了", and plain requests at the main menu (issue 11, item 3)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.context import Services
from bot.i18n import Translator
from bot.timefmt import format_day
from models.booking import BookingStatus
from tests.booking.booking_support import local_today, slot_of
from tests.booking.test_booking_flow_helpers import (
    bookings,
    choose_slot,
    person,
    slot_day,
    town_name,
    tr,
    venue,
)
from tests.booking.test_my_bookings_support import book_slot, booking_row
from tests.harness import BotHarness

WEEKDAYS_ZH = "一二三四五六日"


def day_words(day: date) -> str:
    """What a resident types for a day at most a week away: 明天, 后天 or 周X."""
    ahead = (day - local_today()).days
    return {1: "明天", 2: "后天"}.get(ahead) or f"周{WEEKDAYS_ZH[day.weekday()]}"


async def test_a_canteen_meal_for_two_booked_with_typed_words(
    harness: BotHarness, services: Services
) -> None:
    t = tr(services, "zh_CN")
    user = await person(harness, 7101)
    slot = await slot_of(services.sessions, "d-canteen", 1)  # its first open day, within a week
    canteen = await venue(services, "d-canteen")

    await user.send("预约")  # a plain request at the main menu
    assert user.last_text() == t("booking.ask_kind")  # for herself, in her town: not asked
    await user.send("午饭")
    kind = t("booking.kind.canteen")
    place = await town_name(services, "D", "zh_CN")
    assert user.last_text() == t("booking.ask_day", kind=kind, place=place)
    await user.send(day_words(slot_day(slot)))
    words = format_day(slot_day(slot), "zh_CN")
    assert user.last_text() == t("booking.ask_slot", kind=kind, day=words)
    await choose_slot(user, t, slot, canteen.name("zh_CN"))
    await user.send("两个人")
    assert "2" in user.last_text() and t("booking.confirm.yes") in " ".join(user.buttons())
    await user.send("好的")

    [booking] = await bookings(services)
    assert (booking.slot_id, booking.party_size) == (slot.id, 2)
    assert booking.status == BookingStatus.CONFIRMED.value


@pytest.mark.parametrize(("lang", "typed"), [("zh_CN", "明天"), ("en", "tomorrow")])
async def test_tomorrow_typed_on_the_day_screen_is_tomorrow(
    harness: BotHarness, services: Services, lang: str, typed: str
) -> None:
    t = tr(services, lang)
    user = await person(harness, 7102, lang)
    await user.send("/book")
    await user.choose(t("booking.kind.canteen"))  # then the days of her own town

    said = await user.send(typed)

    tomorrow = format_day(local_today() + timedelta(days=1), lang)
    assert len(said) == 1 and tomorrow in said[0]["text"]  # its slots, or why there are none
    assert t("booking.not_understood") not in said[0]["text"]


async def test_sure_but_not_sure_asks_did_you_mean(harness: BotHarness, services: Services) -> None:
    t = tr(services, "zh_CN")
    user = await person(harness, 7103)
    await user.send("/book")
    kinds = user.buttons()

    await user.send("健康休检")  # 健康体检, mistyped
    assert user.last_text() == t("words.did_you_mean", choice=t("booking.kind.health_check"))
    assert user.buttons()[:2] == ["1. " + t("words.yes"), "2. " + t("words.no")]
    await user.send("不是")  # no: the same screen again
    assert user.last_text().endswith(t("booking.ask_kind")) and user.buttons() == kinds
    await user.send("健康休检")
    await user.send("是")  # yes: taken (then the days of her own town)
    place = await town_name(services, "D", "zh_CN")
    kind = t("booking.kind.health_check")
    assert user.last_text() == t("booking.ask_day", kind=kind, place=place)


async def _cancel_question(
    harness: BotHarness, services: Services, uid: int
) -> tuple[int, Translator]:
    """A booking, and its "sure you want to cancel?" screen open."""
    slot = await slot_of(services.sessions, "d-canteen", 3)
    booking = await book_slot(services, uid, slot.id or 0)
    user = harness.user(uid)
    await user.send("/mybookings")
    await user.send("1")
    await user.send("3")  # cancel …
    return booking.id or 0, tr(services, "zh_CN")


async def test_suanle_means_no_and_haode_never_cancels(
    harness: BotHarness, services: Services
) -> None:
    await person(harness, 7104)
    booking_id, t = await _cancel_question(harness, services, 7104)
    user = harness.user(7104)
    asked = user.buttons()

    await user.send("好的")  # agreeing words never pick a destructive choice
    assert (await booking_row(services, booking_id)).status == "confirmed"
    assert user.buttons() == asked
    await user.send("算了")  # no: keep it
    assert (await booking_row(services, booking_id)).status == "confirmed"
    assert t("mine.cancel.yes") not in " ".join(user.buttons())


@pytest.mark.parametrize(
    ("lang", "typed", "msgid"),
    [
        ("zh_CN", "你好", "words.greeting"),
        ("en", "hello", "words.greeting"),
        ("zh_CN", "预约", "booking.ask_kind"),
        ("en", "book", "booking.ask_kind"),
        ("zh_CN", "帮助", "help.text"),
    ],
)
async def test_plain_words_at_the_main_menu(
    harness: BotHarness, services: Services, lang: str, typed: str, msgid: str
) -> None:
    t = tr(services, lang)
    user = await person(harness, 7105, lang)
    await user.send(typed)
    assert user.last_text().startswith(t(msgid))
    if msgid == "words.greeting":
        assert user.buttons()[0] == "1. " + t("menu.book")


async def test_i_want_tomorrows_lunch_starts_the_canteen_booking(
    harness: BotHarness, services: Services
) -> None:
    user = await person(harness, 7106)
    await user.send("我想订明天的午饭")  # who, what, where and which day: all answered

    tomorrow = format_day(local_today() + timedelta(days=1), "zh_CN")
    assert tomorrow in user.last_text()  # tomorrow's slots, or why there are none
    assert await bookings(services) == []
