"""Before a screen's step: "您是说……吗？" for an unsure match, and a kind word for a voice note.

The screen wrapper (``handlers.kit.flow.screen``) calls ``before_step`` with every answer:

- **Unsure.** When the shared matcher (``models.core.words``) finds a choice only in the grey
  zone (a near spelling, two choices equally close), the person is asked "您是说「…」吗？" with
  是 / 不是. Yes (or 好的, 1 …) takes that choice: the step runs and ``chosen`` returns it. No
  shows the same screen again. Anything else is a fresh answer to the screen. A destructive
  choice is never guessed, so it is never asked about either.
- **Voice** that no recogniser read (``handlers.kit.hearing``) gets a kind answer in words and
  the same screen again, never the generic "not understood": tap or type a number on a choice
  screen, type on a screen that takes words. A screen whose step keeps voice (a comment:
  ``ask(keeps_voice=True)``) gets it as it is.

The screen shown again is the one ``ask`` stored: the same question and the same keyboard.
"""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.context import TongxinContext
from handlers.kit.replies import lead, reply
from handlers.kit.screens import (
    GUESS_KEY,
    PICKED_KEY,
    keeps_voice,
    message_text,
    screen_again,
    shown,
    takes_free_text,
    understood,
)
from handlers.kit.ui import Option, choice_keyboard
from models.core.phrases import is_no, is_yes
from models.core.words import Means, exactly


def _user_data(context: TongxinContext) -> dict[str, Any]:
    if context.user_data is None:
        raise RuntimeError("screens need an update with a user")
    return context.user_data


def _yes_no(context: TongxinContext) -> list[Option]:
    t = context.t
    return [
        Option("yes", t("words.yes"), Means(yes=True)),
        Option("no", t("words.no"), Means(yes=False)),
    ]


async def show_again(update: Update, context: TongxinContext, first: str) -> bool:
    """The current screen again, as it was, under ``first``; False when none was stored."""
    again = screen_again(context)
    if again is None:
        return False
    text, keyboard = again
    await reply(update, context, lead(first, text), keyboard)
    return True


async def before_step(update: Update, context: TongxinContext) -> bool:
    """Answer a guess, a voice note or an unsure match here; True when the step must not run."""
    data, text = _user_data(context), message_text(update)
    guess = data.pop(GUESS_KEY, None)
    if isinstance(guess, dict) and text:
        answer = exactly(text, _yes_no(context))
        if is_yes(text) or (answer is not None and answer.key == "yes"):
            data[PICKED_KEY] = {"update": update.update_id, "key": guess.get("key")}
            return False
        if is_no(text) or (answer is not None and answer.key == "no"):
            return await show_again(update, context, context.t("words.choose_again"))
    message = update.message
    if message is not None and message.voice is not None and not text:
        if keeps_voice(context):
            return False
        free = takes_free_text(context) or not shown(context)
        return await show_again(
            update, context, context.t("words.voice.type" if free else "words.voice.choose")
        )
    found = understood(update, context)
    if found.choice is None or found.sure:
        return False
    data[GUESS_KEY] = {"key": found.choice.key}
    question = context.t("words.did_you_mean", choice=found.choice.label)
    await reply(update, context, question, choice_keyboard(_yes_no(context), context.t))
    return True
