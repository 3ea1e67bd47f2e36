"""Elder-friendly screens: numbered big buttons, Back and Main menu, choice matching.

Menus are reply keyboards (large, ≤ 2 per row, ≤ 8 choices a screen). Each label starts with its
number so typing "1" works as well as tapping; matching also accepts the bare words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import KeyboardButton, ReplyKeyboardMarkup

from bot.i18n import Translator
from models.core.words import Means, exactly

MAX_CHOICES = 8
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


def numbered(options: Sequence[Option]) -> list[str]:
    """Labels with their number in front: ``1. 同意``."""
    return [f"{index}. {option.label}" for index, option in enumerate(options, start=1)]


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
    return bool(wanted) and wanted in {
        _normalise(t(f"nav.{which}")),
        _normalise(t(f"nav.{which}.word")),
    }


def nav_row(t: Translator, *, back: bool = True, home: bool = True) -> list[str]:
    """The Back / Main menu row every screen ends with."""
    row = []
    if back:
        row.append(t("nav.back"))
    if home:
        row.append(t("nav.home"))
    return row


def choice_keyboard(
    options: Sequence[Option],
    t: Translator,
    *,
    columns: int = 1,
    back: bool = True,
    home: bool = True,
    extra_rows: Sequence[Sequence[KeyboardButton | str]] = (),
    top_rows: Sequence[Sequence[KeyboardButton | str]] = (),
) -> ReplyKeyboardMarkup:
    """A reply keyboard: top rows, numbered choices, extra rows, then Back / Main menu."""
    if len(options) > MAX_CHOICES:
        raise ValueError("paginate: at most 8 choices a screen")
    labels = numbered(options)
    rows: list[list[KeyboardButton | str]] = [list(row) for row in top_rows]
    rows.extend(list(labels[i : i + columns]) for i in range(0, len(labels), columns))
    rows.extend(list(row) for row in extra_rows)
    nav = nav_row(t, back=back, home=home)
    if nav:
        rows.append(list(nav))
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)


def page_of(options: Sequence[Option], page: int, t: Translator) -> tuple[list[Option], int]:
    """Options for one page (7 plus a "more" choice when they do not fit), and the page count."""
    if len(options) <= MAX_CHOICES:
        return list(options), 1
    per_page = MAX_CHOICES - 1
    pages = (len(options) + per_page - 1) // per_page
    page = page % pages
    chunk = list(options[page * per_page : (page + 1) * per_page])
    chunk.append(Option("__more__", t("nav.more")))
    return chunk, pages
