"""The creation conversation's answers: each is read by its kind, checked, kept in the draft,
and leads to the next question; a wrong one is explained and the question asked again."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import time
from typing import Any

from telegram import Update

from bot.context import TongxinContext
from handlers.events.staff.build import summary
from handlers.events.staff.steps import (
    BY_KEY,
    NONE,
    ask_step,
    choices_of,
    day_of,
    event_draft,
    following,
    preceding,
    quota_towns,
)
from handlers.events.staff.words import find_date, find_number, find_time, read_options
from handlers.kit import chosen, message_text, shown, today

Answer = Callable[[Update, TongxinContext], Coroutine[Any, Any, Any]]
MAX_CAPACITY = 10_000


async def go(update: Update, context: TongxinContext, key: str, first: str = "") -> Any:
    """Ask ``key`` (before the last question, restate everything first)."""
    if key == "confirm":
        d = event_draft(context)
        d["summary"] = await summary(context, d)
    return await ask_step(update, context, key, first)


class Again(Exception):
    """The answer cannot be kept: ask again, saying why (``msgid`` and its parameters)."""

    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(msgid)
        self.msgid, self.params = msgid, params


def _choice(update: Update, context: TongxinContext) -> str | None:
    key = chosen(update, context)
    return key if key is not None and key in {o.key for o in shown(context)} else None


def _text(update: Update, context: TongxinContext, longest: int) -> str:
    text = (message_text(update) or "").strip()
    if not text:
        raise Again("events_staff.again.text")
    if len(text) > longest:
        raise Again("events_staff.again.long", longest=longest)
    return text


def _number(update: Update, context: TongxinContext, low: int, high: int) -> int:
    key = _choice(update, context)
    value = int(key) if key is not None else find_number(message_text(update))
    if value is None or not low <= value <= high:
        raise Again("events_staff.again.number", low=low, high=high)
    return value


def _time(update: Update, context: TongxinContext) -> str:
    key = _choice(update, context)
    moment = time.fromisoformat(key) if key else find_time(message_text(update))
    if moment is None:
        raise Again("events_staff.again.time")
    return f"{moment:%H:%M}"


async def _read(update: Update, context: TongxinContext, key: str, d: dict[str, Any]) -> Any:
    """The answer to ``key`` as it is kept in the draft; ``Again`` when it cannot be."""
    step = BY_KEY[key]
    if step.kind == "choice":
        picked = _choice(update, context)
        if picked is None:
            raise Again("events_staff.again.choose")
        return picked
    if step.kind == "optional":
        return "" if _choice(update, context) == NONE else _text(update, context, step.longest)
    if step.kind == "text":
        return _text(update, context, step.longest)
    if step.kind == "photo":
        if _choice(update, context) == NONE:
            return None
        photos = update.message.photo if update.message else ()
        if not photos:
            raise Again("events_staff.again.photo")
        return photos[-1].file_id
    if step.kind == "day":
        picked = _choice(update, context)
        found = find_date(picked or message_text(update), today(context))
        if found is None or found < today(context):
            raise Again("events_staff.again.day")
        return found.isoformat()
    if step.kind == "time":
        clock = _time(update, context)
        if key == "end" and clock <= str(d.get("start")):
            raise Again("events_staff.again.end", start=d.get("start"))
        return clock
    if step.kind == "number" and key == "capacity":
        return _number(update, context, 1, MAX_CAPACITY)
    if step.kind == "number":
        return _number(update, context, 0, int(d.get("capacity") or 0))
    if step.kind == "quota":
        given = sum(q for q in (d.get("quotas") or {}).values() if q > 0)
        if _choice(update, context) == "-1":
            return -1
        return _number(update, context, 0, int(d.get("capacity") or 0) - given)
    options = read_options(message_text(update))
    if options is None:
        raise Again("events_staff.again.options")
    return [
        [o.label_zh, o.label_en, o.pickup.isoformat("minutes") if o.pickup else ""] for o in options
    ]


async def _keep(update: Update, context: TongxinContext, key: str) -> Any:
    d = event_draft(context)
    try:
        value = await _read(update, context, key, d)
    except Again as again:
        return await ask_step(update, context, key, context.t(again.msgid, **again.params))
    if key == "quota":
        return await _keep_quota(update, context, value)
    d[key] = value
    if key == "host":
        d["host"] = int(value)
    if key == "cohost":
        d["cohost"] = int(value) or None
    if key == "day":
        day_of(d)
    return await go(update, context, following(key, d) or "confirm")


async def _keep_quota(update: Update, context: TongxinContext, value: int) -> Any:
    """A town's quota: the next town's is asked on the same screen until every town has one."""
    d = event_draft(context)
    towns = quota_towns(await choices_of(context), d)
    quotas: dict[str, int] = d.setdefault("quotas", {})
    town = next((t for t in towns if str(t.id) not in quotas), None)
    if town is not None:
        quotas[str(town.id)] = value
    if any(str(t.id) not in quotas for t in towns):
        return await ask_step(update, context, "quota")
    return await go(update, context, following("quota", d) or "confirm")


def answer(key: str) -> Answer:
    """The step that reads the answer to ``key``."""

    async def on_answer(update: Update, context: TongxinContext) -> Any:
        return await _keep(update, context, key)

    on_answer.__name__ = f"on_{key}"
    on_answer.__doc__ = f"Keep the answer to the {key} question and ask the next one."
    return on_answer


def back_from(key: str, first: Answer) -> Answer:
    """⬅️ on ``key``: the question before it (its answer is asked again); ``first`` before all."""

    async def on_back(update: Update, context: TongxinContext) -> Any:
        d = event_draft(context)
        before = preceding(key, d)
        if before is None:
            return await first(update, context)
        if before == "quota" or key == "quota":
            d.pop("quotas", None)  # the quotas are asked again, town by town
            if key == "quota":
                before = preceding("quota", d) or before
        return await ask_step(update, context, before)

    on_back.__name__ = f"back_from_{key}"
    on_back.__doc__ = f"Go back from the {key} question."
    return on_back
