"""Onboarding screens: each step's question and choices, drawn from the ``Registration`` view."""

from __future__ import annotations

from typing import TypedDict

from telegram import KeyboardButton, Update

from bot.context import TongxinContext
from bot.i18n import N_, Translator
from handlers.kit import Option, ask, draft, page_of, run
from models.core.people import NAME_MAX, Person, mask_phone
from models.onboarding import Registration, registration

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
MORE = "__more__"
# Each language named in itself (the same words in both catalogues).
LANGUAGE_NAMES = {"zh_CN": N_("onboarding.lang.zh_CN"), "en": N_("onboarding.lang.en")}


class OnboardingDraft(TypedDict, total=False):
    """Only the page of communities shown: every answer is saved at once."""

    page: int


def consent_options(t: Translator) -> list[Option]:
    """Agree / disagree (disagreeing is never option 1's neighbour by accident: it is 2)."""
    return [Option("yes", t("onboarding.consent.yes")), Option("no", t("onboarding.consent.no"))]


def language_options(t: Translator) -> list[Option]:
    """Each language named in itself."""
    return [Option(lang, t(msgid)) for lang, msgid in LANGUAGE_NAMES.items()]


def skip_options(t: Translator) -> list[Option]:
    """The one Skip choice of the optional steps."""
    return [Option("skip", t("onboarding.skip"))]


def community_page(context: TongxinContext) -> int:
    """Which page of communities is shown."""
    return draft(context, OnboardingDraft).get("page", 0)


def set_page(context: TongxinContext, page: int) -> None:
    """Which page of communities to show next."""
    draft(context, OnboardingDraft)["page"] = page


async def ask_step(
    update: Update,
    context: TongxinContext,
    state: str,
    view: Registration | None = None,
    note: str = "",
) -> str:
    """Ask the question of ``state`` (after ``note``); returns ``state``."""
    t = context.t
    if state == CONSENT:
        return await ask(
            update,
            context,
            t("onboarding.consent"),
            consent_options(t),
            state,
            first=note,
            back=False,
        )
    if state == LANGUAGE:
        return await ask(
            update, context, t("onboarding.language"), language_options(t), state, first=note
        )
    if state in (NAME, PHONE):
        return await _ask_optional(update, context, state, note)
    if view is None:
        person = context.person
        if person is None:  # erased meanwhile: start over
            return await ask_step(update, context, CONSENT)
        view = await run(context, registration, person=person)
    lang = t.language
    if state == TOWN:
        options = [Option(str(town.id), town.name(lang)) for town in view.towns]
        return await ask(update, context, t("onboarding.town"), options, state, first=note)
    options = [Option(str(c.id), c.name(lang)) for c in view.communities]
    page, _pages = page_of(options, community_page(context), context)
    town = view.town.name(lang) if view.town else ""
    return await ask(update, context, t("onboarding.community", town=town), page, state, first=note)


async def _ask_optional(update: Update, context: TongxinContext, state: str, note: str) -> str:
    t = context.t
    if state == NAME:
        text = t.n("onboarding.name", NAME_MAX, max=NAME_MAX)
        return await ask(update, context, text, skip_options(t), state, first=note)
    share = [[KeyboardButton(t("onboarding.phone.share"), request_contact=True)]]
    return await ask(
        update, context, t("onboarding.phone"), skip_options(t), state, first=note, top_rows=share
    )


def invalid_note(t: Translator, state: str, choices: int) -> str:
    """The gentle line above a question asked again after an answer it cannot use."""
    if state == PHONE:
        return t("onboarding.invalid.phone")
    if state == NAME:
        return t("onboarding.invalid.name")
    return t("onboarding.invalid.choice", count=choices)


def resume_state(person: Person) -> str:
    """Where a consented, unfinished person picks up again."""
    if person.town_id is None:
        return LANGUAGE
    if person.community_id is None:
        return COMMUNITY
    return NAME


def receipt(t: Translator, view: Registration) -> str:
    """What was saved, in the person's language (phone masked)."""
    person, missing, lang = view.person, t("onboarding.not_provided"), t.language
    return t(
        "onboarding.receipt",
        town=view.town.name(lang) if view.town else "",
        community=view.community.name(lang) if view.community else "",
        name=person.display_name or missing,
        phone=mask_phone(person.phone) or missing,
        language=t(LANGUAGE_NAMES.get(person.language or "", LANGUAGE_NAMES[t.language])),
    )
