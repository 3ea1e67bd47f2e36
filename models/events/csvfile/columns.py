"""events.csv's columns and the text forms of its cells that are the events' own: codes, the
status, the audience and the question's options (docs/catalogue-csv.md). Each parser raises
``TextInvalid`` with an English reason; each has a formatter that writes what it reads."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from models.core.csvfile import TextInvalid, format_local, normalise, parse_local
from models.core.people import NOTICE_TOPICS
from models.core.places import Community, Town
from models.events.managing import OptionDraft
from models.events.tables import EventStatus, QuestionKind

MAX_PLACES = 10_000
MAX_PARTY = 99
MAX_OPTIONS = 8
QUOTA = "quota_"  # quota_D, quota_Q: one column per town, by the town's code
HEAD_COLUMNS = (
    "code", "status", "name_zh", "name_en", "description_zh", "description_en",
    "missing_language", "host_town", "cohost_town", "venue_code", "place_zh", "place_en",
    "directions_zh", "directions_en", "accessibility_zh", "accessibility_en", "bring_zh",
    "bring_en", "starts_at", "ends_at", "capacity",
)  # fmt: skip
TAIL_COLUMNS = (
    "held_back", "held_back_until", "registration_closes_at", "audience", "topic", "max_party",
    "question_kind", "question_zh", "question_en", "options", "taken",
)  # fmt: skip
TEXT_COLUMNS = (
    "name_zh", "name_en", "description_zh", "description_en", "place_zh", "place_en",
    "directions_zh", "directions_en", "accessibility_zh", "accessibility_en", "bring_zh",
    "bring_en", "question_zh", "question_en",
)  # fmt: skip
NEW_EVENT_NEEDS = ("name_zh", "name_en", "host_town", "starts_at", "ends_at", "capacity")
LANGUAGES = {"zh_cn": "zh_CN", "zh": "zh_CN", "en": "en"}
EVERYONE = "all"
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_PICKUP = re.compile(r"\s+(?:(\d{4}-\d{1,2}-\d{1,2})\s+)?(\d{1,2})[:：](\d{2})$")


def event_columns(towns: Iterable[Town]) -> tuple[str, ...]:
    """Every column, with a quota column per town (in the towns' order)."""
    return (*HEAD_COLUMNS, *(QUOTA + t.code for t in towns), *TAIL_COLUMNS)


def parse_code(raw: str) -> str:
    """An event's code: letters, digits, ``-`` ``_`` ``.``; at most 48."""
    value = normalise(raw)
    if not _CODE.fullmatch(value):
        raise TextInvalid(f"{value!r} is not a code like border-2026 (letters, digits, - _ .)")
    if len(value) > 48:
        raise TextInvalid("longer than 48 characters")
    return value


def parse_status(raw: str) -> str | None:
    """``draft``, ``published`` or ``cancelled``; empty: None (kept, or a draft when new)."""
    value = normalise(raw).casefold()
    if not value:
        return None
    if value not in set(EventStatus):
        raise TextInvalid(f"{value!r} is not one of {', '.join(EventStatus)}")
    return value


def parse_language(raw: str) -> str | None:
    """The language not given: ``zh_CN``, ``en``, or empty (both were given)."""
    value = normalise(raw).casefold()
    if not value:
        return None
    if value not in LANGUAGES:
        raise TextInvalid(f"{raw.strip()!r} is not zh_CN, en or empty")
    return LANGUAGES[value]


def parse_topic(raw: str) -> str:
    """One of the notice topics."""
    value = normalise(raw).casefold()
    if value not in NOTICE_TOPICS:
        raise TextInvalid(f"{value!r} is not one of {', '.join(NOTICE_TOPICS)}")
    return value


def parse_question_kind(raw: str) -> str | None:
    """``choice``, ``text`` or empty (no question)."""
    value = normalise(raw).casefold()
    if not value:
        return None
    if value not in set(QuestionKind):
        raise TextInvalid(f"{value!r} is not choice, text or empty")
    return value


def parse_optional_time(raw: str, tz: ZoneInfo) -> datetime | None:
    """A local time like ``2026-12-01 09:00``, or empty."""
    return parse_local(raw, tz) if raw.strip() else None


def format_optional_time(moment: datetime | None, tz: ZoneInfo) -> str:
    """A local time, or an empty cell."""
    return format_local(moment, tz) if moment is not None else ""


def town_parser(towns: Mapping[str, Town], *, optional: bool) -> Callable[[str], int | None]:
    """A parser of a town code (any case) to the town's id; empty is None when ``optional``."""

    def parse(raw: str) -> int | None:
        value = normalise(raw)
        if not value and optional:
            return None
        town = towns.get(value.casefold())
        if town is None:
            codes = ", ".join(sorted(t.code for t in towns.values()))
            raise TextInvalid(f"there is no town {value!r} ({codes})")
        return town.id

    return parse


@dataclass(frozen=True)
class Audience:
    """Who may register: everyone (both None), a town's residents, or a community's."""

    town_id: int | None = None
    community_id: int | None = None


def parse_audience(
    raw: str, towns: Mapping[str, Town], communities: Mapping[str, Community]
) -> Audience:
    """``all`` (or empty), ``town:D`` or ``community:d-hongmei``."""
    value = normalise(raw)
    kind, colon, code = value.partition(":")
    if not value or value.casefold() == EVERYONE:
        return Audience()
    if colon and kind.strip().casefold() == "town" and code.strip().casefold() in towns:
        return Audience(town_id=towns[code.strip().casefold()].id)
    if colon and kind.strip().casefold() == "community" and code.strip() in communities:
        return Audience(community_id=communities[code.strip()].id)
    raise TextInvalid(f"{value!r} is not all, town:CODE or community:CODE of a known one")


def format_audience(
    town_id: int | None,
    community_id: int | None,
    towns: Mapping[int, str],
    communities: Mapping[int, str],
) -> str:
    """The audience cell: ``all``, ``town:D`` or ``community:d-hongmei``."""
    if community_id is not None:
        return f"community:{communities.get(community_id, '')}"
    if town_id is not None:
        return f"town:{towns.get(town_id, '')}"
    return EVERYONE


@dataclass(frozen=True)
class OptionText:
    """A choice as written: its labels and, for a pick-up point, its time (a clock on the
    event's day, or a full local time)."""

    label_zh: str
    label_en: str
    clock: time | None = None
    at: datetime | None = None

    def resolve(self, starts_at: datetime, tz: ZoneInfo) -> OptionDraft:
        """The option of an event starting at ``starts_at``."""
        pickup = self.at
        if self.clock is not None:
            day = starts_at.astimezone(tz).date()
            pickup = datetime.combine(day, self.clock, tz)
        return OptionDraft(self.label_zh, self.label_en, pickup is not None, pickup)


def parse_options(raw: str, tz: ZoneInfo) -> tuple[OptionText, ...]:
    """``中文 / English [HH:MM]`` options separated by ``|``; a time makes a pick-up point."""
    found: list[OptionText] = []
    for part in raw.split("|"):
        text = " ".join(part.split())
        if not text:
            continue
        clock, at = None, None
        pickup = _PICKUP.search(text)
        if pickup:
            day, hour, minute = pickup.groups()
            if day:
                at = parse_local(f"{day} {hour}:{minute}", tz)
            elif int(hour) > 23 or int(minute) > 59:
                raise TextInvalid(f"{hour}:{minute} is not a time of day")
            else:
                clock = time(int(hour), int(minute))
            text = text[: pickup.start()]
        zh, _, en = (s.strip() for s in text.partition("/"))
        if not zh:
            raise TextInvalid(f"option {len(found) + 1} has no Chinese label")
        if len(zh) > 128 or len(en) > 128:
            raise TextInvalid(f"option {len(found) + 1} is longer than 128 characters")
        found.append(OptionText(zh, en, clock, at))
    if len(found) > MAX_OPTIONS:
        raise TextInvalid(f"more than {MAX_OPTIONS} options")
    return tuple(found)


def format_options(options: Iterable[OptionDraft], starts_at: datetime, tz: ZoneInfo) -> str:
    """The options cell; a pick-up on the event's day is written as its clock time."""
    parts = []
    for option in options:
        text = f"{option.label_zh} / {option.label_en}" if option.label_en else option.label_zh
        if option.pickup_at is not None:
            local = option.pickup_at.astimezone(tz)
            same_day = local.date() == starts_at.astimezone(tz).date()
            text += f" {local:%H:%M}" if same_day else f" {format_local(option.pickup_at, tz)}"
        parts.append(text)
    return " | ".join(parts)


# Columns only events.csv has: a header with one of them is an events file.
EVENTS_ONLY = frozenset(
    {
        "status", "description_zh", "description_en", "missing_language", "host_town",
        "cohost_town", "place_zh", "place_en", "bring_zh", "bring_en", "held_back",
        "held_back_until", "registration_closes_at", "audience", "topic", "max_party",
        "question_kind", "question_zh", "question_en", "options",
    }
)  # fmt: skip


def looks_like_events(header: Iterable[str]) -> bool:
    """Whether a file's header (any case) is an events.csv header."""
    names = {normalise(c).casefold() for c in header}
    return bool(names & EVENTS_ONLY) or any(n.startswith(QUOTA) for n in names)
