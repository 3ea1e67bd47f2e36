"""Elder-friendly screens: numbered big buttons, Back and Main menu, choice matching.

Menus are reply keyboards. How dense a screen may be is its ``Layout``, decided here and only
here from the person's elder mode: in elder mode (the default) one button a row and at most 6
choices a screen, else up to 2 a row and 8 choices; beyond that, a "more" choice pages (⬅️ and
🏠 are not counted). Each label starts with its number so typing "1" works as well as tapping;
matching also accepts the bare words.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from telegram import KeyboardButton, ReplyKeyboardMarkup

from bot.i18n import Translator
from models.core.words import Means, exactly

if TYPE_CHECKING:
    from bot.context import TongxinContext
    from models.core.people import Person

MAX_CHOICES = 8  # a screen's choices with elder mode off (⬅️ and 🏠 not counted)
ELDER_CHOICES = 6  # … and in elder mode
# A bare choice number as typed ("3", " 12 ", full-width "３" too: \d is Unicode-aware).
BARE_NUMBER = re.compile(r"^\s*\d{1,2}\s*$")


@dataclass(frozen=True)
class Option:
    """One choice on a screen: a stable key, its translated label, what it means (a day, a
    count, yes/no, other names: ``models.core.words``) and whether it destroys something
    (cancel, erase, reject: then only its number or exact label picks it)."""

    key: str
    label: str
    means: Means | None = None
    destructive: bool = False


@dataclass(frozen=True)
class Layout:
    """How dense a screen may be: its most choices (⬅️ and 🏠 aside) and buttons a row."""

    choices: int
    columns: int


ELDER = Layout(choices=ELDER_CHOICES, columns=1)
DENSE = Layout(choices=MAX_CHOICES, columns=2)


def layout_for(person: Person | None) -> Layout:
    """Elder mode's layout unless the person turned it off (nobody known yet: elder mode)."""
    return DENSE if person is not None and not person.elder_mode else ELDER


def layout(context: TongxinContext) -> Layout:
    """The layout of the person this update is from: the one place elder mode shapes screens."""
    return layout_for(context.person)


def prompt(context: TongxinContext, msgid: str, /, **params: object) -> str:
    """A screen's words: in elder mode its short variant (``<msgid>.short``) when it has one.

    The rule (docs/elder-mode.md): a short variant is the question alone, without the examples,
    limits or instructions that the buttons already give."""
    return _shortest(context, msgid, lambda wanted: context.t(wanted, **params))


def prompt_n(context: TongxinContext, msgid: str, count: int, /, **params: object) -> str:
    """``prompt`` for a message with plural forms (``count`` picks the form)."""
    return _shortest(context, msgid, lambda wanted: context.t.n(wanted, count, **params))


def _shortest(context: TongxinContext, msgid: str, say: Callable[[str], str]) -> str:
    if layout(context) is ELDER:
        short = f"{msgid}.short"
        text = say(short)
        if not text.startswith(short):  # a missing message comes back as its id
            return text
    return say(msgid)


def numbered(options: Sequence[Option]) -> list[str]:
    """Labels with their number in front: ``1. 同意``."""
    return [f"{index}. {option.label}" for index, option in enumerate(options, start=1)]


@functools.lru_cache(maxsize=4096)  # the same few labels and answers, several times an update
def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def match_option(text: str | None, options: Sequence[Option]) -> Option | None:
    """The option the user meant by tapping, or typing its number or exact words."""
    return exactly(text, options)


def is_nav(text: str | None, t: Translator, which: str) -> bool:
    """Whether the text is the Back (``back``) or Main menu (``home``) button or its words."""
    if not text:
        return False
    wanted = _normalise(text)
    return bool(wanted) and wanted in _nav_words(t, which)


@functools.lru_cache(maxsize=64)  # per translator (one a language) and button
def _nav_words(t: Translator, which: str) -> frozenset[str]:
    return frozenset({_normalise(t(f"nav.{which}")), _normalise(t(f"nav.{which}.word"))})


def nav_row(t: Translator, *, back: bool = True, home: bool = True) -> list[str]:
    """The Back / Main menu row every screen ends with."""
    row = []
    if back:
        row.append(t("nav.back"))
    if home:
        row.append(t("nav.home"))
    return row


def choice_rows(
    options: Sequence[Option],
    t: Translator,
    *,
    columns: int = 1,
    back: bool = True,
    home: bool = True,
    extra_rows: Sequence[Sequence[KeyboardButton | str]] = (),
    top_rows: Sequence[Sequence[KeyboardButton | str]] = (),
    shape: Layout = DENSE,
) -> list[list[KeyboardButton | str]]:
    """A reply keyboard's rows: top rows, numbered choices, extra rows, then Back / Main menu.

    ``columns`` is what the screen would like; ``shape`` caps it (elder mode: one a row), and
    the choices and extra rows together must fit ``shape`` (page them with ``page_of``)."""
    extras = [list(row) for row in extra_rows]
    if len(options) + sum(len(row) for row in extras) > shape.choices:
        raise ValueError(f"paginate: at most {shape.choices} choices a screen")
    columns = max(1, min(columns, shape.columns))
    labels = numbered(options)
    rows: list[list[KeyboardButton | str]] = [list(row) for row in top_rows]
    rows.extend(list(labels[i : i + columns]) for i in range(0, len(labels), columns))
    if shape.columns == 1:
        rows.extend([button] for row in extras for button in row)
    else:
        rows.extend(extras)
    nav = nav_row(t, back=back, home=home)
    if nav:
        rows.append(list(nav))
    return rows


def choice_keyboard(
    options: Sequence[Option],
    t: Translator,
    *,
    columns: int = 1,
    back: bool = True,
    home: bool = True,
    extra_rows: Sequence[Sequence[KeyboardButton | str]] = (),
    top_rows: Sequence[Sequence[KeyboardButton | str]] = (),
    shape: Layout = DENSE,
) -> ReplyKeyboardMarkup:
    """The reply keyboard of ``choice_rows`` (same arguments)."""
    rows = choice_rows(
        options,
        t,
        columns=columns,
        back=back,
        home=home,
        extra_rows=extra_rows,
        top_rows=top_rows,
        shape=shape,
    )
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)


def keyboard_rows(rows: Sequence[Sequence[KeyboardButton | str]]) -> list[list[Any]]:
    """``choice_rows`` as stored with a screen: labels, and the Bot API dict of a button with
    more than a label (``models.core.screens.reply_keyboard`` makes the keyboard of them)."""
    return [[b if isinstance(b, str) else b.to_dict() for b in row] for row in rows]


def room(context: TongxinContext, fixed: int = 0) -> int:
    """How many choices of a list fit a screen beside ``fixed`` ones always shown there."""
    return max(1, layout(context).choices - fixed)


def page_of(
    options: Sequence[Option], page: int, context: TongxinContext, *, fixed: int = 0
) -> tuple[list[Option], int]:
    """Options for one page, with a "more" choice when they do not fit, and the page count.

    A page holds what the person's layout allows (``fixed``: other choices on the screen)."""
    fits = room(context, fixed)
    if len(options) <= fits:
        return list(options), 1
    per_page = max(1, fits - 1)
    pages = (len(options) + per_page - 1) // per_page
    page = page % pages
    chunk = list(options[page * per_page : (page + 1) * per_page])
    chunk.append(Option("__more__", context.t("nav.more")))
    return chunk, pages
