"""Voice notes (issue 11, item 4): a kind answer and the same screen when nothing recognises
them; through the speech-recognition seam, recognised words count as typed."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.context import Services
from bot.timefmt import format_day
from models.core.people import Person
from models.core.speech import VoiceNote
from tests.booking.booking_support import local_today
from tests.booking.test_booking_flow_helpers import bookings, person, town_name, tr
from tests.harness import BotHarness


class Hears:
    """A recogniser that hears the same words every time (and remembers what it was sent)."""

    def __init__(self, words: str | None) -> None:
        self.words = words
        self.heard: list[VoiceNote] = []

    async def recognise(self, voice: VoiceNote) -> str | None:
        self.heard.append(voice)
        return self.words


async def _name(services: Services, uid: int) -> str | None:
    async with services.sessions() as session:
        found = await session.execute(select(Person).where(Person.tg_user_id == uid))
        return found.scalar_one().display_name


async def test_voice_on_a_choice_screen_gets_a_kind_answer_and_the_same_screen(
    harness: BotHarness, services: Services
) -> None:
    t = tr(services, "zh_CN")
    user = await person(harness, 7201)
    await user.send("/book")  # "what?" (never booked for anyone else: "for whom?" is skipped)
    asked, keyboard = user.last_text(), user.keyboard()

    said = await user.voice()

    assert [m["text"] for m in said] == [t("words.voice.choose") + "\n\n" + asked]
    assert "没有看懂" not in said[0]["text"]
    assert user.keyboard() == keyboard
    await user.choose(t("booking.kind.canteen"))  # the screen still answers
    place = await town_name(services, "D", "zh_CN")  # her own town goes without saying
    assert user.last_text() == t("booking.ask_day", kind=t("booking.kind.canteen"), place=place)
    assert await bookings(services) == []


async def test_voice_at_the_main_menu_gets_a_kind_answer(
    harness: BotHarness, services: Services
) -> None:
    t = tr(services, "en")
    user = await person(harness, 7202, "en")
    said = await user.voice()
    assert said[0]["text"].startswith(t("words.voice.choose"))
    assert user.buttons()[0] == "1. " + t("menu.book")


async def test_recognised_words_count_as_typed(harness: BotHarness, services: Services) -> None:
    t = tr(services, "zh_CN")
    user = await person(harness, 7203)
    kind, place = t("booking.kind.canteen"), await town_name(services, "D", "zh_CN")
    services.speech = Hears("3")
    await user.send("/book")
    await user.voice()  # "3": the canteen
    assert user.last_text() == t("booking.ask_day", kind=kind, place=place)
    services.speech = Hears("吃午饭")
    await user.send("/book")
    await user.voice()
    assert user.last_text() == t("booking.ask_day", kind=kind, place=place)
    hears = Hears("明天")
    services.speech = hears
    said = await user.voice()
    assert t("booking.not_understood") not in said[0]["text"]
    tomorrow = format_day(local_today() + timedelta(days=1), "zh_CN")
    assert tomorrow in said[0]["text"]  # tomorrow's slots, or why there are none
    assert hears.heard[0].language == "zh_CN" and hears.heard[0].file_id
    assert await hears.heard[0].fetch() == b"OggS-fake-voice"  # the recogniser can fetch it


async def test_voice_at_a_name_screen_asks_for_typing_unless_recognised(
    harness: BotHarness, services: Services
) -> None:
    t = tr(services, "zh_CN")
    user = await person(harness, 7204, name="王阿姨")
    await user.send("/settings")
    await user.choose(t("settings.item.name"))
    asked, keyboard = user.last_text(), user.keyboard()

    said = await user.voice()

    assert [m["text"] for m in said] == [t("words.voice.type") + "\n\n" + asked]
    assert user.keyboard() == keyboard
    assert await _name(services, 7204) == "王阿姨"  # nothing kept
    services.speech = Hears("李阿姨")
    await user.voice()
    assert await _name(services, 7204) == "李阿姨"
    assert user.last_text().startswith(t("settings.name.done", name="李阿姨"))


async def test_voice_answering_a_reminder(harness: BotHarness, services: Services) -> None:
    """Unread: a kind word and the reminder's own choices again; read as "一": I will come."""
    from tests.booking.booking_support import slot_of
    from tests.booking.test_my_bookings_support import book_slot, booking_row
    from tests.booking.test_reminder_answers import due_now, reminder_of
    from tests.factories import make_person

    t = tr(services, "zh_CN")
    await make_person(services.sessions, 7205)
    slot = await slot_of(services.sessions, "d-canteen", 3)
    booking = await book_slot(services, 7205, slot.id or 0)
    user = harness.user(7205)
    await due_now(services, booking)
    await reminder_of(harness, 7205, booking)
    choices = user.buttons()

    said = await user.voice()

    assert [m["text"] for m in said] == [t("words.voice.choose")]
    assert user.buttons() == choices
    assert (await booking_row(services, booking.id or 0)).attendance_reply is None
    services.speech = Hears("一")
    await user.voice()
    fresh = await booking_row(services, booking.id or 0)
    assert (fresh.status, fresh.attendance_reply) == ("confirmed", "coming")
