"""Callback codes: the one definition of each inline button's data, for writer and reader alike.

A model that puts buttons into an outbox message writes ``REMINDER.data("yes", booking_id)``; the
handler that receives the tap parses the same code with ``REMINDER.parse(data)``. The code says
which actions exist and what each carries, so a forged or stale tap (an unknown action, a huge
number, a stray emoji) parses to ``None`` and is refused in one place, never half-understood.

Data look like ``bk:yes:42``: a prefix owned by one feature (the feature registry refuses two
features claiming one prefix), an action, then the action's fields separated by ``:``. Two older
shapes are described too, so buttons already sent keep working: an action named ``""`` puts its
fields right after the prefix (``rate:42:5``), and ``optional`` fields may end an action's data
(``ap:ok:42`` and ``ap:ok:42:0``: all of them, or none).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

MAX_CALLBACK_BYTES = 64  # Telegram's limit on callback_data
MAX_ID = 2**31 - 1  # database integer ids are 32-bit on PostgreSQL
MAX_ID_DIGITS = len(str(MAX_ID))  # a longer "id" is refused by its pattern before int() sees it


class Field(Enum):
    """What one position of a callback's data holds (its digits are ASCII digits only)."""

    ID = rf"[1-9][0-9]{{0,{MAX_ID_DIGITS - 1}}}"  # a database id: 1 … 2**31-1
    NUMBER = r"[0-9]{1,6}"  # a small count, a page, a star rating
    WORD = r"[A-Za-z0-9_-]{1,24}"  # a code word: a role, a town code, a field name


@dataclass(frozen=True)
class Tap:
    """A parsed callback: the action and its fields (ids and numbers as int, words as str)."""

    action: str
    fields: tuple[int | str, ...] = ()

    def id(self, index: int = 0) -> int:
        """The field at ``index`` as an int (callers pick positions their action declared)."""
        return int(self.fields[index])

    def has(self, index: int) -> bool:
        """Whether the field at ``index`` is there (optional fields may be left off)."""
        return index < len(self.fields)

    def word(self, index: int = 0) -> str:
        """The field at ``index`` as text."""
        return str(self.fields[index])


@dataclass(frozen=True)
class CallbackCode:
    """The callback data of one family of buttons: ``prefix:action:field…[:optional…]``."""

    prefix: str
    actions: Mapping[str, Sequence[Field]]
    optional: Mapping[str, Sequence[Field]] = field(default_factory=dict)
    _patterns: dict[str, re.Pattern[str]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z]{1,8}", self.prefix):
            raise ValueError(f"callback prefix {self.prefix!r}: 1-8 lowercase letters")
        if set(self.optional) - set(self.actions):
            raise ValueError(f"callback prefix {self.prefix!r}: optional fields of no action")
        for action, fields in self.actions.items():
            named = [re.escape(action)] if action else []
            parts = [re.escape(self.prefix), *named, *(f"({f.value})" for f in fields)]
            tail = "".join(f":({f.value})" for f in self.optional.get(action, ()))
            ending = f"(?:{tail})?" if tail else ""
            self._patterns[action] = re.compile("^" + ":".join(parts) + ending + "$")

    @property
    def pattern(self) -> str:
        """The regex a CallbackQueryHandler uses to route every tap of this family."""
        return rf"^{re.escape(self.prefix)}(:|$)"

    def data(self, action: str, *values: int | str) -> str:
        """The callback data for ``action`` with its fields; refuses what ``parse`` would."""
        text = ":".join([self.prefix, *([action] if action else []), *(str(v) for v in values)])
        if self.parse(text) is None or len(text.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"invalid callback data for {self.prefix}:{action}")
        return text

    def parse(self, data: str | None) -> Tap | None:
        """The tap ``data`` stands for, or None when it is not one this code can produce."""
        if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
            return None
        action = data.split(":", 2)[1] if data.count(":") else ""
        if action not in self._patterns:
            action = ""  # a code whose data carry no action word (``rate:42:5``)
        pattern = self._patterns.get(action)
        found = pattern.match(data) if pattern is not None else None
        if found is None:
            return None
        kinds = [*self.actions[action], *self.optional.get(action, ())]
        values: list[int | str] = []
        for kind, raw in zip(kinds, found.groups(), strict=True):
            if raw is None:  # the optional fields were left off
                break
            if kind is Field.WORD:
                values.append(raw)
                continue
            number = int(raw)
            if kind is Field.ID and number > MAX_ID:
                return None
            values.append(number)
        return Tap(action, tuple(values))


_ID = re.compile(Field.ID.value)


def parse_id(text: str | None) -> int | None:
    """A database id written as text ("42"), or None for anything else (0, -1, 10**30, "4a")."""
    if text is None or not _ID.fullmatch(text.strip()):
        return None
    number = int(text.strip())
    return number if number <= MAX_ID else None
