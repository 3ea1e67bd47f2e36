"""The broadcast flow's tables agree with the domain's: audience kinds, taps, callback data."""

from __future__ import annotations

from handlers.broadcasts import FEATURE
from handlers.broadcasts.answers import VALUE_QUESTIONS
from handlers.broadcasts.flow import TAPS
from models.broadcasts import AUDIENCE_KINDS, AUDIENCES, BROADCAST_TAP
from models.core.callbacks import Tap


def test_every_audience_kind_is_offered_and_leads_somewhere() -> None:
    assert AUDIENCE_KINDS == ("all", "town", "community", "topic")
    assert set(AUDIENCE_KINDS) == set(AUDIENCES)
    # "all" goes straight to the preview; every other kind asks for its value first
    assert set(AUDIENCE_KINDS) == {"all", *VALUE_QUESTIONS}


def test_every_tap_has_a_handler_and_the_feature_owns_the_prefix() -> None:
    assert set(TAPS) == set(BROADCAST_TAP.actions)
    assert BROADCAST_TAP in FEATURE.callbacks


def test_callback_data_keeps_its_format() -> None:
    """Buttons already sent (``bc:ok:12`` under an approval request) must keep working."""
    assert BROADCAST_TAP.data("ok", 12) == "bc:ok:12"
    assert BROADCAST_TAP.data("list") == "bc:list"
    assert BROADCAST_TAP.parse("bc:stop:42") == Tap("stop", (42,))
    assert BROADCAST_TAP.parse("bc:home") == Tap("home")
    for forged in ("bc:ok:0", "bc:ok:x", "bc:stop:99999999999999999999", "bc:zap:1", "bc:ok"):
        assert BROADCAST_TAP.parse(forged) is None, forged
