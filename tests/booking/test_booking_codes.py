"""Booking's callback codes keep the formats of the buttons already sent, and refuse the rest."""

from __future__ import annotations

import pytest

from models.booking import (
    APPROVAL,
    CHECK_IN,
    CODES,
    OFFER_ANSWER,
    PROXY_ANSWER,
    RATING,
    REMINDER_ANSWER,
)
from models.core.callbacks import CallbackCode, Tap

SENT = [  # data as the buttons already sent carry it
    (PROXY_ANSWER, "px:ok:42", Tap("ok", (42,))),
    (PROXY_ANSWER, "px:always:42", Tap("always", (42,))),
    (PROXY_ANSWER, "px:no:42", Tap("no", (42,))),
    (REMINDER_ANSWER, "bk:yes:7", Tap("yes", (7,))),
    (REMINDER_ANSWER, "bk:no:7", Tap("no", (7,))),
    (OFFER_ANSWER, "wl:acc:9", Tap("acc", (9,))),
    (OFFER_ANSWER, "wl:dec:9", Tap("dec", (9,))),
    (APPROVAL, "ap:ok:5", Tap("ok", (5,))),
    (APPROVAL, "ap:ok:5:2", Tap("ok", (5, 2))),
    (APPROVAL, "ap:no:5", Tap("no", (5,))),
    (APPROVAL, "ap:no:5:0", Tap("no", (5, 0))),
    (APPROVAL, "ap:why:5:1", Tap("why", (5, 1))),
    (APPROVAL, "ap:why:5:1:3", Tap("why", (5, 1, 3))),
    (APPROVAL, "ap:back:5", Tap("back", (5,))),
    (APPROVAL, "ap:quit:5:1", Tap("quit", (5, 1))),
    (APPROVAL, "ap:page:4", Tap("page", (4,))),
    (APPROVAL, "ap:home", Tap("home")),
    (RATING, "rate:12:5", Tap("", (12, 5))),
    (CHECK_IN, "ci:list:0", Tap("list", (0,))),
    (CHECK_IN, "ci:s:3:1", Tap("s", (3, 1))),
    (CHECK_IN, "ci:b:8:0", Tap("b", (8, 0))),
    (CHECK_IN, "ci:home", Tap("home")),
]


@pytest.mark.parametrize(("code", "data", "tap"), SENT)
def test_sent_buttons_parse_and_are_written_alike(code: CallbackCode, data: str, tap: Tap) -> None:
    assert code.parse(data) == tap
    assert code.data(tap.action, *tap.fields) == data


@pytest.mark.parametrize(
    ("code", "data"),
    [
        (PROXY_ANSWER, "px:maybe:42"),
        (PROXY_ANSWER, "px:ok:0"),
        (PROXY_ANSWER, "px:ok:99999999999"),
        (PROXY_ANSWER, "px:ok:4a"),
        (REMINDER_ANSWER, "bk:yes"),
        (OFFER_ANSWER, "wl:acc:1:2"),
        (APPROVAL, "ap:why:5"),
        (APPROVAL, "ap:page"),
        (RATING, "rate:12"),
        (CHECK_IN, "ci:s:3"),
    ],
)
def test_data_no_button_carries_is_refused(code: CallbackCode, data: str) -> None:
    assert code.parse(data) is None


def test_every_code_has_its_own_prefix() -> None:
    prefixes = [code.prefix for code in CODES]
    assert sorted(prefixes) == ["ap", "bk", "ci", "px", "rate", "va", "wl"]
