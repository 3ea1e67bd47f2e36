"""One question a screen: ask with numbered choices, then match the answer to what was shown.

``ask`` remembers the choices it showed (in ``user_data``, so "3" still means what the person
saw after the list changed, or after a restart); ``chosen`` matches the next message against
them: the tapped label, its number, or its words. ``extra`` choices get no number (e.g. "⚡ the
nearest free slots" under a list of days) and are matched by their words only.

The person's layout (``handlers.kit.ui.layout``: elder mode or not) shapes every screen here:
buttons a row, and choices a screen. A list longer than the screen holds is paged by the kit
itself, with a "more" choice the flow never sees (``more_asked`` / ``ask_more``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from telegram import KeyboardButton, Update

from bot.context import TongxinContext
from handlers.kit.drafts import SHOWN_KEY
from handlers.kit.replies import lead, reply
from handlers.kit.ui import BARE_NUMBER, Option, choice_keyboard, layout, match_option

State = TypeVar("State", int, str)
KIT_MORE = "__kit_more__"  # the kit's own "more" under a list too long for one screen


def message_text(update: Update) -> str | None:
    """The text of the person's message in this update, if any."""
    return update.message.text if update.message else None


def _user_data(context: TongxinContext) -> dict[str, Any]:
    if context.user_data is None:
        raise RuntimeError("screens need an update with a user")
    return context.user_data


def _pairs(options: Sequence[Option]) -> list[list[str]]:
    return [[o.key, o.label] for o in options]


def _options(pairs: Sequence[Sequence[str]]) -> list[Option]:
    return [Option(str(key), str(label)) for key, label in pairs]


async def ask(
    update: Update,
    context: TongxinContext,
    text: str,
    options: Sequence[Option],
    state: State,
    *,
    first: str = "",
    extra: Sequence[Option] = (),
    aliases: Sequence[Option] = (),
    columns: int = 1,
    back: bool = True,
    top_rows: Sequence[Sequence[KeyboardButton | str]] = (),
) -> State:
    """Send the question (after ``first``) with its numbered choices, ``extra`` ones and ⬅️/🏠.

    ``top_rows`` go above the choices (e.g. a share-my-number button); ``back`` False leaves
    out ⬅️ where there is nothing to go back to. ``columns`` is a wish the layout may refuse.
    ``aliases`` are other words for a choice (e.g. a topic's bare name beside "✅ topic (on)"),
    matched like ``extra`` but never shown.
    """
    screen = {
        "text": text,
        "all": _pairs(options),
        "extra": _pairs(extra),
        "aliases": _pairs(aliases),
        "state": state,
        "columns": columns,
        "back": back,
        "top_rows": [[_button(b) for b in row] for row in top_rows],
        "page": 0,
    }
    before = (_user_data(context).get(SHOWN_KEY) or {}).get("screen") or {}
    if all(before.get(k) == screen[k] for k in ("text", "all", "extra", "state")):
        screen["page"] = before.get("page", 0)  # asked again: the person stays on their page
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
    every, extra = _options(screen["all"]), _options(screen["extra"])
    fits = max(1, shape.choices - len(extra))
    if len(every) <= fits:
        options = every
    else:
        per_page = max(1, fits - 1)
        pages = (len(every) + per_page - 1) // per_page
        screen["page"] = page = screen.get("page", 0) % pages
        options = [*every[page * per_page : (page + 1) * per_page], Option(KIT_MORE, t("nav.more"))]
    _user_data(context)[SHOWN_KEY] = {
        "options": _pairs(options),
        "extra": screen["extra"],
        "aliases": screen.get("aliases", []),
        "screen": screen,
    }
    keyboard = choice_keyboard(
        options,
        t,
        columns=screen["columns"],
        back=screen["back"],
        extra_rows=[[o.label] for o in extra],
        top_rows=[[_unbutton(b) for b in row] for row in screen["top_rows"]],
        shape=shape,
    )
    await reply(update, context, lead(first, screen["text"]), keyboard)
    return screen["state"]


def more_asked(update: Update, context: TongxinContext) -> bool:
    """Whether the message picks the kit's own "more" on the screen shown."""
    choice = match_option(message_text(update), shown(context))
    return choice is not None and choice.key == KIT_MORE


def on_a_later_page(context: TongxinContext) -> bool:
    """Whether the screen shown is a second (or later) page of the kit's paging."""
    stored = _user_data(context).get(SHOWN_KEY) or {}
    return bool((stored.get("screen") or {}).get("page", 0))


async def ask_fewer(update: Update, context: TongxinContext) -> Any:
    """The page before (⬅️ on a later page goes back a page, as a person expects)."""
    stored = _user_data(context).get(SHOWN_KEY) or {}
    screen = dict(stored["screen"])
    screen["page"] = max(0, screen.get("page", 0) - 1)
    return await _show(update, context, screen)


async def ask_more(update: Update, context: TongxinContext) -> Any:
    """The next page of the screen shown (its state stays the same)."""
    stored = _user_data(context).get(SHOWN_KEY) or {}
    screen = dict(stored["screen"])
    screen["page"] = screen.get("page", 0) + 1
    return await _show(update, context, screen)


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
        for key, label in [*stored.get("extra", []), *stored.get("aliases", [])]:
            if match_option(text, [Option(str(key), str(label))]) is not None:
                return str(key)
    return None
