"""The one name validator: what it keeps is what is shown, and every write path applies it."""

from __future__ import annotations

import pytest

from bot.context import Services
from models.core.people import NameInvalid, NameTooLong, clean_display_name
from tests.factories import make_person
from tests.onboarding.onboarding_flow import person


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  王 阿姨  ", "王 阿姨"),
        ("\u202e王阿姨\u200b", "王阿姨"),
        ("王\u200c阿\u2067姨\u2069\u200f\u061c", "王阿姨"),
        ("王\n\t阿姨\u2028", "王 阿姨"),
        ("王 \u200b 阿姨", "王 阿姨"),
        ("Ｌｉ\u3000ｓｈｉｆｕ", "Li shifu"),
        ("\U000e0041王\x00阿姨\ufeff", "王阿姨"),  # a tag letter, NUL
        ("\uffa0阿姨", "阿姨"),
    ],
)
def test_hidden_characters_are_dropped(typed: str, kept: str) -> None:
    assert clean_display_name(typed) == kept


@pytest.mark.parametrize("typed", ["\u200b", "\u202e\u202c", "\u3164", "\u200b/menu", "／start"])
def test_nothing_visible_or_a_command_is_refused(typed: str) -> None:
    with pytest.raises(NameInvalid):
        clean_display_name(typed)


def test_length_is_counted_on_what_is_kept() -> None:
    assert clean_display_name("阿" * 20 + "\u200b" * 30) == "阿" * 20
    with pytest.raises(NameTooLong):
        clean_display_name("阿" * 21)


async def test_a_profile_never_keeps_a_name_the_validator_refuses(services: Services) -> None:
    """``update_profile`` applies it too: a later path cannot forget to."""
    await make_person(services.sessions, 3301, name="\u202e王阿姨\u200b")
    assert (await person(services, 3301)).display_name == "王阿姨"  # type: ignore[union-attr]
    with pytest.raises(NameInvalid):
        await make_person(services.sessions, 3302, name="\u200b\u200b")
