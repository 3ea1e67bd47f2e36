"""Callback codes: the one definition of each inline button's data, for writer and reader alike.

A model that puts buttons into an outbox message writes ``REMINDER.data("yes", booking_id)``; the
handler that receives the tap parses the same code with ``REMINDER.parse(data)``. The code says
which actions exist and what each carries, so a forged or stale tap (an unknown action, a huge
number, a stray emoji) parses to ``None`` and is refused in one place, never half-understood.

Data look like ``bk:yes:42``: a prefix owned by one feature (the feature registry refuses two
features claiming one prefix), an action, then the action's fields separated by ``:``. The
action ``""`` has no word of its own: its fields follow the prefix (``rate:42:5``, a format
already on residents' phones).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

MAX_CALLBACK_BYTES = 64  # Telegram's limit on callback_data
MAX_ID = 2**31 - 1  # database integer ids are 32-bit on PostgreSQL


class Field(Enum):
    """What one position of a callback's data holds."""

    ID = r"[1-9]\d{0,9}"  # a database id: 1 … 2**31-1
    NUMBER = r"\d{1,6}"  # a small count, a page, a star rating
    WORD = r"[A-Za-z0-9_-]{1,24}"  # a code word: a role, a town code, a field name


@dataclass(frozen=True)
class Tap:
    """A parsed callback: the action and its fields (ids and numbers as int, words as str)."""

    action: str
    fields: tuple[int | str, ...] = ()

    def id(self, index: int = 0) -> int:
        """The field at ``index`` as an int (callers pick positions their action declared)."""
        return int(self.fields[index])

    def word(self, index: int = 0) -> str:
        """The field at ``index`` as text."""
        return str(self.fields[index])


@dataclass(frozen=True)
class CallbackCode:
    """The callback data of one family of buttons: ``prefix:action:field…``."""

    prefix: str
    actions: Mapping[str, Sequence[Field]]
    _patterns: dict[str, re.Pattern[str]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z]{1,8}", self.prefix):
            raise ValueError(f"callback prefix {self.prefix!r}: 1-8 lowercase letters")
        for action, fields in self.actions.items():
            head = [re.escape(self.prefix), *([re.escape(action)] if action else [])]
            parts = [*head, *(f"({f.value})" for f in fields)]
            self._patterns[action] = re.compile("^" + ":".join(parts) + "$")

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
            action = ""  # no such word: maybe the fields of the action without one
        pattern = self._patterns.get(action)
        found = pattern.match(data) if pattern is not None else None
        if found is None:
            return None
        kinds = self.actions[action]
        values: list[int | str] = []
        for kind, raw in zip(kinds, found.groups(), strict=True):
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
