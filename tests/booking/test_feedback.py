"""After the visit: one-tap rating and an optional text or voice comment."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col

from bot.context import Services
from models.booking import RATING, CommentTooLong
from models.booking.bookings import Booking, BookingStatus
from models.booking.feedback import BookingFeedback, ask_for_rating
from models.booking.slots import Slot
from models.core.base import utcnow
from models.core.callbacks import Tap
from models.core.outbox import OutboxMessage
from tests.authz.authz_cast import forge_tap
from tests.booking.booking_support import slot_of
from tests.booking.test_my_bookings_support import book_slot, inline_data, row, texts
from tests.factories import make_person
from tests.harness import BotHarness, Message, SimUser

RESIDENT, OTHER = 6401, 6402


async def attended(services: Services, tg: int, *, ask: bool = True) -> Booking:
    """A booking the person came to; the rating question sent now (``ask``)."""
    slot = await slot_of(services.sessions, "d-canteen", 2)
    booking = await book_slot(services, tg, slot.id or 0)
    async with services.sessions() as session, session.begin():
        fresh = await session.get(Booking, booking.id)
        found = await session.get(Slot, slot.id)
        assert fresh is not None and found is not None
        fresh.status = BookingStatus.ATTENDED.value
        if ask:
            await ask_for_rating(session, fresh, found)
            await session.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.dedupe_key) == f"booking:{booking.id}:rate")
                .values(due_at=utcnow())
            )
    return booking


async def rating_message(harness: BotHarness, tg: int) -> Message:
    """Deliver due rows; the rating question the person received."""
    await harness.drain_outbox()
    found = [
        m for m in harness.state.messages(tg) if any(d.startswith("rate:") for d in inline_data(m))
    ]
    assert len(found) == 1
    return found[0]


async def feedback(services: Services, booking_id: int) -> BookingFeedback | None:
    """The stored feedback of a booking."""
    found = await row(services, BookingFeedback, booking_id)
    assert found is None or isinstance(found, BookingFeedback)
    return found


async def rate(user: SimUser, message: Message, booking: Booking, stars: int) -> list[Message]:
    """Tap the stars under the rating question."""
    return await user.tap(message, f"rate:{booking.id}:{stars}")


async def test_rating_and_a_text_comment(harness: BotHarness, services: Services) -> None:
    t = services.i18n.translator("zh_CN")
    await make_person(services.sessions, RESIDENT)
    booking = await attended(services, RESIDENT)
    user = harness.user(RESIDENT)
    question = await rating_message(harness, RESIDENT)
    assert question["text"] == t("feedback.ask")
    assert inline_data(question) == [f"rate:{booking.id}:{n}" for n in range(1, 6)]

    replies = await rate(user, question, booking, 4)
    ask = t("feedback.ask_comment")
    assert texts(replies) == [t.n("feedback.thanks", 4, stars=4) + "\n\n" + ask]
    assert "想说几句吗？可以打字或发语音；不想说就点“不用了”" in ask
    assert user.buttons() == ["1. " + t("feedback.skip"), t("nav.back"), t("nav.home")]
    stored = await feedback(services, booking.id or 0)
    assert stored is not None and (stored.rating, stored.comment) == (4, None)

    await user.sticker()
    assert user.last_text() == t("feedback.not_understood") + "\n\n" + ask
    await user.photo()
    assert user.last_text() == t("feedback.not_understood") + "\n\n" + ask
    await user.send("好" * 5000)
    assert user.last_text() == t.n("feedback.too_long", 1000, max=1000) + "\n\n" + ask
    stored = await feedback(services, booking.id or 0)
    assert stored is not None and (stored.comment, stored.voice_file_id) == (None, None)

    await user.send("饭菜很好，服务员很耐心。")
    assert user.last_text() == t("feedback.saved")
    assert user.buttons()[0] == "1. " + t("menu.book")
    stored = await feedback(services, booking.id or 0)
    assert stored is not None and stored.comment == "饭菜很好，服务员很耐心。"


async def test_rating_with_a_voice_comment_in_english(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("en")
    await make_person(services.sessions, RESIDENT, language="en")
    booking = await attended(services, RESIDENT)
    user = harness.user(RESIDENT, language_code="en")
    question = await rating_message(harness, RESIDENT)
    assert question["text"] == t("feedback.ask")
    await rate(user, question, booking, 5)
    await user.voice(b"OggS-a-kind-word")
    assert user.last_text() == t("feedback.saved")
    stored = await feedback(services, booking.id or 0)
    assert stored is not None and stored.rating == 5 and stored.voice_file_id
    assert stored.comment is None


async def test_skipping_the_comment(harness: BotHarness, services: Services) -> None:
    t = services.i18n.translator("zh_CN")
    await make_person(services.sessions, RESIDENT)
    booking = await attended(services, RESIDENT)
    user = harness.user(RESIDENT)
    question = await rating_message(harness, RESIDENT)
    await rate(user, question, booking, 2)
    await user.choose(t("feedback.skip"))
    assert user.last_text() == t("feedback.skipped")
    await user.send("1")  # back on the main menu: "1" is booking again, not a comment
    stored = await feedback(services, booking.id or 0)
    assert stored is not None and (stored.rating, stored.comment) == (2, None)


async def test_only_the_resident_of_an_attended_visit_rates(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    await make_person(services.sessions, RESIDENT)
    await make_person(services.sessions, OTHER)
    booking = await attended(services, RESIDENT, ask=False)
    other = harness.user(OTHER)
    await other.send("/menu")
    for data in (f"rate:{booking.id}:5", f"rate:{booking.id}:9", "rate:999999:3"):
        await forge_tap(other, data)
        answer = other.state.callback_answers(OTHER)[-1]
        assert answer["show_alert"] and answer["text"] == t("feedback.error.not_rateable")
    assert other.last_text() == t("home.prompt")  # no comment question for them
    assert await feedback(services, booking.id or 0) is None

    upcoming = await book_slot(
        services, OTHER, (await slot_of(services.sessions, "d-canteen", 3)).id or 0
    )
    await forge_tap(other, f"rate:{upcoming.id}:5")  # their own, but not visited yet
    assert other.state.callback_answers(OTHER)[-1]["text"] == t("feedback.error.not_rateable")
    assert await feedback(services, upcoming.id or 0) is None


def test_the_rating_buttons_parse_as_they_were_written() -> None:
    assert RATING.data("", 42, 5) == "rate:42:5"
    assert RATING.parse("rate:42:5") == Tap("", (42, 5))
    for forged in ("rate:42", "rate:x:5", "rate:0:5", "rate::42:5", "rate:42:5:1", "bk:yes:42"):
        assert RATING.parse(forged) is None, forged


def test_english_counts_read_right_in_the_singular(services: Services) -> None:
    en = services.i18n.translator("en")
    assert "rating of 1 star!" in en.n("feedback.thanks", 1, stars=1)
    assert "rating of 4 stars!" in en.n("feedback.thanks", 4, stars=4)
    assert CommentTooLong.plural == "max"
    one = en.n(CommentTooLong.message_id, 1, max=1)
    assert "at most 1 character." in one
    assert "at most 1000 characters." in en.n(CommentTooLong.message_id, 1000, max=1000)
