"""Over-long numbers in callback data: every registered code refuses them (one digit limit, in
``models.core.callbacks``), and such a tap gets the polite refusal, never the internal error."""

from __future__ import annotations

import logging

import pytest

from bot.context import Services
from bot.registry import FEATURES
from models.core.callbacks import MAX_CALLBACK_BYTES, CallbackCode, Field, parse_id
from tests.factories import make_person
from tests.harness import BotHarness

USER = 6101
NUMERIC = (Field.ID, Field.NUMBER)
CODES = [code for feature in FEATURES for code in feature.callbacks]
NUMBERED = [
    (code, action, tuple(fields))
    for code in CODES
    for action, fields in code.actions.items()
    if any(kind in NUMERIC for kind in fields)
]
NAMES = [f"{code.prefix}:{action}" for code, action, _fields in NUMBERED]


def _data(code: CallbackCode, action: str, fields: tuple[Field, ...], digits: int) -> str:
    """The action's data with its first number ``digits`` long (the rest plausible)."""
    values: list[str] = []
    for kind in fields:
        if kind is Field.WORD:
            values.append("x")
        elif not any(v.isdigit() and len(v) > 1 for v in values):
            values.append("7" * digits)
        else:
            values.append("1")
    return ":".join([code.prefix, *([action] if action else []), *values])


def test_every_code_carrying_numbers_is_checked() -> None:
    assert {code.prefix for code, _action, _fields in NUMBERED} >= {"px", "rate", "ap"}


@pytest.mark.parametrize(("code", "action", "fields"), NUMBERED, ids=NAMES)
@pytest.mark.parametrize("digits", [11, 19, 30])
def test_over_long_numbers_are_refused_by_every_code(
    code: CallbackCode, action: str, fields: tuple[Field, ...], digits: int
) -> None:
    data = _data(code, action, fields, digits)
    assert len(data.encode()) <= MAX_CALLBACK_BYTES
    assert code.parse(data) is None
    assert code.parse(_data(code, action, fields, 2)) is not None  # the same shape, sane id


@pytest.mark.parametrize("text", ["9" * 11, "9" * 30, "2147483648", "０", "1" * 400, "1٣", "4２"])
def test_parse_id_refuses_over_long_or_non_ascii_ids(text: str) -> None:
    assert parse_id(text) is None


@pytest.mark.parametrize(("code", "action", "fields"), NUMBERED, ids=NAMES)
def test_only_ascii_digits_are_numbers(
    code: CallbackCode, action: str, fields: tuple[Field, ...]
) -> None:
    assert code.parse(_data(code, action, fields, 2).replace("77", "7٣", 1)) is None


async def test_an_over_long_id_tap_gets_the_polite_refusal(
    harness: BotHarness, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    await make_person(services.sessions, USER, language="en")
    user = harness.user(USER, language_code="en")
    await user.send("/menu")  # a message of the bot's to hang the forged buttons on
    generic = services.i18n.translator("en")("error.generic")
    for code, action, fields in NUMBERED:
        data = _data(code, action, fields, 30)
        answered = len(user.state.callback_answers(USER))
        sent = await user.forge_tap(data)
        answers = user.state.callback_answers(USER)
        assert len(answers) == answered + 1, f"{data}: not answered"
        assert answers[-1]["data"] == data and answers[-1]["text"], data
        assert answers[-1]["text"] != generic, data
        assert all(generic not in str(m.get("text")) for m in sent), data
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
