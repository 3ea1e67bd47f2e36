"""Onboarding (/start): consent, language, town, community, name, phone, then the main menu.

One question per message; each step is a state of a persistent ConversationHandler so a restart
strands nobody half-way. Screens and parsing helpers live in ``handlers.onboarding.steps``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any, NoReturn

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import TongxinContext
from handlers.kit import (
    Wiring,
    deep_link_for,
    follow_deep_link,
    is_nav,
    main_menu_keyboard,
    match_option,
    message_text,
    registered,
    reply,
    reply_error,
    show_main_menu,
)
from handlers.onboarding.steps import (
    COMMUNITY,
    CONSENT,
    LANGUAGE,
    MORE,
    NAME,
    NAME_MAX,
    PAGE_KEY,
    PHONE,
    PREVIOUS,
    TOWN,
    ask,
    clean_name,
    clean_phone,
    community_options,
    consent_options,
    language_options,
    receipt,
    reprompt,
    resume_state,
    skip_options,
    town_options,
)
from models.core.errors import DomainError, NotRegistered
from models.core.people import Person, complete_onboarding, record_consent, update_profile
from models.settings.privacy import erase_person

logger = logging.getLogger(__name__)

PENDING_LINK = "pending_link"
# Commands other flows answer even mid-registration (privacy rights).
PASSTHROUGH_COMMANDS = ("mydata", "deleteme")
END = ConversationHandler.END

Step = Callable[[Update, TongxinContext], Coroutine[Any, Any, object]]


async def start(update: Update, context: TongxinContext) -> object:
    """/start [payload]: a deep link or the menu for registered people, else consent or resume
    the registration (a deep link is kept and followed once the person has finished)."""
    payload = context.args[0] if context.args else None
    person = context.person
    if registered(person):
        if not await follow_deep_link(update, context, payload):
            await _welcome_back(update, context)
        return END
    if deep_link_for(context, payload) is not None:
        context.user_data[PENDING_LINK] = payload  # type: ignore[index]
    if person is None:
        await reply(update, context, context.t("onboarding.welcome"))
        return await ask(update, context, CONSENT)
    return await ask(update, context, resume_state(person), context.t("onboarding.resume"))


async def _welcome_back(update: Update, context: TongxinContext) -> None:
    person = context.person
    if person is not None and person.display_name:
        text = context.t("onboarding.welcome_back.named", name=person.display_name)
        await reply(update, context, text, main_menu_keyboard(context))
    else:
        await show_main_menu(update, context, "onboarding.welcome_back")


def step(state: str) -> Step:
    """The callback for every message in ``state``: navigation first, then the step's parser."""

    async def on_message(update: Update, context: TongxinContext) -> object:
        text = update.effective_message.text if update.effective_message else None
        if registered(context.person):  # finished elsewhere (e.g. a stale state): to the menu
            await _welcome_back(update, context)
            return END
        if state != CONSENT and context.person is None:  # erased meanwhile: start over
            return await ask(update, context, CONSENT)
        if is_nav(text, context.t, "home"):
            return await ask(update, context, state, context.t("onboarding.finish_first"))
        if state in PREVIOUS and is_nav(text, context.t, "back"):
            context.user_data[PAGE_KEY] = 0  # type: ignore[index]
            return await ask(update, context, PREVIOUS[state])
        return await PARSERS[state](update, context)

    return on_message


async def _save(context: TongxinContext, **changes: object) -> Person:
    """Apply profile changes through the domain (which enforces town/community rules)."""
    assert context.person is not None
    async with context.services.sessions() as session, session.begin():
        person = await session.get(Person, context.person.id)
        if person is None:
            raise NotRegistered()
        person = await update_profile(session, person, **changes)
    context.person = person
    return person


async def on_consent(update: Update, context: TongxinContext) -> object:
    """Agree creates the person; disagree ends and keeps nothing."""
    chosen = match_option(message_text(update), consent_options(context.t))
    if chosen is None:
        return await reprompt(update, context, CONSENT)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    if chosen.key == "no":
        return await _refuse(update, context, user.id, chat.id)
    async with context.services.sessions() as session, session.begin():
        person = await record_consent(session, user.id, chat.id, context.lang or None)
    context.person = person
    logger.info("person %s consented", person.id)
    return await ask(update, context, LANGUAGE)


async def _refuse(update: Update, context: TongxinContext, user_id: int, chat_id: int) -> object:
    """Keep nothing: erase a consent given earlier (after Back) and drop all UI state."""
    if context.person is not None:
        async with context.services.sessions() as session, session.begin():
            person = await session.get(Person, context.person.id)
            if person is not None:
                await erase_person(session, person)
        context.person = None
    await reply(update, context, context.t("onboarding.refused"), ReplyKeyboardRemove())
    _forget(context, user_id, chat_id)


def _forget(context: TongxinContext, user_id: int | None, chat_id: int | None) -> NoReturn:
    """Drop user and chat data and end the conversation, with no await in between: a flush
    between dropping and PTB marking the update for persistence would write it back."""
    if user_id is not None:
        context.application.drop_user_data(user_id)
    if chat_id is not None:
        context.application.drop_chat_data(chat_id)
    raise ApplicationHandlerStop(END)


async def on_language(update: Update, context: TongxinContext) -> object:
    """Switch language at once; the next screens speak it."""
    chosen = match_option(message_text(update), language_options(context.t))
    if chosen is None:
        return await reprompt(update, context, LANGUAGE)
    await _save(context, language=chosen.key)
    context.lang = chosen.key
    return await ask(update, context, TOWN)


async def on_town(update: Update, context: TongxinContext) -> object:
    """Pick the town; its communities come next."""
    chosen = match_option(message_text(update), await town_options(context))
    if chosen is None:
        return await reprompt(update, context, TOWN)
    await _save(context, town_id=int(chosen.key))
    context.user_data[PAGE_KEY] = 0  # type: ignore[index]
    return await ask(update, context, COMMUNITY)


async def on_community(update: Update, context: TongxinContext) -> object:
    """Pick a community of the chosen town ("more" turns the page)."""
    options, _pages = await community_options(context)
    chosen = match_option(message_text(update), options)
    if chosen is None:
        return await reprompt(update, context, COMMUNITY)
    if chosen.key == MORE:
        context.user_data[PAGE_KEY] = int(context.user_data.get(PAGE_KEY, 0)) + 1  # type: ignore[union-attr,index]
        return await ask(update, context, COMMUNITY)
    try:
        await _save(context, community_id=int(chosen.key))
    except DomainError as error:
        await reply_error(update, context, error)
        return await ask(update, context, COMMUNITY)
    context.user_data.pop(PAGE_KEY, None)  # type: ignore[union-attr]
    return await ask(update, context, NAME)


async def on_name(update: Update, context: TongxinContext) -> object:
    """Optional form of address: up to 20 characters of words, or Skip."""
    text = message_text(update)
    if match_option(text, skip_options(context.t)) is not None:
        return await ask(update, context, PHONE)
    name, problem = clean_name(text)
    if name is None:
        assert problem is not None
        return await ask(update, context, NAME, context.t(problem, max=NAME_MAX))
    await _save(context, display_name=name)
    return await ask(update, context, PHONE)


async def on_phone(update: Update, context: TongxinContext) -> object:
    """Optional phone: only the sender's own shared contact is accepted; then finish."""
    message = update.effective_message
    contact = message.contact if message else None
    if contact is None:
        if match_option(message_text(update), skip_options(context.t)) is None:
            return await reprompt(update, context, PHONE)
        return await _finish(update, context)
    user = update.effective_user
    phone = clean_phone(contact.phone_number or "")
    if user is None or contact.user_id != user.id:
        return await ask(update, context, PHONE, context.t("onboarding.phone.not_yours"))
    if phone is None:
        return await reprompt(update, context, PHONE)
    await _save(context, phone=phone)
    return await _finish(update, context)


async def _finish(update: Update, context: TongxinContext) -> object:
    """Mark the profile complete, give the receipt and the menu, then redeem a pending invite."""
    assert context.person is not None
    try:
        async with context.services.sessions() as session, session.begin():
            person = await session.get(Person, context.person.id)
            if person is None:
                raise NotRegistered()
            person = await complete_onboarding(session, person)
    except NotRegistered:  # town or community missing (e.g. changed meanwhile)
        return await ask(update, context, resume_state(context.person))
    context.person = person
    logger.info("person %s onboarded", person.id)
    await reply(update, context, await receipt(context, person))
    await show_main_menu(update, context)
    await follow_deep_link(update, context, context.user_data.pop(PENDING_LINK, None))  # type: ignore[union-attr]
    return END


PARSERS: dict[str, Step] = {
    CONSENT: on_consent,
    LANGUAGE: on_language,
    TOWN: on_town,
    COMMUNITY: on_community,
    NAME: on_name,
    PHONE: on_phone,
}


async def cancel(update: Update, context: TongxinContext) -> object:
    """/cancel: pause; what was entered stays (nothing at all before consent)."""
    if context.person is not None:
        await reply(update, context, context.t("onboarding.cancelled"), ReplyKeyboardRemove())
        return END
    await reply(update, context, context.t("onboarding.cancelled.nothing"), ReplyKeyboardRemove())
    user, chat = update.effective_user, update.effective_chat
    _forget(context, user.id if user else None, chat.id if chat else None)


def help_for(state: str) -> Step:
    """/help inside a step: explain, then ask the same question again."""

    async def on_help(update: Update, context: TongxinContext) -> object:
        await reply(update, context, context.t("onboarding.help"))
        return await ask(update, context, state)

    return on_help


def handlers(wiring: Wiring) -> list[BaseHandler]:
    """The persistent onboarding conversation."""
    messages = filters.UpdateType.MESSAGE & ~filters.StatusUpdate.ALL
    passthrough = filters.Regex(rf"^/({'|'.join(PASSTHROUGH_COMMANDS)})(@\w+)?(\s|$)")
    states: dict[object, list[BaseHandler]] = {
        state: [
            CommandHandler("cancel", cancel),
            CommandHandler("help", help_for(state)),
            MessageHandler(messages & ~passthrough, step(state)),
        ]
        for state in PARSERS
    }
    return [
        ConversationHandler(
            entry_points=[CommandHandler("start", start)],
            states=states,
            fallbacks=[],
            allow_reentry=True,
            per_chat=True,
            per_user=True,
            name="onboarding",
            persistent=True,
        )
    ]
