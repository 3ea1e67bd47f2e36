"""Onboarding (/start): consent, language, town, community, name, phone, then the main menu.

One question per message; each answer is saved at once (``models.onboarding``) and each step is
a state of a persistent conversation, so a restart or a break strands nobody half-way: /start
again resumes where the person stopped. /mydata and /deleteme work at every step.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot.context import TongxinContext
from handlers.kit import (
    END,
    Screen,
    Wiring,
    conversation,
    deep_link_for,
    follow_deep_link,
    forget_ui_state,
    registered,
    reply,
    reply_not_registered,
    start_labels,
)
from handlers.onboarding.screens import (
    COMMUNITY,
    CONSENT,
    LANGUAGE,
    NAME,
    PHONE,
    PREVIOUS,
    TOWN,
    ask_step,
    resume_state,
    set_page,
)
from handlers.onboarding.steps import (
    on_community,
    on_consent,
    on_language,
    on_name,
    on_phone,
    on_town,
    remember_link,
    welcome_back,
)

Step = Callable[[Update, TongxinContext], Coroutine[Any, Any, object]]
# Commands other flows answer even mid-registration (privacy rights).
PASSTHROUGH = filters.Regex(r"^/(mydata|deleteme)(@\w+)?(\s|$)")
STEPS: dict[str, Step] = {
    CONSENT: on_consent,
    LANGUAGE: on_language,
    TOWN: on_town,
    COMMUNITY: on_community,
    NAME: on_name,
    PHONE: on_phone,
}


async def start(update: Update, context: TongxinContext) -> object:
    """/start [payload]: a deep link or the menu for registered people, else consent or resume
    the registration (a deep link is kept and followed once the person has finished)."""
    payload = context.args[0] if context.args else None
    person = context.person
    if registered(person):
        if not await follow_deep_link(update, context, payload):
            await welcome_back(update, context)
        return END
    if payload is not None and deep_link_for(context, payload) is not None:
        remember_link(context, payload)
    if person is None:
        await reply(update, context, context.t("onboarding.welcome"))
        return await ask_step(update, context, CONSENT)
    return await ask_step(
        update, context, resume_state(person), note=context.t("onboarding.resume")
    )


def step(state: str) -> Step:
    """An answer in ``state``: finished or erased meanwhile first, then the step itself."""
    parse = STEPS[state]

    async def on_answer(update: Update, context: TongxinContext) -> object:
        if registered(context.person):  # finished elsewhere (e.g. a stale state): the menu
            await welcome_back(update, context)
            return END
        if state != CONSENT and context.person is None:  # erased meanwhile: start over
            return await ask_step(update, context, CONSENT)
        return await parse(update, context)

    on_answer.__name__ = parse.__name__
    return on_answer


def back_from(state: str) -> Step:
    """⬅️: the previous question (consent has none: it is asked again)."""

    async def go_back(update: Update, context: TongxinContext) -> object:
        set_page(context, 0)
        return await ask_step(update, context, PREVIOUS.get(state, state))

    return go_back


def help_for(state: str) -> Step:
    """/help inside a step: explain, then ask the same question again."""

    async def on_help(update: Update, context: TongxinContext) -> object:
        await reply(update, context, context.t("onboarding.help"))
        return await ask_step(update, context, state)

    return on_help


def finish_first(state: str) -> Step:
    """🏠 before registering: there is no menu yet; the same question again."""

    async def on_home(update: Update, context: TongxinContext) -> object:
        return await ask_step(update, context, state, note=context.t("onboarding.finish_first"))

    return on_home


async def pause(update: Update, context: TongxinContext) -> object:
    """/cancel: pause; what was entered stays (nothing at all before consent)."""
    if context.person is not None:
        await reply_not_registered(update, context, "onboarding.cancelled")
        return END
    await reply_not_registered(update, context, "onboarding.cancelled.nothing")
    user, chat = update.effective_user, update.effective_chat
    if user is not None and chat is not None:
        forget_ui_state(context.application, chat.id, user.id)
    return END


def restart_labels(wiring: Wiring) -> list[str]:
    """The start and "start again" buttons' labels in every language."""
    again = [wiring.i18n.translator(lang)("onboarding.restart") for lang in wiring.i18n.languages]
    return [*start_labels(wiring.i18n), *again]


def handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    """The persistent onboarding conversation (for people not registered yet)."""
    commands = filters.COMMAND & ~PASSTHROUGH
    states = {
        state: Screen(step(state), back=back_from(state), home=finish_first(state))
        for state in STEPS
    }
    extra: dict[object, list[BaseHandler]] = {  # type: ignore[type-arg]
        state: [
            CommandHandler("cancel", pause),
            CommandHandler("help", help_for(state)),
            CommandHandler("menu", finish_first(state)),
            # Any other command mid-registration is an answer the step cannot use.
            MessageHandler(commands, step(state)),
        ]
        for state in STEPS
    }
    return [
        conversation(
            "onboarding",
            entry_points=[
                CommandHandler("start", start),
                # The start buttons (after refusing, pausing, erasing): the same as /start.
                MessageHandler(filters.Text(restart_labels(wiring)), start),
            ],
            screens=states,
            extra=extra,
            registered_only=False,
        )
    ]
