"""Template messages: what reaches a follower outside the customer-service window.

The bot's outbox pump tells the bridge which message it sends and with which parameters (the
extra Bot API parameters ``tongxin_msgid``, ``tongxin_params`` and ``tongxin_part``, ignored by
Telegram; ``jobs.outbox``). A send without them is an answer to the follower and can only go as
a customer-service message. One with them, to a follower with no window left, goes as the
template configured for its message id (``TONGXIN_WECHAT_TEMPLATES``: msgid → template id and
fields), each field a ``str.format`` pattern over the parameters, as strings in the resident's
language, plus ``{text}``: the whole message as the bot would have sent it.
"""

from __future__ import annotations

import json
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

MAX_FIELD = 200  # WeChat cuts template values; keep each within what its old templates show


class TemplateSpec(BaseModel):
    """One template: its id in the account's template library, and its fields' patterns."""

    template_id: str = Field(min_length=1)
    fields: dict[str, str] = Field(min_length=1)  # WeChat field name → pattern over params
    url: str = ""  # where a tap on it leads (none: it only shows)


@dataclass(frozen=True)
class Proactive:
    """The outbox's words on a send: its message id, parameters and part of the message."""

    msgid: str
    params: dict[str, str]
    part: int = 0


def proactive_of(params: Mapping[str, Any]) -> Proactive | None:
    """The outbox's extra parameters of a Bot API send (None: an answer, not proactive)."""
    msgid = params.get("tongxin_msgid")
    if not isinstance(msgid, str) or not msgid:
        return None
    raw = params.get("tongxin_params") or {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raw = {}
    values = {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
    try:
        part = int(params.get("tongxin_part") or 0)
    except (TypeError, ValueError):
        part = 0
    return Proactive(msgid, values, part)


class NoTemplate(Exception):
    """This message cannot go as a template (the message says why)."""


def template_body(
    specs: Mapping[str, TemplateSpec], openid: str, proactive: Proactive
) -> dict[str, Any]:
    """The template-send body for this message, or ``NoTemplate``."""
    spec = specs.get(proactive.msgid)
    if spec is None:
        raise NoTemplate(f"no template for {proactive.msgid}")
    data = {}
    for name, pattern in spec.fields.items():
        try:
            value = string.Formatter().vformat(pattern, (), proactive.params)
        except (KeyError, IndexError, ValueError) as exc:
            raise NoTemplate(f"template {proactive.msgid}: field {name} needs {exc}") from None
        if len(value) > MAX_FIELD:
            value = value[: MAX_FIELD - 1] + "…"
        data[name] = {"value": value}
    body: dict[str, Any] = {"touser": openid, "template_id": spec.template_id, "data": data}
    if spec.url:
        body["url"] = spec.url
    return body
