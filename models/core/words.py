"""The shared matcher: what a person typed (or said), mapped onto the choices of a screen.

Each choice may declare what it means (``Means``): a day, a head count, yes or no, other names
for it. ``understand`` then reads, in this order:

1. **Sure, for every choice**: the choice's number ("3", "３", "七", "第三个", "7。") or its exact
   label. Only these can pick a **destructive** choice (cancel a booking, erase one's data,
   reject): the matcher never guesses one.
2. **Sure, by meaning** (``loose``): yes and no words ("好的", "可以", "ok" / "不要", "算了"),
   a head count ("两个人", "2位", "two people"), a day ("明天", "周六", "下周一", "saturday"),
   a name the choice is also known by, typed whole or within a sentence ("我想订午饭").
3. **Near matches** of labels and names with ``rapidfuzz``: a clear winner is sure
   ("长江新村" for 长江新村社区); a grey-zone score, or two choices equally close, is *unsure*,
   and the screen asks "您是说……吗？" before taking it.

Pure Python, no Telegram: any channel (and any domain: booking, events, disputes) reuses it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, Protocol, TypeVar

from rapidfuzz import fuzz

from models.core.phrases import choice_number, find_count, find_day, is_no, is_yes, tidy

SURE = 88  # a score at least this high, clearly ahead of the next choice, is taken
UNSURE = 65  # from here up to SURE (or a tie at the top) the screen asks "did you mean …?"
LEAD = 8  # how far ahead of the runner-up a sure choice must be
_NUMBER_PREFIX = re.compile(r"^\s*(\d{1,2})\s*[.、．)]\s*")


@dataclass(frozen=True)
class Means:
    """What a choice means besides its label: a day, a head count, yes/no, other names."""

    day: date | None = None
    count: int | None = None
    yes: bool | None = None  # True: the choice agrees; False: it declines
    words: tuple[str, ...] = ()  # other names people call it by, in any language

    def stored(self) -> dict[str, Any]:
        """The meaning as JSON-ready data (screens keep it between updates)."""
        data: dict[str, Any] = {}
        if self.day is not None:
            data["day"] = self.day.isoformat()
        if self.count is not None:
            data["count"] = self.count
        if self.yes is not None:
            data["yes"] = self.yes
        if self.words:
            data["words"] = list(self.words)
        return data

    @classmethod
    def from_stored(cls, data: Any) -> Means | None:
        """The meaning ``stored`` gave (None for nothing)."""
        if not isinstance(data, dict) or not data:
            return None
        day = data.get("day")
        return cls(
            day=date.fromisoformat(day) if isinstance(day, str) else None,
            count=data.get("count") if isinstance(data.get("count"), int) else None,
            yes=data.get("yes") if isinstance(data.get("yes"), bool) else None,
            words=tuple(str(word) for word in data.get("words", ())),
        )


class Choice(Protocol):
    """What the matcher needs of a choice (the kit's ``Option`` is one)."""

    @property
    def key(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def means(self) -> Means | None: ...
    @property
    def destructive(self) -> bool: ...


C = TypeVar("C", bound=Choice)


@dataclass(frozen=True)
class Understood(Generic[C]):
    """The choice the words point at (None: none), and whether that is sure."""

    choice: C | None = None
    sure: bool = False


def plain(text: str) -> str:
    """Letters and digits only, case-folded (emoji, marks and spaces dropped)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def tapped(text: str) -> bool:
    """Whether the text is a numbered button's label ("1. ✅ 确认预约"), tapped, not typed."""
    return _NUMBER_PREFIX.match(text) is not None and bool(plain(_NUMBER_PREFIX.sub("", text)))


def exactly(text: str | None, choices: Sequence[C]) -> C | None:
    """The choice picked by its number or its exact label (a tap), or None."""
    if not text:
        return None
    number = choice_number(text)
    if number is not None:
        return choices[number - 1] if 1 <= number <= len(choices) else None
    wanted = plain(_NUMBER_PREFIX.sub("", text, count=1))
    if not wanted:
        return None
    return next((choice for choice in choices if plain(choice.label) == wanted), None)


def understand(
    text: str | None, choices: Sequence[C], *, today: date | None = None, loose: bool = True
) -> Understood[C]:
    """What ``text`` picks among ``choices``: exactly, by meaning, or by a near match.

    ``today`` lets day words count; ``loose`` False takes only numbers and exact labels (for
    screens that take free text, where a name must not be read as a choice).
    """
    found = exactly(text, choices)
    if found is not None:
        return Understood(found, sure=True)
    if not text or not loose:
        return Understood()
    safe = [choice for choice in choices if not choice.destructive]
    meant = _by_meaning(text, safe, today)
    if meant is not None:
        return Understood(meant, sure=True)
    if is_yes(text) or is_no(text):  # a yes or no with no safe choice saying it: no guessing
        return Understood()
    return _nearest(text, safe)


def _one(found: list[C]) -> C | None:
    return found[0] if len(found) == 1 else None


def _by_meaning(text: str, choices: Sequence[C], today: date | None) -> C | None:
    """The one choice whose declared meaning the words say, if exactly one."""
    meanings = [(choice, choice.means) for choice in choices if choice.means is not None]
    if not meanings:
        return None
    for answer, says in ((True, is_yes(text)), (False, is_no(text))):
        if says:
            return _one([c for c, means in meanings if means.yes is answer])
    if any(means.count is not None for _, means in meanings):
        count = find_count(text)
        if count is not None:
            return _one([c for c, means in meanings if means.count == count])
    if today is not None and any(means.day is not None for _, means in meanings):
        day = find_day(text, today)
        if day is not None:
            return _one([c for c, means in meanings if means.day == day])
    return None


def _names(choice: Choice) -> list[str]:
    words = choice.means.words if choice.means is not None else ()
    return [choice.label, *words]


def _score(said: str, typed: str, name: str) -> float:
    """How close the typed words are to one name of a choice (0–100)."""
    known = plain(name)
    if not known:
        return 0.0
    if said == known:
        return 100.0
    if len(known) >= 2 and _mentions(typed, name, known, said):
        return 90.0  # the text names it ("我想订午饭" names 午饭)
    if len(said) >= 2 and _part_of(said, typed, name, known):  # "长江新村" of 长江新村社区
        return SURE + 10 * len(said) / len(known)
    return fuzz.WRatio(said, known) * 0.9


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", tidy(text)))


def _part_of(said: str, typed: str, name: str, known: str) -> bool:
    if said.isascii():  # whole English words only: "ok" is not part of "No, keep it"
        words = _words(typed)
        return bool(words) and re.search(rf"\b{re.escape(words)}\b", _words(name)) is not None
    return said in known


def _mentions(typed: str, name: str, known: str, said: str) -> bool:
    if known.isascii():  # whole English words only: "book" is not in "facebook"
        words = _words(name)
        return bool(words) and re.search(rf"\b{re.escape(words)}\b", _words(typed)) is not None
    return known in said


def _rank(item: tuple[float, int, Any]) -> tuple[float, int]:
    return -item[0], item[1]


def _nearest(text: str, choices: Sequence[C]) -> Understood[C]:
    """The closest choice by its names: sure when clearly ahead, unsure in the grey zone."""
    said = plain(text)
    if len(said) < 2 or not choices:
        return Understood()
    scores = [max(_score(said, text, name) for name in _names(c)) for c in choices]
    scored = sorted(zip(scores, range(len(choices)), choices, strict=True), key=_rank)
    best, _, choice = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if best < UNSURE:
        return Understood()
    if best == 100.0 and runner_up < 100.0:
        return Understood(choice, sure=True)
    if best >= SURE and best - runner_up >= LEAD:
        return Understood(choice, sure=True)
    close = [item for item in scored if best - item[0] < LEAD]
    if len(close) > 2:  # no telling which: the screen is shown again
        return Understood()
    return Understood(choice, sure=False)
