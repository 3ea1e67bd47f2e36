"""The creation conversation's questions, in order, and what each one shows.

One question a screen. Each ``Ask`` names its state (also the draft key its answer is kept
under), the kind of answer it reads (``handlers.events.staff.answers``), whether it is asked
for this draft (a title in English only when English is given, directions only for a free-text
place …) and its choices. ⬅️ goes to the previous question asked; from the first, to the list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from telegram import Update

from bot.context import TongxinContext
from bot.timefmt import format_day
from handlers.kit import Means, Option, ask, current_scopes, draft, prompt, run, today
from models.core.people import NOTICE_TOPICS
from models.events import Choices, creation_choices

Draft = dict[str, Any]
Kind = str  # "text", "optional", "choice", "photo", "day", "time", "number", "quota", "options"
NONE = "none"
OTHER = "other"
MAX_PARTY = 6
RELEASE_DAYS = (1, 2, 3, 7)
DEADLINE_HOURS = (0, 24, 48, 72)
TIMES = ("09:00", "09:30", "14:00", "14:30")


def _zh(d: Draft) -> bool:
    return d.get("langs") in ("both", "zh_CN")


def _en(d: Draft) -> bool:
    return d.get("langs") in ("both", "en")


@dataclass(frozen=True)
class Ask:
    """One question: its state/draft key, the kind of answer, and when it is asked."""

    key: str
    kind: Kind
    asked: Callable[[Draft], bool] = lambda _d: True
    longest: int = 128


STEPS: tuple[Ask, ...] = (
    Ask("langs", "choice"),
    Ask("name_zh", "text", _zh),
    Ask("description_zh", "optional", _zh, longest=1000),
    Ask("name_en", "text", _en),
    Ask("description_en", "optional", _en, longest=1000),
    Ask("poster", "photo"),
    Ask("host", "choice"),
    Ask("cohost", "choice"),
    Ask("venue", "choice"),
    Ask("place", "text", lambda d: d.get("venue") == OTHER, longest=250),
    Ask("directions", "optional", lambda d: d.get("venue") == OTHER, longest=1000),
    Ask("day", "day"),
    Ask("start", "time"),
    Ask("end", "time"),
    Ask("capacity", "number"),
    Ask("quota", "quota"),
    Ask("held_back", "number"),
    Ask("release", "choice", lambda d: int(d.get("held_back") or 0) > 0),
    Ask("deadline", "choice"),
    Ask("audience", "choice"),
    Ask("community", "choice", lambda d: d.get("audience") == "community"),
    Ask("topic", "choice"),
    Ask("party", "choice"),
    Ask("question", "choice"),
    Ask("question_zh", "text", lambda d: d.get("question", NONE) != NONE and _zh(d), 250),
    Ask("question_en", "text", lambda d: d.get("question", NONE) != NONE and _en(d), 250),
    Ask("options", "options", lambda d: d.get("question") == "choice", 1000),
    Ask("confirm", "choice"),
)
BY_KEY = {step.key: step for step in STEPS}
STATES = tuple(step.key for step in STEPS)


def event_draft(context: TongxinContext) -> Draft:
    """The event being written (kept with the conversation: a restart loses nothing)."""
    return draft(context, dict)


def following(key: str, d: Draft) -> str | None:
    """The next question asked for this draft after ``key``."""
    index = STATES.index(key)
    return next((s.key for s in STEPS[index + 1 :] if s.asked(d)), None)


def preceding(key: str, d: Draft) -> str | None:
    """The question asked before ``key`` for this draft (None: ``key`` is the first)."""
    index = STATES.index(key)
    return next((s.key for s in reversed(STEPS[:index]) if s.asked(d)), None)


async def choices_of(context: TongxinContext) -> Choices:
    """Towns, venues and communities the organiser may choose from."""
    return await run(context, creation_choices, scopes=await current_scopes(context))


def quota_towns(found: Choices, d: Draft) -> list[Any]:
    """The towns a quota is asked for: the host towns, then every other town."""
    hosts = [d.get("host"), d.get("cohost")]
    return sorted(found.towns, key=lambda t: (t.id not in hosts, t.id))


async def _options(
    context: TongxinContext, key: str, d: Draft
) -> tuple[list[Option], dict[str, Any]]:
    """The choices of a question, and its words' parameters."""
    t, lang = context.t, context.lang
    o = lambda k, msgid, **p: Option(k, t(msgid, **p))  # noqa: E731
    if key == "langs":
        return [o("both", "events_staff.opt.both"), o("zh_CN", "events_staff.opt.zh_only"),
                o("en", "events_staff.opt.en_only")], {}  # fmt: skip
    if key in ("description_zh", "description_en", "directions"):
        return [o(NONE, "events_staff.opt.skip")], {}
    if key == "poster":
        return [o(NONE, "events_staff.opt.no_poster")], {}
    if key in ("host", "cohost", "venue", "audience", "community", "quota"):
        return await _place_options(context, key, d)
    if key == "day":
        days = [today(context) + timedelta(days=n) for n in range(1, 6)]
        return [
            Option(f"{day:%Y-%m-%d}", format_day(day, lang), Means(day=day)) for day in days
        ], {}
    if key in ("start", "end"):
        return [Option(clock, clock) for clock in TIMES], {"start": d.get("start", "")}
    if key == "capacity":
        return [
            Option(str(n), t.n("events_staff.opt.places", n, n=n)) for n in (20, 30, 50, 100)
        ], {}
    if key == "held_back":
        return [o("0", "events_staff.opt.none_held")], {"capacity": d.get("capacity", 0)}
    if key == "release":
        return [
            Option(str(n), t.n("events_staff.opt.days_before", n, n=n)) for n in RELEASE_DAYS
        ], {}
    if key == "deadline":
        return [o("0", "events_staff.opt.until_start"), *(
            Option(str(h), t.n("events_staff.opt.days_before", h // 24, n=h // 24))
            for h in DEADLINE_HOURS[1:]
        )], {}  # fmt: skip
    if key == "topic":
        return [Option(k, t(f"topic.{k}")) for k in NOTICE_TOPICS], {}
    if key == "party":
        return [Option(str(n), t.n("events_staff.opt.party", n - 1, n=n - 1), Means(count=n))
                for n in range(1, MAX_PARTY + 1)], {}  # fmt: skip
    if key == "question":
        return [o(NONE, "events_staff.opt.no_question"), o("choice", "events_staff.opt.q_choice"),
                o("text", "events_staff.opt.q_text")], {}  # fmt: skip
    if key == "confirm":
        return [
            o("publish", "events_staff.opt.publish"),
            o("draft", "events_staff.opt.keep_draft"),
        ], {}
    return [], {}


async def _place_options(
    context: TongxinContext, key: str, d: Draft
) -> tuple[list[Option], dict[str, Any]]:
    t, lang = context.t, context.lang
    found = await choices_of(context)
    if key == "host":
        return [Option(str(town.id), town.name(lang)) for town in found.hosts], {}
    if key == "cohost":
        others = [Option(str(x.id), x.name(lang)) for x in found.towns if x.id != d.get("host")]
        return [Option("0", t("events_staff.opt.no_cohost")), *others], {}
    if key == "venue":
        hosts = (d.get("host"), d.get("cohost"))
        venues = [Option(str(v.id), v.name(lang)) for v, town in found.venues if town in hosts]
        return [*venues, Option(OTHER, t("events_staff.opt.other_place"))], {}
    if key == "audience":
        towns = [Option(f"town:{x.id}", t("events_staff.opt.town_only", town=x.name(lang)))
                 for x in found.towns]  # fmt: skip
        everyone = Option("all", t("events_staff.opt.everyone"))
        return [everyone, *towns, Option("community", t("events_staff.opt.one_community"))], {}
    if key == "community":
        return [Option(str(c.id), c.name(lang)) for c in found.communities], {}
    in_turn = quota_towns(found, d)
    done = d.get("quotas") or {}
    asked = next((town for town in in_turn if str(town.id) not in done), in_turn[-1])
    return [Option("-1", t("events_staff.opt.no_limit"))], {"town": asked.name(lang)}


async def ask_step(update: Update, context: TongxinContext, key: str, first: str = "") -> str:
    """Show the question ``key`` with its choices."""
    d = event_draft(context)
    options, params = await _options(context, key, d)
    if key == "confirm":
        params["summary"] = d.get("summary", "")
    step = BY_KEY[key]
    free = step.kind not in ("choice",)
    text = prompt(context, f"events_staff.ask.{key}", longest=step.longest, **params)
    return await ask(update, context, text, options, key, first=first, free_text=free)


def day_of(d: Draft) -> date:
    """The event's day as chosen."""
    return date.fromisoformat(str(d["day"]))
