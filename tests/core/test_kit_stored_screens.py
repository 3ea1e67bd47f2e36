"""A screen the kit stored before its record was made smaller (2026-12-03: the page's choices
kept whole and the keyboard in its Bot API form) still answers after the upgrade: someone
mid-flow at the restart types "2" or sends a voice note and gets what they saw."""

from __future__ import annotations

from typing import Any

from bot.context import Services
from handlers.kit.drafts import SHOWN_KEY
from handlers.kit.screens import KIT_MORE
from models.core.screens import reply_keyboard
from tests.booking.test_booking_flow_helpers import bookings, person, town_name, tr
from tests.harness import BotHarness

UID = 7301


def _padded(entry: list[Any]) -> list[Any]:
    """[key, label] or [key, label, meaning] as [key, label, meaning, destructive]."""
    return [*entry, *([{}, False][len(entry) - 2 :])]


def _as_stored_before(shown: dict[str, Any], more: str) -> dict[str, Any]:
    """The same screen in the record's earlier form."""
    whole = {entry[0]: entry for entry in shown["screen"]["all"]}
    whole[KIT_MORE] = [KIT_MORE, more]
    return {
        "options": [_padded(whole[key]) for key in shown["options"]],
        "text": shown["text"],
        "keyboard": reply_keyboard(shown["rows"]),
        "screen": shown["screen"],
    }


async def test_a_screen_stored_the_old_way_still_answers(
    harness: BotHarness, services: Services
) -> None:
    t = tr(services, "zh_CN")
    user = await person(harness, UID)
    await user.send("/book")  # what? (the kinds of service)
    asked, keyboard = user.last_text(), user.keyboard()
    assert harness.app is not None
    data = harness.app.user_data[UID]
    assert isinstance(data[SHOWN_KEY]["options"][0], str)  # kept small: keys only
    data[SHOWN_KEY] = _as_stored_before(data[SHOWN_KEY], t("nav.more"))  # type: ignore[index]

    said = await user.voice()  # shown again from the old record
    assert [m["text"] for m in said] == [t("words.voice.choose") + "\n\n" + asked]
    assert user.keyboard() == keyboard
    number = user.button(t("booking.kind.canteen")).split(".")[0]
    await user.send(number)  # the number means what it meant on the old record's page

    place = await town_name(services, "D", "zh_CN")
    assert user.last_text() == t("booking.ask_day", kind=t("booking.kind.canteen"), place=place)
    assert await bookings(services) == []
