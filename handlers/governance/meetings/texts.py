"""Rendering the governance models' message payloads (msgid + params) for the reader."""

from __future__ import annotations

from typing import Any

from bot.context import TongxinContext
from bot.i18n import Translator
from bot.timefmt import resolve_params
from handlers.kit import Means, Option
from models.core.base import TOWNS_TZ


def _is_message(value: object) -> bool:
    return isinstance(value, dict) and "msgid" in value


def payload_text(t: Translator, payload: dict[str, Any]) -> str:
    """A payload in the translator's language (parameters that are messages first)."""
    params = {
        name: payload_text(t, value) if _is_message(value) else value
        for name, value in dict(payload.get("params") or {}).items()
    }
    params = resolve_params(params, t.language, TOWNS_TZ)
    msgid, plural = str(payload["msgid"]), payload.get("plural")
    if plural is not None:
        return t.n(msgid, int(params.get(str(plural)) or 0), **params)
    return t(msgid, **params)


def score(value: float | None) -> str:
    """An average as people read it: one decimal ("3.5"), or "—" without ratings."""
    return "—" if value is None else f"{value:.1f}"


def town_name(context: TongxinContext, zh: str, en: str) -> str:
    """A bilingual name in the reader's language."""
    return en if context.lang == "en" and en else zh


def save_or_discard(t: Translator) -> list[Option]:
    """The two answers to "save this?" on the meeting part's confirmation screens."""
    return [
        Option("yes", t("governance.meeting.button.save"), Means(yes=True)),
        Option("no", t("governance.meeting.button.discard"), Means(yes=False)),
    ]
