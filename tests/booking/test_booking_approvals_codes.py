"""The ``ap:`` buttons keep their data, forged data is not understood, and the counted approval
texts read right in English."""

from __future__ import annotations

import pytest

from bot.context import Services
from models.booking import APPROVAL


@pytest.mark.parametrize(
    ("data", "action", "fields"),
    [
        ("ap:ok:42", "ok", (42,)),  # on a request the outbox sent
        ("ap:ok:42:3", "ok", (42, 3)),  # on page 4 of /approvals
        ("ap:no:42", "no", (42,)),
        ("ap:no:42:0", "no", (42, 0)),
        ("ap:why:42:2", "why", (42, 2)),
        ("ap:why:42:2:1", "why", (42, 2, 1)),
        ("ap:back:42", "back", (42,)),
        ("ap:quit:42:1", "quit", (42, 1)),
        ("ap:page:1", "page", (1,)),
        ("ap:home", "home", ()),
    ],
)
def test_approval_buttons_already_sent_keep_working(
    data: str, action: str, fields: tuple[int, ...]
) -> None:
    tap = APPROVAL.parse(data)
    assert tap is not None and (tap.action, tap.fields) == (action, fields)
    assert APPROVAL.data(action, *fields) == data


@pytest.mark.parametrize(
    "data",
    [
        "ap:ok:0",
        "ap:ok:abc",
        "ap:ok:1:2:3",
        "ap:why:1",
        "ap:zz:1",
        "ap:home:1",
        "ap:ok:" + "9" * 11,
    ],
)
def test_forged_approval_data_is_not_understood(data: str) -> None:
    assert APPROVAL.parse(data) is None


async def test_counted_approval_texts_read_right_in_english(services: Services) -> None:
    en = services.i18n.translator("en")
    words = {"n": 1, "id": 7, "name": "Wang", "venue": "Hall", "centre": "Q", "when": "today"}
    assert ", 1 person\n" in en.n("approvals.item", 1, party=1, **words)
    assert ", 2 people\n" in en.n("approvals.item", 2, party=2, **words)
    one = en.n("approvals.title", 1, count=1, page=1, pages=1)
    assert one.startswith("📝 1 booking is waiting for approval")
    assert "(at most 1 character)" in en.n("approvals.reason.invalid", 1, max=1)
