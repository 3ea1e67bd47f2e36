"""/settings: language, town and community, elder mode, notice topics, how to address you and
your phone number.

This module wires the conversation; the screens are in ``handlers.settings.screens``. ⬅️ on a
question goes back to the settings menu; ⬅️ on the menu leaves to the main menu.
"""

from __future__ import annotations

from telegram.ext import BaseHandler

from handlers.kit import Screen, Wiring, conversation, entry_points, leave
from handlers.settings.screens import (
    COMMUNITY,
    ELDER,
    LANGUAGE,
    MENU,
    NAME,
    PHONE,
    TOPICS,
    TOWN,
    on_community,
    on_elder,
    on_language,
    on_menu,
    on_name,
    on_phone,
    on_topic,
    on_town,
    show_menu,
)


def handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    """The settings conversation."""
    return [
        conversation(
            "settings",
            entry_points=entry_points(wiring, show_menu, command="settings", menu="settings"),
            screens={
                MENU: Screen(on_menu, back=leave),
                LANGUAGE: Screen(on_language, back=show_menu),
                TOWN: Screen(on_town, back=show_menu),
                COMMUNITY: Screen(on_community, back=show_menu),
                ELDER: Screen(on_elder, back=show_menu),
                TOPICS: Screen(on_topic, back=show_menu),
                NAME: Screen(on_name, back=show_menu),
                PHONE: Screen(on_phone, back=show_menu),
            },
        )
    ]
