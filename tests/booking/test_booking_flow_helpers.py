"""Shared steps for the booking flow tests: people, walking the screens, reading the DB."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlmodel import col

from bot.context import Services
from bot.i18n import Translator
from bot.timefmt import format_clock, format_day
from models.booking import TOWNS_TZ, Booking, Slot
from models.core.places import Town, Venue
from tests.booking.booking_support import local_today
from tests.factories import make_person
from tests.harness import BotHarness, SimUser

LANG_CODE = {"zh_CN": "zh-hans", "en": "en"}


async def person(
    harness: BotHarness,
    tg: int,
    lang: str = "zh_CN",
    town: str = "D",
    name: str = "王阿姨",
    phone: str | None = None,
    elder: bool = True,
) -> SimUser:
    """A registered resident (D town: Changjiang; Q town: Xinglong) and their chat (elder mode
    on unless ``elder`` is False)."""
    community = "d-changjiang" if town == "D" else "q-xinglong"
    await make_person(
        harness.services.sessions,
        tg,
        town_code=town,
        community_code=community,
        language=lang,
        name=name,
        phone=phone,
        elder_mode=elder,
    )
    return harness.user(tg, language_code=LANG_CODE[lang], first_name=name)


def tr(services: Services, lang: str) -> Translator:
    """The translator of a language."""
    return services.i18n.translator(lang)


async def town_id(services: Services, code: str) -> int:
    """A town's id."""
    async with services.sessions() as session:
        town = (await session.execute(select(Town).where(col(Town.code) == code))).scalar_one()
    assert town.id is not None
    return town.id


async def town_name(services: Services, code: str, lang: str) -> str:
    """A town's name in a language."""
    async with services.sessions() as session:
        town = (await session.execute(select(Town).where(col(Town.code) == code))).scalar_one()
    return town.name(lang)


async def choose_paged(user: SimUser, t: Translator, words: str) -> None:
    """Tap the button with ``words``, paging with the kit's "more" while it is not shown."""
    for _ in range(4):
        if any(words in label for label in user.buttons()):
            await user.choose(words)
            return
        await user.choose(t("nav.more"))
    raise AssertionError(f"{words!r} never offered: {user.buttons()}")


async def for_someone_else(user: SimUser, t: Translator) -> None:
    """Book for someone else: "for whom?" once one has done it before, else the kind screen's
    last choice."""
    if any(t("booking.who.proxy") in label for label in user.buttons()):
        await user.choose(t("booking.who.proxy"))
    else:
        await choose_paged(user, t, t("booking.kind.proxy"))


async def to_place(user: SimUser, t: Translator, kind: str, *, proxy_phone: str = "") -> None:
    """From anywhere: /book, for myself (or for the resident with this phone), then the kind,
    then "where?" (⬅️ from the day question when the town went without saying)."""
    await user.send("/book")
    asked_who = any(t("booking.who.self") in label for label in user.buttons())
    if proxy_phone:
        await choose_paged(user, t, t("booking.who.proxy" if asked_who else "booking.kind.proxy"))
        await user.send(proxy_phone)
        await user.choose(t("booking.resident.yes"))
    elif asked_who:
        await user.choose(t("booking.who.self"))
    await choose_paged(user, t, t(f"booking.kind.{kind}"))
    if t("booking.day.nearest") in user.buttons():
        await user.press(t("nav.back"))


async def to_day(
    user: SimUser, services: Services, t: Translator, kind: str, town: str, **kw: str
) -> None:
    """/book … kind, then a town ("D"/"Q") or any centre ("any")."""
    await to_place(user, t, kind, **kw)
    if town == "any":
        await user.choose(t("booking.place.any"))
    else:
        await user.choose(await town_name(services, town, t.language))


async def choose_day(user: SimUser, t: Translator, day: date) -> None:
    """Tap the day (paging with "more days" as needed)."""
    words = format_day(day, t.language, short=True)
    for _ in range(8):
        found = [label for label in user.buttons() if words in label]
        if found:
            await user.press(found[0])
            return
        await user.choose(t("booking.day.more"))
    raise AssertionError(f"{words} never offered")


def slot_day(slot: Slot) -> date:
    """A slot's local day."""
    return slot.starts_at.astimezone(TOWNS_TZ).date()


def slot_words(slot: Slot) -> str:
    """How a slot's time reads on its button."""
    return f"{format_clock(slot.starts_at, TOWNS_TZ)}–{format_clock(slot.ends_at, TOWNS_TZ)}"


async def choose_slot(user: SimUser, t: Translator, slot: Slot, venue_name: str) -> None:
    """Tap the slot's button (paging with "more" as needed)."""
    for _ in range(6):
        found = [b for b in user.buttons() if slot_words(slot) in b and venue_name in b]
        if found:
            await user.press(found[0])
            return
        await user.choose(t("nav.more"))
    raise AssertionError(f"slot {slot_words(slot)} never offered: {user.buttons()}")


async def venue(services: Services, code: str) -> Venue:
    """A venue by code."""
    async with services.sessions() as session:
        return (await session.execute(select(Venue).where(col(Venue.code) == code))).scalar_one()


async def set_venue(services: Services, code: str, **changes: object) -> None:
    """Change a venue's rules."""
    async with services.sessions() as session, session.begin():
        row = (await session.execute(select(Venue).where(col(Venue.code) == code))).scalar_one()
        for name, value in changes.items():
            setattr(row, name, value)


async def bookings(services: Services) -> list[Booking]:
    """Every booking, oldest first."""
    async with services.sessions() as session:
        return list((await session.execute(select(Booking).order_by(col(Booking.id)))).scalars())


async def taken(services: Services, slot_id: int) -> int:
    """Places held in a slot."""
    async with services.sessions() as session:
        slot = await session.get(Slot, slot_id)
    assert slot is not None
    return slot.taken


async def count(services: Services, model: type) -> int:
    """Rows of a table."""
    async with services.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


def days_ahead(day: date) -> int:
    """Days from today."""
    return (day - local_today()).days


def nav_ok(user: SimUser, t: Translator) -> bool:
    """The keyboard ends with ⬅️ and 🏠."""
    rows = user.keyboard()
    return bool(rows) and rows[-1] == [t("nav.back"), t("nav.home")]


def opening(t: Translator, msgid: str, *, elder: bool = True) -> str:
    """A message's fixed opening words: up to its first line break or placeholder (in elder
    mode, the default, its short variant's when it has one)."""
    if elder and not t.n(f"{msgid}.short", 2).startswith(f"{msgid}.short"):
        msgid = f"{msgid}.short"
    text = t(msgid)
    if text == msgid:  # a message with plural forms: the forms open alike
        text = t.n(msgid, 2)
    return text.split("\n")[0].split("{")[0]
