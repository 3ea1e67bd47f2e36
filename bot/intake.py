"""The webhook's body check: JSON that an update could be, bounded before anything else reads it.

Telegram's updates are shallow (a dozen levels at most) and their integers have at most 52
significant bits. Anything deeper, any larger integer, ``NaN`` or an infinite number is refused
(``Malformed``, a 400 at the edge) before it can exhaust the recursion limit of the JSON parser
or of PTB (``RecursionError``), or overflow a database column (``OverflowError``).
"""

from __future__ import annotations

import json
import math
from typing import Any

MAX_DEPTH = 32  # objects and arrays nested in one another, the update itself included
MAX_INT = 2**53 - 1  # Telegram: "at most 52 significant bits", so |n| < 2**53


class Malformed(Exception):
    """The body is not an update Telegram could have sent; ``reason`` labels the refusal."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_update(body: bytes) -> dict[str, Any]:
    """The update object in ``body``, or ``Malformed`` naming what is wrong with it."""
    try:
        data = json.loads(body, parse_constant=_refuse_constant)
    except RecursionError:  # the C parser's own guard: far deeper than MAX_DEPTH anyway
        raise Malformed("too_deep") from None
    except ValueError:  # not JSON, not UTF-8, NaN or Infinity, an integer of 4300+ digits
        raise Malformed("not_json") from None
    problem = _out_of_bounds(data)
    if problem is not None:
        raise Malformed(problem)
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if not isinstance(update_id, int) or isinstance(update_id, bool) or update_id < 0:
        raise Malformed("no_update_id")
    return data


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number an update holds")


def _out_of_bounds(data: Any) -> str | None:
    """The first bound broken ("too_deep", "bad_number"), or None; iterative, so never deep."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                return "too_deep"
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
        elif not _number_ok(value):
            return "bad_number"
    return None


def _number_ok(value: Any) -> bool:
    """False for an integer beyond 52 bits or a float that is not finite; True otherwise."""
    if isinstance(value, int):
        return -MAX_INT <= value <= MAX_INT
    return not isinstance(value, float) or math.isfinite(value)
