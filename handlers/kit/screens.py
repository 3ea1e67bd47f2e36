"""One question a screen: ask with numbered choices, then match the answer to what was shown.

``ask`` remembers the choices it showed (in ``user_data``, so "3" still means what the person
saw after the list changed, or after a restart), with what they mean, and the question and its
keyboard (so the kit can show the same screen again: after a voice note, after "您是说……吗？"
is answered no). ``chosen`` matches the next message against them with the shared matcher
(``models.core.words``): the tapped label, its number, or its words and meaning. ``extra``
choices get no number (e.g. "⚡ the nearest free slots" under a list of days) and are matched
by their words only. A screen that takes free text (``free_text``: a name) matches only
numbers and exact labels, so a typed name is never read as a choice.

The person's layout (``handlers.kit.ui.layout``: elder mode or not) shapes every screen here:
buttons a row, and choices a screen. A list longer than the screen holds is paged by the kit
itself, with a "more" choice the flow never sees (``more_asked`` / ``ask_more``); a number means
the page shown, but words and meanings ("下周一") are read against the whole list.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, TypeVar

from telegram import KeyboardButton, ReplyKeyboardMarkup, Update

from bot.context import TongxinContext
from handlers.kit.drafts import SHOWN_KEY
from handlers.kit.replies import lead, reply
from handlers.kit.ui import Option, choice_rows, keyboard_rows, layout, match_option
from models.core.base import utcnow
from models.core.phrases import choice_number
from models.core.screens import reply_keyboard
from models.core.words import Means, Understood, understand

PICKED_KEY = "picked"  # user_data: a choice confirmed after "您是说……吗？", for this update
GUESS_KEY = "guess"  # user_data: the choice "您是说……吗？" asks about (handlers.kit.words)
KIT_MORE = "__kit_more__"  # the kit's own "more" under a list too long for one screen

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
    out ⬅️ where there is nothing to go back to; ``columns`` is a wish the layout may refuse.
    ``free_text``: the screen also takes typed words (a name), so only numbers and exact labels
    pick a choice; ``keeps_voice``: a voice note the kit could not read is the step's to keep
    (a comment), not asked again.
    """
    screen = {
        "text": text,
        "all": [_stored(o) for o in options],
        "extra": [_stored(o) for o in extra],
        "state": state,
        "columns": columns,
        "back": back,
        "top_rows": [[_button(b) for b in row] for row in top_rows],
        "free_text": free_text or not (options or extra),
        "keeps_voice": keeps_voice,
        "page": 0,
    }
    before = _screen(context).get("screen") or {}
    if all(before.get(k) == screen[k] for k in ("text", "all", "extra", "state")):
        screen["page"] = before.get("page", 0)  # asked again: the person stays on their page
    for done in (GUESS_KEY, PICKED_KEY):  # a new screen: an old guess means nothing here
        _user_data(context).pop(done, None)
    return await _show(update, context, screen, first)  # type: ignore[no-any-return]


def _button(button: KeyboardButton | str) -> dict[str, Any] | str:
    return button if isinstance(button, str) else button.to_dict()


def _unbutton(button: dict[str, Any] | str) -> KeyboardButton | str:
    return button if isinstance(button, str) else KeyboardButton.de_json(button, None)


async def _show(
    update: Update, context: TongxinContext, screen: dict[str, Any], first: str = ""
) -> Any:
    """Show one page of a screen; the page of a list too long for the layout ends in "more"."""
    shape, t = layout(context), context.t
    every = [_option(stored) for stored in screen["all"]]
    extra = [_option(stored) for stored in screen["extra"]]
    fits = max(1, shape.choices - len(extra))
    if len(every) <= fits:
        options = every
    else:
        per_page = max(1, fits - 1)
        pages = (len(every) + per_page - 1) // per_page
        screen["page"] = page = screen.get("page", 0) % pages
        options = [*every[page * per_page : (page + 1) * per_page], Option(KIT_MORE, t("nav.more"))]
    rows = keyboard_rows(
        choice_rows(
            options,
            t,
            columns=screen["columns"],
            back=screen["back"],
            extra_rows=[[o.label] for o in extra],
            top_rows=[[_unbutton(b) for b in row] for row in screen["top_rows"]],
            shape=shape,
        )
    )
    # Kept small (it is copied and stored at every flush): the page's keys, not its choices
    # again; the keyboard's labels, not its Bot API form.
    _user_data(context)[SHOWN_KEY] = {
        "options": [o.key for o in options],  # the page shown: what its numbers mean
        "text": screen["text"],
        "rows": rows,
        "screen": screen,
    }
    await reply(update, context, lead(first, screen["text"]), reply_keyboard(rows))
    return screen["state"]


def more_asked(update: Update, context: TongxinContext) -> bool:
    """Whether the message picks the kit's own "more" on the screen shown."""
    choice = match_option(message_text(update), shown(context))
    return choice is not None and choice.key == KIT_MORE


def on_a_later_page(context: TongxinContext) -> bool:
    """Whether the screen shown is a second (or later) page of the kit's paging."""
    return bool((_screen(context).get("screen") or {}).get("page", 0))


async def ask_fewer(update: Update, context: TongxinContext) -> Any:
    """The page before (⬅️ on a later page goes back a page, as a person expects)."""
    screen = dict(_screen(context)["screen"])
    screen["page"] = max(0, screen.get("page", 0) - 1)
    return await _show(update, context, screen)


async def ask_more(update: Update, context: TongxinContext) -> Any:
    """The next page of the screen shown (its state stays the same)."""
    screen = dict(_screen(context)["screen"])
    screen["page"] = screen.get("page", 0) + 1
    return await _show(update, context, screen)


def _stored(option: Option) -> list[Any]:
    """[key, label, meaning, destructive], the last two only when they say something."""
    means = option.means.stored() if option.means is not None else {}
    if option.destructive:
        return [option.key, option.label, means, True]
    return [option.key, option.label, means] if means else [option.key, option.label]


def _option(stored: Any) -> Option:
    key, label, *rest = stored
    means = Means.from_stored(rest[0]) if rest else None
    return Option(str(key), str(label), means, bool(rest[1]) if len(rest) > 1 else False)


def _screen(context: TongxinContext) -> dict[str, Any]:
    stored = _user_data(context).get(SHOWN_KEY)
    return stored if isinstance(stored, dict) else {}


def _part(context: TongxinContext, key: str) -> Any:
    """One thing the screen was asked with (a screen stored before paging kept it on top)."""
    stored = _screen(context)
    return (stored.get("screen") or stored).get(key)


def shown(context: TongxinContext) -> list[Option]:
    """The numbered choices the current screen showed (the kit's "more" among them)."""
    keys = _screen(context).get("options", [])
    made = context.memo.get(("shown", id(keys)))  # asked several times an update
    if made is not None and made[0] is keys:
        return list(made[1])
    every = {o.key: o for o in _whole_list(context)}
    every[KIT_MORE] = Option(KIT_MORE, context.t("nav.more"))
    # A key names a choice of the screen; a list is a choice kept whole (before 2026-12-03).
    options = [
        _option(item) if isinstance(item, list) else every.get(str(item), Option(str(item), ""))
        for item in keys
    ]
    context.memo[("shown", id(keys))] = (keys, options)  # holding it: its id stays its own
    return list(options)


def _whole_list(context: TongxinContext) -> list[Option]:
    """Every choice of the screen's list, on whichever page (words may name any of them)."""
    stored = (_screen(context).get("screen") or {}).get("all", [])
    made = context.memo.get(("all", id(stored)))
    if made is not None and made[0] is stored:
        return list(made[1])
    options = [_option(item) for item in stored]
    context.memo[("all", id(stored))] = (stored, options)
    return list(options)


def takes_free_text(context: TongxinContext) -> bool:
    """Whether the current screen takes typed words (a name) besides its choices."""
    return bool(_part(context, "free_text"))


def keeps_voice(context: TongxinContext) -> bool:
    """Whether the current screen's step keeps a voice note it is sent."""
    return bool(_part(context, "keeps_voice"))


def screen_again(context: TongxinContext) -> tuple[str, ReplyKeyboardMarkup] | None:
    """The current screen's question and keyboard, to show it again as it was."""
    stored = _screen(context)
    text, rows, keyboard = stored.get("text"), stored.get("rows"), stored.get("keyboard")
    if isinstance(rows, list):
        keyboard = reply_keyboard(rows)
    if not isinstance(text, str) or not isinstance(keyboard, dict):
        return None
    return text, ReplyKeyboardMarkup.de_json(keyboard, context.bot)


def today(context: TongxinContext) -> date:
    """The date now where the bot's residents live (day words are read from it)."""
    return utcnow().astimezone(context.services.settings.tz).date()


def understood(update: Update, context: TongxinContext) -> Understood[Option]:
    """What the message picks on the current screen, and how surely: a choice confirmed after
    "您是说……吗？", a numbered choice (of the page shown), one of the list's other pages by its
    words, an unnumbered ``extra`` one, or a near numbered one."""
    picked = _user_data(context).get(PICKED_KEY)
    if isinstance(picked, dict) and picked.get("update") == update.update_id:
        key = str(picked.get("key"))
        match = next((o for o in _whole_list(context) if o.key == key), None)
        match = match or next((o for o in shown(context) if o.key == key), Option(key, ""))
        return Understood(match, sure=True)
    text, loose = message_text(update), not takes_free_text(context)
    found = understand(text, shown(context), today=today(context), loose=loose)
    if found.sure or not text or choice_number(text) is not None:
        return found
    every = _whole_list(context)
    if len(every) > len(shown(context)):  # paged: the words may name a choice on another page
        anywhere = understand(text, every, today=today(context), loose=loose)
        if anywhere.sure:
            return anywhere
    for option in (_option(stored) for stored in _part(context, "extra") or []):
        if understand(text, [option], loose=loose).sure:
            return Understood(option, sure=True)
    return found


def chosen(update: Update, context: TongxinContext) -> str | None:
    """The key of the shown choice the person picked (surely), or None."""
    found = understood(update, context)
    return found.choice.key if found.choice is not None and found.sure else None
