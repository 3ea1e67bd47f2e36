"""Onboarding answers: each is saved at once by one use case, then the next question is asked."""

from __future__ import annotations

import logging
from typing import NoReturn

from telegram import ReplyKeyboardMarkup, Update
from telegram.ext import ApplicationHandlerStop

from bot.context import TongxinContext
from handlers.kit import (
    END,
    chosen,
    error_text,
    follow_deep_link,
    main_menu_keyboard,
    message_text,
    reply,
    run,
    show_main_menu,
    shown,
)
from handlers.onboarding.screens import (
    COMMUNITY,
    CONSENT,
    LANGUAGE,
    MORE,
    NAME,
    PHONE,
    TOWN,
    ask_step,
    community_page,
    invalid_note,
    receipt,
    resume_state,
    set_page,
)
from models import onboarding
from models.core.errors import DomainError, NotRegistered
from models.core.people import NAME_MAX, NameInvalid, NameTooLong, Person, PhoneTaken

logger = logging.getLogger(__name__)

PENDING_LINK = "pending_link"  # a /start deep link to follow once registered (kept on re-entry)


def remember_link(context: TongxinContext, payload: str) -> None:
    """Keep a deep link that arrived before the person finished registering."""
    if context.user_data is not None:
        context.user_data[PENDING_LINK] = payload


def _take_link(context: TongxinContext) -> str | None:
    found = context.user_data.pop(PENDING_LINK, None) if context.user_data is not None else None
    return found if isinstance(found, str) else None


async def reprompt(update: Update, context: TongxinContext, state: str) -> str:
    """Gentle re-prompt after an answer the step cannot use, repeating the valid choices."""
    return await ask_step(
        update, context, state, note=invalid_note(context.t, state, len(shown(context)))
    )


def _person(context: TongxinContext) -> Person:
    """The consented person (erased meanwhile: the caller starts over at consent)."""
    if context.person is None:
        raise NotRegistered()
    return context.person


async def on_consent(update: Update, context: TongxinContext) -> str:
    """Agree creates the person; disagree ends and keeps nothing."""
    key = chosen(update, context)
    user, chat = update.effective_user, update.effective_chat
    if key is None or user is None or chat is None:
        return await reprompt(update, context, CONSENT)
    if key == "no":
        erased = context.person is not None  # a consent given before Back: rows to wipe
        await run(context, onboarding.refuse_consent, person=context.person)
        if erased:
            context.purge_wal_after_update()  # SQLite: no old copy left in the -wal file
        context.person = None
        again = ReplyKeyboardMarkup([[context.t("onboarding.restart")]], resize_keyboard=True)
        await reply(update, context, context.t("onboarding.refused"), again)  # a way forward
        _forget(context, user.id, chat.id)
    view = await run(
        context,
        onboarding.give_consent,
        tg_user_id=user.id,
        chat_id=chat.id,
        language=context.lang or None,
    )
    context.person = view.person
    logger.info("person %s consented", view.person.id)
    return await ask_step(update, context, LANGUAGE, view)


def _forget(context: TongxinContext, user_id: int, chat_id: int) -> NoReturn:
    """Drop user and chat data and end the conversation, with no await in between: a flush
    between dropping and PTB marking the update for persistence would write it back."""
    context.application.drop_user_data(user_id)
    context.application.drop_chat_data(chat_id)
    raise ApplicationHandlerStop(END)


async def on_language(update: Update, context: TongxinContext) -> str:
    """Switch language at once; the next screens speak it."""
    key = chosen(update, context)
    if key is None:
        return await reprompt(update, context, LANGUAGE)
    view = await run(context, onboarding.choose_language, person=_person(context), language=key)
    context.lang = key
    return await ask_step(update, context, TOWN, view)


async def on_town(update: Update, context: TongxinContext) -> str:
    """Pick the town; its communities come next."""
    key = chosen(update, context)
    if key is None:
        return await reprompt(update, context, TOWN)
    view = await run(context, onboarding.choose_town, person=_person(context), town_id=int(key))
    set_page(context, 0)
    return await ask_step(update, context, COMMUNITY, view)


async def on_community(update: Update, context: TongxinContext) -> str:
    """Pick a community of the chosen town ("more" turns the page)."""
    key = chosen(update, context)
    if key is None:
        return await reprompt(update, context, COMMUNITY)
    if key == MORE:
        set_page(context, community_page(context) + 1)
        return await ask_step(update, context, COMMUNITY)
    try:
        view = await run(
            context, onboarding.choose_community, person=_person(context), community_id=int(key)
        )
    except DomainError as error:
        return await ask_step(update, context, COMMUNITY, note=error_text(context, error))
    return await ask_step(update, context, NAME, view)


async def on_name(update: Update, context: TongxinContext) -> str:
    """Optional form of address (the same rules as in /settings), or Skip."""
    if chosen(update, context) == "skip":
        return await ask_step(update, context, PHONE)
    try:
        await run(
            context,
            onboarding.give_name,
            person=_person(context),
            name=message_text(update),
            admin_ids=context.services.settings.admin_ids,
        )
    except NameTooLong:
        note = context.t.n("onboarding.invalid.name_too_long", NAME_MAX, max=NAME_MAX)
        return await ask_step(update, context, NAME, note=note)
    except NameInvalid:  # the onboarding words also point at Skip
        return await ask_step(update, context, NAME, note=context.t("onboarding.invalid.name"))
    except DomainError as error:  # e.g. a staff member's name
        return await ask_step(update, context, NAME, note=error_text(context, error))
    return await ask_step(update, context, PHONE)


async def on_phone(update: Update, context: TongxinContext) -> object:
    """Optional phone: only the sender's own shared contact, and only a number no one else has
    registered, is kept; then finish."""
    message, user = update.effective_message, update.effective_user
    contact = message.contact if message else None
    if contact is None:
        if chosen(update, context) != "skip":
            return await reprompt(update, context, PHONE)
        return await finish(update, context)
    if user is None or contact.user_id != user.id:
        return await ask_step(update, context, PHONE, note=context.t("onboarding.phone.not_yours"))
    try:
        await run(
            context, onboarding.give_phone, person=_person(context), phone=contact.phone_number
        )
    except PhoneTaken as error:  # someone else's already: said plainly, nothing kept
        return await ask_step(update, context, PHONE, note=error_text(context, error))
    except DomainError:
        return await reprompt(update, context, PHONE)
    return await finish(update, context)


async def finish(update: Update, context: TongxinContext) -> object:
    """Mark the profile complete, give the receipt and the menu, then follow a pending link."""
    person = _person(context)
    try:
        view = await run(context, onboarding.finish_registration, person=person)
    except NotRegistered:  # town or community missing (e.g. changed meanwhile)
        return await ask_step(update, context, resume_state(person))
    logger.info("person %s onboarded", view.person.id)
    await reply(update, context, receipt(context.t, view))
    await show_main_menu(update, context)
    await follow_deep_link(update, context, _take_link(context))
    return END


async def welcome_back(update: Update, context: TongxinContext) -> None:
    """A registered person who sent /start (or a stale onboarding answer): the main menu."""
    person = context.person
    if person is not None and person.display_name:
        text = context.t("onboarding.welcome_back.named", name=person.display_name)
        await reply(update, context, text, main_menu_keyboard(context))
    else:
        await show_main_menu(update, context, "onboarding.welcome_back")
