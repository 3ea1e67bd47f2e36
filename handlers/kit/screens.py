"""One question a screen: ask with numbered choices, then match the answer to what was shown.

``ask`` remembers the choices it showed (in ``user_data``, so "3" still means what the person
saw after the list changed, or after a restart); ``chosen`` matches the next message against
them: the tapped label, its number, or its words. ``extra`` choices get no number (e.g. "⚡ the
nearest free slots" under a list of days) and are matched by their words only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from telegram import KeyboardButton, Update

from bot.context import TongxinContext
from handlers.kit.drafts import SHOWN_KEY
from handlers.kit.replies import lead, reply
from handlers.kit.ui import BARE_NUMBER, Option, choice_keyboard, match_option
from models.core.screens import SCREEN_KEY

State = TypeVar("State", int, str)


def message_text(update: Update) -> str | None:
    """The text of the person's message in this update, if any."""
    return update.message.text if update.message else None


def _user_data(context: TongxinContext) -> dict[str, Any]:
    if context.user_data is None:
        raise RuntimeError("screens need an update with a user")
    return context.user_data


async def ask(
    update: Update,
    context: TongxinContext,
    text: str,
    options: Sequence[Option],
    state: State,
    *,
    first: str = "",
    extra: Sequence[Option] = (),
    columns: int = 1,
    back: bool = True,
    top_rows: Sequence[Sequence[KeyboardButton | str]] = (),
) -> State:
    """Send the question (after ``first``) with its numbered choices, ``extra`` ones and ⬅️/🏠.

    ``top_rows`` go above the choices (e.g. a share-my-number button); ``back`` False leaves
    out ⬅️ where there is nothing to go back to.
    """
    _user_data(context)[SHOWN_KEY] = {
        "options": [[o.key, o.label] for o in options],
        "extra": [[o.key, o.label] for o in extra],
    }
    keyboard = choice_keyboard(
        options,
        context.t,
        columns=columns,
        back=back,
        extra_rows=[[o.label] for o in extra],
        top_rows=top_rows,
    )
    # The question as shown, so a notice the outbox pump delivers mid-flow can be followed
    # by the same question and keyboard (models.core.screens; the pump may be another process).
    _user_data(context)[SCREEN_KEY] = {"text": text, "keyboard": keyboard.to_dict()}
    await reply(update, context, lead(first, text), keyboard)
    return state


def shown(context: TongxinContext) -> list[Option]:
    """The numbered choices the current screen showed."""
    stored = _user_data(context).get(SHOWN_KEY) or {}
    return [Option(str(k), str(label)) for k, label in stored.get("options", [])]


def chosen(update: Update, context: TongxinContext) -> str | None:
    """The key of the shown choice the person picked, or None."""
    text = message_text(update)
    choice = match_option(text, shown(context))
    if choice is not None:
        return choice.key
    if text and not BARE_NUMBER.match(text):
        stored = _user_data(context).get(SHOWN_KEY) or {}
        for key, label in stored.get("extra", []):
            if match_option(text, [Option(str(key), str(label))]) is not None:
                return str(key)
    return None
