"""People: residents and staff known to the bot, with consent, language and reachability."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, bindparam, delete, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, select

from models.core.base import UTCDateTime, utcnow
from models.core.errors import DomainError, NotFound, NotRegistered
from models.core.places import Community

LANGUAGES = ("zh_CN", "en")
NAME_MAX = 20  # characters of a form of address ("王阿姨", "Mr Li"); the column holds 64
# Topics residents can mute in /settings; broadcasts are tagged with one of them.
NOTICE_TOPICS = ("events", "health", "culture", "services")


class Person(SQLModel, table=True):
    """Someone the bot serves. Created when they consent; ``onboarded_at`` marks a full profile.

    ``phone`` is the number as shared; ``phone_key`` is the same number normalised
    (:func:`phone_key`), kept in step by :func:`update_profile`: proxies find a resident by it,
    through its index, and one number belongs to one person. Erasure deletes the row, so an
    erased person's number is free again; the partial index holds only people with a number.
    """

    __table_args__ = (
        Index(
            "uq_person_phone_key",
            "phone_key",
            unique=True,
            sqlite_where=text("phone_key IS NOT NULL"),
            postgresql_where=text("phone_key IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    tg_user_id: int | None = Field(default=None, sa_type=BigInteger, unique=True)
    chat_id: int | None = Field(default=None, sa_type=BigInteger)
    display_name: str | None = Field(default=None, max_length=64)
    town_id: int | None = Field(default=None, foreign_key="town.id")
    community_id: int | None = Field(default=None, foreign_key="community.id")
    language: str | None = Field(default=None, max_length=8)
    elder_mode: bool = True
    consent_at: datetime = Field(sa_type=UTCDateTime)
    phone: str | None = Field(default=None, max_length=32)
    phone_key: str | None = Field(default=None, max_length=20)
    reachable: bool = True
    # Where the person talks to the bot: "telegram", or "wechat" (through the bridge).
    channel: str = Field(
        default="telegram", max_length=16, sa_column_kwargs={"server_default": "telegram"}
    )
    onboarded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class NotificationOptOut(SQLModel, table=True):
    """A notice topic a person chose not to receive."""

    __tablename__ = "notification_opt_out"

    person_id: int = Field(
        sa_column_args=[ForeignKey("person.id", ondelete="CASCADE")], primary_key=True
    )
    topic: str = Field(max_length=32, primary_key=True)


class NameInvalid(DomainError):
    """A form of address must contain words (not only emoji, digits or a command)."""

    message_id = "person.name.invalid"


class NameTooLong(DomainError):
    """A form of address is longer than ``NAME_MAX`` characters."""

    message_id = "person.name.too_long"
    plural = "max"


# Letters that draw nothing (Hangul fillers): a name of them would look empty, or like another.
INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")


def normalise_name(text: str) -> str:
    """``text`` as a name is compared and kept: NFKC, invisible characters gone, spaces collapsed.

    Gone are every character of Unicode's category C (controls; format characters such as the
    bidi overrides and isolates, zero-width spaces and joiners, the BOM; surrogates, private
    use, unassigned) and the invisible letters; any run of whitespace becomes one space.
    """
    kept: list[str] = []
    for ch in unicodedata.normalize("NFKC", text):
        if ch.isspace():
            kept.append(" ")
        elif not (unicodedata.category(ch).startswith("C") or ch in INVISIBLE_LETTERS):
            kept.append(ch)
    return " ".join("".join(kept).split())


def name_key(text: str) -> str:
    """What two names that look the same share: the normalised name, case-folded."""
    return unicodedata.normalize("NFKC", normalise_name(text).casefold())


def clean_display_name(text: str | None) -> str:
    """The form of address as it will be kept, or ``NameInvalid`` / ``NameTooLong``.

    The one validator for every place a name is typed (onboarding and /settings; proxies name
    a resident by phone, never by name), applied again by ``update_profile`` so no other path
    keeps a name it refuses. The name is normalised first: what is checked is what is shown.
    """
    if text is None:
        raise NameInvalid()
    name = normalise_name(text)
    if name.startswith("/") or not any(unicodedata.category(ch).startswith("L") for ch in name):
        raise NameInvalid()
    if len(name) > NAME_MAX:
        raise NameTooLong(max=NAME_MAX)
    return name


class PhoneInvalid(DomainError):
    """What was shared is not a phone number."""

    message_id = "onboarding.invalid.phone"


class PhoneTaken(DomainError):
    """The number already belongs to another person (one number, one person)."""

    message_id = "person.phone.taken"


PHONE_DIGITS = (5, 20)  # fewest and most digits a kept number has
_NOT_DIGITS = re.compile(r"\D+")
_COUNTRY_PREFIXES = ("0086", "86")  # China's, typed as 0086 or +86
_MOBILE_DIGITS = 11  # a mainland mobile number without the country code


def clean_phone(raw: str | None) -> str:
    """The number as kept: digits, with a leading + when international; ``PhoneInvalid``."""
    digits = _NOT_DIGITS.sub("", raw or "")
    if not PHONE_DIGITS[0] <= len(digits) <= PHONE_DIGITS[1]:
        raise PhoneInvalid()
    return f"+{digits}" if (raw or "").strip().startswith("+") or len(digits) > 11 else digits


def phone_key(raw: str | None) -> str | None:
    """The number as it is compared and looked up: digits only, without China's +86 / 0086.

    ``+86 139-1234-5678``, ``008613912345678`` and ``13912345678`` share one key. The prefix
    goes only when an 11-digit mainland number is left, so other numbers keep every digit.
    None for no number (or too few or too many digits to be one).
    """
    digits = _NOT_DIGITS.sub("", raw or "")
    for prefix in _COUNTRY_PREFIXES:
        if digits.startswith(prefix) and len(digits) - len(prefix) == _MOBILE_DIGITS:
            digits = digits[len(prefix) :]
            break
    return digits if PHONE_DIGITS[0] <= len(digits) <= PHONE_DIGITS[1] else None


def mask_phone(phone: str | None) -> str | None:
    """138****5678 style (country code dropped); None when there is no number."""
    if not phone:
        return None
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) < 8:
        return "*" * (len(digits) - 2) + digits[-2:]
    return f"{digits[:3]}****{digits[-4:]}"


def mask_name(name: str | None) -> str | None:
    """A name as shown to someone who may not know it yet: 王*姨, 王*, *, E*** B****.

    Each word on its own: a word with Chinese (wide) characters keeps its first and, from
    three characters, its last one (王阿姨 → 王*姨, 欧阳娜娜 → 欧**娜, 王芳 → 王*, 王 → *);
    any other word keeps its initial (Emma → E***, Li → L*, Q → *). Every hidden character is
    one star, so the length stays as a hint. None for no name.
    """
    if not name:
        return None
    return " ".join(_mask_word(word) for word in name.split())


def _mask_word(word: str) -> str:
    if len(word) <= 1:
        return "*"
    wide = any(unicodedata.east_asian_width(ch) in ("W", "F") for ch in word)
    if wide and len(word) >= 3:
        return word[0] + "*" * (len(word) - 2) + word[-1]
    return word[0] + "*" * (len(word) - 1)


# Built once (building a statement costs more than running it, on a hot path).
_PERSON_BY_TG_ID = select(Person).where(Person.tg_user_id == bindparam("tg_user_id"))


async def find_person(session: AsyncSession, tg_user_id: int) -> Person | None:
    """The person with this Telegram user id, if they have consented."""
    params = {"tg_user_id": tg_user_id}
    return (await session.execute(_PERSON_BY_TG_ID, params)).scalar_one_or_none()


async def get_registered(session: AsyncSession, tg_user_id: int) -> Person:
    """The fully onboarded person with this Telegram id; NotRegistered otherwise."""
    person = await find_person(session, tg_user_id)
    if person is None or person.onboarded_at is None:
        raise NotRegistered()
    return person


# Chat ids from 2**52 up are the WeChat bridge's (``channels.wechat.tables.chat_id_of``);
# Telegram's ids stay below. The one thing the bot knows of the bridge.
WECHAT_CHAT_IDS = 2**52


def channel_of(chat_id: int) -> str:
    """The channel a private chat is on, from its id."""
    return "wechat" if chat_id >= WECHAT_CHAT_IDS else "telegram"


async def record_consent(
    session: AsyncSession, tg_user_id: int, chat_id: int, language: str | None
) -> Person:
    """Create (or refresh) the person's row at the moment they consent."""
    person = await find_person(session, tg_user_id)
    now = utcnow()
    if person is None:
        person = Person(
            tg_user_id=tg_user_id,
            chat_id=chat_id,
            consent_at=now,
            language=language,
            channel=channel_of(chat_id),
        )
        session.add(person)
    else:
        person.consent_at, person.chat_id, person.updated_at = now, chat_id, now
        person.channel = channel_of(chat_id)
    await session.flush()
    return person


async def update_profile(session: AsyncSession, person: Person, **changes: object) -> Person:
    """Change profile fields; the community must belong to the chosen town.

    A new ``phone`` brings its ``phone_key`` along (None with no number) and must be no one
    else's: ``PhoneTaken`` otherwise, said early here and enforced by the unique index.
    """
    allowed = {"display_name", "town_id", "community_id", "language", "elder_mode", "phone"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    if "language" in changes and changes["language"] not in LANGUAGES:
        raise ValueError("unsupported language")
    if changes.get("display_name") is not None:
        changes["display_name"] = clean_display_name(str(changes["display_name"]))
    community_id = changes.get("community_id")
    if community_id is not None:
        community = await session.get(Community, community_id)
        town_id = changes.get("town_id", person.town_id)
        if community is None or community.town_id != town_id:
            raise NotFound()
    if changes.get("town_id") not in (None, person.town_id) and "community_id" not in changes:
        changes["community_id"] = None
    if "phone" in changes:
        changes["phone_key"] = await _free_phone_key(session, person, changes["phone"])
    for key, value in changes.items():
        setattr(person, key, value)
    person.updated_at = utcnow()
    try:
        await session.flush()
    except IntegrityError as error:  # taken meanwhile: the unique index has the last word
        if "phone_key" in str(error.orig):
            raise PhoneTaken() from None
        raise
    return person


async def _free_phone_key(session: AsyncSession, person: Person, phone: object) -> str | None:
    """The key of ``phone`` (None for no number), or ``PhoneTaken`` when another person has it."""
    key = phone_key(str(phone)) if phone is not None else None
    if key is not None:
        owner = await phone_owner(session, key)
        if owner is not None and owner.id != person.id:
            raise PhoneTaken()
    return key


async def phone_owner(session: AsyncSession, key: str) -> Person | None:
    """The person whose number has this key (one at most: the key is unique), via its index."""
    query = select(Person).where(Person.phone_key == key)  # type: ignore[arg-type]
    return (await session.execute(query)).scalar_one_or_none()


async def complete_onboarding(session: AsyncSession, person: Person) -> Person:
    """Mark the profile complete; town and community are required."""
    if person.town_id is None or person.community_id is None:
        raise NotRegistered()
    person.onboarded_at = person.onboarded_at or utcnow()
    await session.flush()
    return person


async def opted_out_topics(session: AsyncSession, person_id: int) -> set[str]:
    """The notice topics this person has muted."""
    query = select(NotificationOptOut.topic).where(NotificationOptOut.person_id == person_id)
    return set((await session.execute(query)).scalars())


async def toggle_topic(session: AsyncSession, person_id: int, topic: str) -> bool:
    """Mute or unmute a topic; returns True when the topic is now received."""
    if topic not in NOTICE_TOPICS:
        raise NotFound()
    muted = topic in await opted_out_topics(session, person_id)
    if muted:
        await session.execute(
            delete(NotificationOptOut).where(
                NotificationOptOut.person_id == person_id,  # type: ignore[arg-type]
                NotificationOptOut.topic == topic,  # type: ignore[arg-type]
            )
        )
    else:
        session.add(NotificationOptOut(person_id=person_id, topic=topic))
    await session.flush()
    return muted


async def mark_unreachable(session: AsyncSession, person_id: int) -> None:
    """Record that Telegram refuses messages to this person (blocked or deactivated)."""
    await session.execute(update(Person).where(Person.id == person_id).values(reachable=False))  # type: ignore[arg-type]
