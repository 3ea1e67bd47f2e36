"""One question a screen: ask with numbered choices, then match the answer to what was shown.

``ask`` remembers the choices it showed (in ``user_data``, so "3" still means what the person
saw after the list changed, or after a restart), with what they mean, and the question and its
keyboard (so the kit can show the same screen again: after a voice note, after "您是说……吗？"
is answered no). ``chosen`` matches the next message against them with the shared matcher
(``models.core.words``): the tapped label, its number, or its words and meaning. ``extra``
choices get no number (e.g. "⚡ the nearest free slots" under a list of days) and are matched
by their words only. A screen that takes free text (``free_text``: a name) matches only
numbers and exact labels, so a typed name is never read as a choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, TypeVar

from telegram import KeyboardButton, ReplyKeyboardMarkup, Update

from bot.context import TongxinContext
from handlers.kit.drafts import SHOWN_KEY
from handlers.kit.replies import lead, reply
from handlers.kit.ui import Option, choice_keyboard
from models.core.base import utcnow
from models.core.phrases import choice_number
from models.core.words import Means, Understood, understand

PICKED_KEY = "picked"  # user_data: a choice confirmed after "您是说……吗？", for this update
GUESS_KEY = "guess"  # user_data: the choice "您是说……吗？" asks about (handlers.kit.words)

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
    free_text: bool = False,
    keeps_voice: bool = False,
) -> State:
    """Send the question (after ``first``) with its numbered choices, ``extra`` ones and ⬅️/🏠.

    ``top_rows`` go above the choices (e.g. a share-my-number button); ``back`` False leaves
    out ⬅️ where there is nothing to go back to. ``free_text``: the screen also takes typed
    words (a name), so only numbers and exact labels pick a choice; ``keeps_voice``: a voice
    note the kit could not read is the step's to keep (a comment), not asked again.
    """
    keyboard = choice_keyboard(
        options,
        context.t,
        columns=columns,
        back=back,
        extra_rows=[[o.label] for o in extra],
        top_rows=top_rows,
    )
    for done in (GUESS_KEY, PICKED_KEY):  # a new screen: an old guess means nothing here
        _user_data(context).pop(done, None)
    _user_data(context)[SHOWN_KEY] = {
        "options": [_stored(o) for o in options],
        "extra": [_stored(o) for o in extra],
        "text": text,
        "keyboard": keyboard.to_dict(),
        "free_text": free_text or not (options or extra),
        "keeps_voice": keeps_voice,
    }
    await reply(update, context, lead(first, text), keyboard)
    return state


def _stored(option: Option) -> list[Any]:
    means = option.means.stored() if option.means is not None else {}
    return [option.key, option.label, means, option.destructive]


def _option(stored: Any) -> Option:
    key, label, *rest = stored
    means = Means.from_stored(rest[0]) if rest else None
    return Option(str(key), str(label), means, bool(rest[1]) if len(rest) > 1 else False)


def _screen(context: TongxinContext) -> dict[str, Any]:
    stored = _user_data(context).get(SHOWN_KEY)
    return stored if isinstance(stored, dict) else {}


def shown(context: TongxinContext) -> list[Option]:
    """The numbered choices the current screen showed."""
    return [_option(stored) for stored in _screen(context).get("options", [])]


def takes_free_text(context: TongxinContext) -> bool:
    """Whether the current screen takes typed words (a name) besides its choices."""
    return bool(_screen(context).get("free_text"))


def keeps_voice(context: TongxinContext) -> bool:
    """Whether the current screen's step keeps a voice note it is sent."""
    return bool(_screen(context).get("keeps_voice"))


def screen_again(context: TongxinContext) -> tuple[str, ReplyKeyboardMarkup] | None:
    """The current screen's question and keyboard, to show it again as it was."""
    stored = _screen(context)
    text, keyboard = stored.get("text"), stored.get("keyboard")
    if not isinstance(text, str) or not isinstance(keyboard, dict):
        return None
    return text, ReplyKeyboardMarkup.de_json(keyboard, context.bot)


def today(context: TongxinContext) -> date:
    """The date now where the bot's residents live (day words are read from it)."""
    return utcnow().astimezone(context.services.settings.tz).date()


def understood(update: Update, context: TongxinContext) -> Understood[Option]:
    """What the message picks on the current screen, and how surely: a choice confirmed after
    "您是说……吗？", a numbered choice, an unnumbered ``extra`` one, or a near numbered one."""
    picked = _user_data(context).get(PICKED_KEY)
    if isinstance(picked, dict) and picked.get("update") == update.update_id:
        key = str(picked.get("key"))
        match = next((o for o in shown(context) if o.key == key), Option(key, ""))
        return Understood(match, sure=True)
    text, loose = message_text(update), not takes_free_text(context)
    found = understand(text, shown(context), today=today(context), loose=loose)
    if found.sure or not text or choice_number(text) is not None:
        return found
    for option in (_option(stored) for stored in _screen(context).get("extra", [])):
        if understand(text, [option], loose=loose).sure:
            return Understood(option, sure=True)
    return found


def chosen(update: Update, context: TongxinContext) -> str | None:
    """The key of the shown choice the person picked (surely), or None."""
    found = understood(update, context)
    return found.choice.key if found.choice is not None and found.sure else None
