"""A row of the authz matrix (one privileged entry point) and the texts it expects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.i18n import Translator
from models.core.authz import Action

Expect = Callable[[Translator], str]


def text_of(msgid: str, **params: Any) -> Expect:
    """Expect the translated message (with role/town ids translated too)."""

    def expect(t: Translator) -> str:
        words = {
            k: t(v) if isinstance(v, str) and v.startswith("roles.") else v
            for k, v in params.items()
        }
        return t(msgid, **words)

    return expect


def literal(value: str) -> Expect:
    """Expect a fixed fragment."""
    return lambda _t: value


@dataclass(frozen=True)
class Row:
    """One privileged entry point: a command or callback data (``{grant:<key>}`` filled in)."""

    name: str
    kind: str  # "command" | "callback"
    payload: str
    action: Action
    allowed: frozenset[str]
    expect: Expect
    expect_by_role: dict[str, Expect] = field(default_factory=dict)
    writes: frozenset[str] = frozenset()  # roles for which the request changes the DB
    scope_refusal: str = "error.not_allowed"  # what admins outside ``allowed`` are told


def fill(payload: str, grants: dict[str, int]) -> str:
    """The payload with its ``{grant:<key>}`` placeholders replaced by the cast's ids."""
    for key, value in grants.items():
        payload = payload.replace(f"{{grant:{key}}}", str(value))
    return payload
