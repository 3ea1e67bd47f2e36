"""/venues: the ``va:`` buttons keep their data, and its counted texts read right in English."""

from __future__ import annotations

import pytest

from bot.context import Services
from models.booking import QUESTIONS, VENUES

SENT = [
    ("va:home", ()),
    ("va:list", ()),
    ("va:c:1", (1,)),
    ("va:v:2", (2,)),
    ("va:t:2:appr", (2, "appr")),
    ("va:h:2", (2,)),
    ("va:g:2", (2,)),
    ("va:b:2", (2,)),
    ("va:bd:2:9", (2, 9)),
    ("va:d:2:14", (2, 14)),
    ("va:sl:2:20261225", (2, "20261225")),
    ("va:s:77", (77,)),
    ("va:so:77:1", (77, 1)),
    ("va:n:2:cap", (2, "cap")),
    ("va:hd:2:6", (2, 6)),
    ("va:ba:2", (2,)),
    ("va:sc:77", (77,)),
    ("va:tx:2:xz", (2, "xz")),
]


@pytest.mark.parametrize(("data", "fields"), SENT)
def test_venue_buttons_keep_their_data(data: str, fields: tuple[int | str, ...]) -> None:
    action = data.split(":")[1]
    tap = VENUES.parse(data)
    assert tap is not None and (tap.action, tap.fields) == (action, fields)
    assert VENUES.data(action, *fields) == data


def test_every_question_is_a_venue_action() -> None:
    assert set(QUESTIONS) <= {data.split(":")[1] for data, _fields in SENT}


@pytest.mark.parametrize(
    "data", ["va:x", "va:v:0", "va:v:abc", "va:v:" + "9" * 20, "va:t:2", "va:bd:2", "va:home:1"]
)
def test_forged_venue_data_is_not_understood(data: str) -> None:
    assert VENUES.parse(data) is None


async def test_counted_venue_texts_read_right_in_english(services: Services) -> None:
    en = services.i18n.translator("en")
    assert en.n("venues_admin.done.slot_capacity", 1, capacity=1).endswith("has 1 place.")
    assert en.n("venues_admin.done.capacity", 1, value=1).endswith("has 1 place.")
    one_slot = en.n("venues_admin.done.capacity.slots", 1, slots=1)
    assert one_slot == "1 upcoming time slot was updated too."
    assert en.n("venues_admin.done.regenerate", 1, count=1).startswith("✅ 1 new time slot was")
    assert en.n("venues_admin.done.regenerate.days", 1, days=1) == "This covers the next 1 day."
    assert "(at most 1 character)" in en.n(
        "venues_admin.ask.text", 1, name="Hall", field="Address", current="-", max=1
    )
