"""Callback codes: the data a code writes is exactly the data it parses, and nothing else."""

from __future__ import annotations

import pytest

from models.core.callbacks import CallbackCode, Field, Tap

REMINDER = CallbackCode("bk", {"yes": (Field.ID,), "no": (Field.ID,)})
RATING = CallbackCode("rate", {"": (Field.ID, Field.NUMBER)})
PAGED = CallbackCode(
    "ap",
    {"ok": (Field.ID,), "why": (Field.ID, Field.NUMBER), "home": ()},
    optional={"ok": (Field.NUMBER,), "why": (Field.NUMBER,)},
)


@pytest.mark.parametrize(
    ("code", "data", "tap"),
    [
        (REMINDER, "bk:yes:42", Tap("yes", (42,))),
        (RATING, "rate:42:5", Tap("", (42, 5))),
        (PAGED, "ap:ok:42", Tap("ok", (42,))),
        (PAGED, "ap:ok:42:3", Tap("ok", (42, 3))),
        (PAGED, "ap:why:42:1", Tap("why", (42, 1))),
        (PAGED, "ap:why:42:1:0", Tap("why", (42, 1, 0))),
        (PAGED, "ap:home", Tap("home")),
    ],
)
def test_written_data_parses_back(code: CallbackCode, data: str, tap: Tap) -> None:
    assert code.parse(data) == tap
    assert code.data(tap.action, *tap.fields) == data


@pytest.mark.parametrize(
    ("code", "data"),
    [
        (REMINDER, "bk:maybe:42"),
        (REMINDER, "bk:yes:0"),
        (REMINDER, "bk:yes:42:1"),
        (RATING, "rate:42"),
        (RATING, "rate:abc:5"),
        (RATING, "rate::42:5"),
        (PAGED, "ap:ok:42:"),
        (PAGED, "ap:ok:42:1:2"),
        (PAGED, "ap:home:1"),
    ],
)
def test_data_no_code_writes_is_refused(code: CallbackCode, data: str) -> None:
    assert code.parse(data) is None


def test_optional_fields_belong_to_an_action() -> None:
    with pytest.raises(ValueError, match="optional"):
        CallbackCode("xy", {"a": ()}, optional={"b": (Field.ID,)})
