"""Onboarding screens: each step's question, its choices, and parsing of free answers."""

from __future__ import annotations

import re
import unicodedata

from telegram import KeyboardButton, ReplyKeyboardMarkup, Update

from bot.context import TongxinContext
from bot.i18n import N_, Translator
from handlers.kit import Markup, Option, choice_keyboard, nav_row, numbered, page_of, reply
from models.core.people import Person
from models.core.places import Community, Town, list_communities, list_towns

# Conversation states (strings: they are persisted as JSON).
CONSENT, LANGUAGE, TOWN, COMMUNITY, NAME, PHONE = (
    "consent",
    "language",
    "town",
    "community",
    "name",
    "phone",
)
PREVIOUS = {LANGUAGE: CONSENT, TOWN: LANGUAGE, COMMUNITY: TOWN, NAME: COMMUNITY, PHONE: NAME}
NAME_MAX = 20
PAGE_KEY = "onboarding_page"
MORE = "__more__"
# Each language named in itself (the same words in both catalogues).
LANGUAGE_NAMES = {"zh_CN": N_("onboarding.lang.zh_CN"), "en": N_("onboarding.lang.en")}


def consent_options(t: Translator) -> list[Option]:
    """Agree / disagree."""
    return [Option("yes", t("onboarding.consent.yes")), Option("no", t("onboarding.consent.no"))]


def language_options(t: Translator) -> list[Option]:
    """Each language named in itself."""
    return [Option(lang, t(msgid)) for lang, msgid in LANGUAGE_NAMES.items()]


def skip_options(t: Translator) -> list[Option]:
    """The one Skip choice of the optional steps."""
    return [Option("skip", t("onboarding.skip"))]


async def town_options(context: TongxinContext) -> list[Option]:
    """The towns, named in the user's language."""
    async with context.services.sessions() as session:
        towns = await list_towns(session)
    return [Option(str(town.id), town.name(context.t.language)) for town in towns]


async def community_options(context: TongxinContext) -> tuple[list[Option], int]:
    """The current page of the person's town's communities, and the page count."""
    person = context.person
    if person is None or person.town_id is None:
        return [], 0
    async with context.services.sessions() as session:
        communities = await list_communities(session, person.town_id)
    options = [Option(str(c.id), c.name(context.t.language)) for c in communities]
    return page_of(options, int(context.user_data.get(PAGE_KEY, 0)), context.t)  # type: ignore[union-attr]


async def town_name(context: TongxinContext, town_id: int | None) -> str:
    """A town's name in the user's language ('' when unknown)."""
    if town_id is None:
        return ""
    async with context.services.sessions() as session:
        town = await session.get(Town, town_id)
    return town.name(context.t.language) if town else ""


async def community_name(context: TongxinContext, community_id: int | None) -> str:
    """A community's name in the user's language ('' when unknown)."""
    if community_id is None:
        return ""
    async with context.services.sessions() as session:
        community = await session.get(Community, community_id)
    return community.name(context.t.language) if community else ""


def phone_keyboard(t: Translator) -> ReplyKeyboardMarkup:
    """Share-my-number (Telegram asks the phone for it), Skip, then Back / Main menu."""
    rows: list[list[KeyboardButton | str]] = [
        [KeyboardButton(t("onboarding.phone.share"), request_contact=True)],
        list(numbered(skip_options(t))),
        list(nav_row(t)),
    ]
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)


async def screen(context: TongxinContext, state: str) -> tuple[str, Markup, int]:
    """The question of ``state``, its keyboard, and how many numbered choices it has."""
    t = context.t
    if state == CONSENT:
        return t("onboarding.consent"), choice_keyboard(consent_options(t), t, back=False), 2
    if state == LANGUAGE:
        options = language_options(t)
        return t("onboarding.language"), choice_keyboard(options, t), len(options)
    if state == TOWN:
        options = await town_options(context)
        return t("onboarding.town"), choice_keyboard(options, t), len(options)
    if state == COMMUNITY:
        options, _pages = await community_options(context)
        town = await town_name(context, context.person.town_id if context.person else None)
        question = t("onboarding.community", town=town)
        return question, choice_keyboard(options, t), len(options)
    if state == NAME:
        return t("onboarding.name", max=NAME_MAX), choice_keyboard(skip_options(t), t), 1
    return t("onboarding.phone"), phone_keyboard(t), 1


async def ask(update: Update, context: TongxinContext, state: str, note: str | None = None) -> str:
    """Ask the question of ``state`` (after ``note`` when given); returns ``state``."""
    question, markup, _count = await screen(context, state)
    text = context.t("onboarding.with_note", note=note, question=question) if note else question
    await reply(update, context, text, markup)
    return state


async def reprompt(update: Update, context: TongxinContext, state: str) -> str:
    """Gentle re-prompt after input the step cannot use, repeating the valid choices."""
    t = context.t
    if state == PHONE:
        note = t("onboarding.invalid.phone")
    elif state == NAME:
        note = t("onboarding.invalid.name")
    else:
        _question, _markup, count = await screen(context, state)
        note = t("onboarding.invalid.choice", count=count)
    return await ask(update, context, state, note)


def resume_state(person: Person) -> str:
    """Where a consented, unfinished person picks up again."""
    if person.town_id is None:
        return LANGUAGE
    if person.community_id is None:
        return COMMUNITY
    return NAME


_COMMANDISH = re.compile(r"^\s*/")


def clean_name(text: str | None) -> tuple[str | None, str | None]:
    """(name, None) when usable, else (None, message id explaining why)."""
    if text is None or _COMMANDISH.match(text):
        return None, "onboarding.invalid.name"
    name = " ".join(text.split())
    if not any(unicodedata.category(ch).startswith("L") for ch in name):  # not only emoji/digits
        return None, "onboarding.invalid.name"
    if len(name) > NAME_MAX:
        return None, "onboarding.invalid.name_too_long"
    return name, None


def clean_phone(raw: str) -> str | None:
    """The shared number with a leading + when international; None if it is not a number."""
    digits = re.sub(r"\D", "", raw)
    if not 5 <= len(digits) <= 20:
        return None
    return f"+{digits}" if raw.strip().startswith("+") or len(digits) > 11 else digits


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


async def receipt(context: TongxinContext, person: Person) -> str:
    """What was saved, in the user's language (phone masked)."""
    t = context.t
    missing = t("onboarding.not_provided")
    return t(
        "onboarding.receipt",
        town=await town_name(context, person.town_id),
        community=await community_name(context, person.community_id),
        name=person.display_name or missing,
        phone=mask_phone(person.phone) or missing,
        language=t(LANGUAGE_NAMES.get(person.language or "", LANGUAGE_NAMES[t.language])),
    )
