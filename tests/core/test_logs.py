"""The redacting log filter: secrets, bot tokens, personal fields and phone numbers never reach a
handler's output, from any logger, at any level, in messages, arguments and tracebacks."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from bot.logs import REDACTED, Redactor, configure_logging
from tests.conftest import TEST_TOKEN, make_settings

SECRET = "logs-test-secret-0123456789"
OTHER_TOKEN = "7123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"


@pytest.fixture
def output() -> Iterator[io.StringIO]:
    """A root handler's output while ``configure_logging`` (at DEBUG) is in force; restored."""
    root = logging.getLogger()
    level, filters = root.level, {h: list(h.filters) for h in root.handlers}
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    root.addHandler(handler)
    debug = make_settings("sqlite+aiosqlite:///unused.db").model_copy(
        update={"log_level": "DEBUG", "webhook_secret": SecretStr(SECRET)}
    )
    configure_logging(debug)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        for each in root.handlers:
            if each in filters:  # pytest's own handlers: as they were
                each.filters[:] = filters[each]
        root.setLevel(level)


@pytest.mark.parametrize(
    "phone",
    [
        "13924681357",
        "+8613924681357",
        "+86 139 2468 1357",
        "+86-139-2468-1357",
        "139-2468-1357",
        "0086 13924681357",
        "8613924681357",
        "1 3 9 2 4 6 8 1 3 5 7",
    ],
)
def test_chinese_mobile_numbers_are_redacted(phone: str) -> None:
    text = Redactor().redact(f"contact {phone}, done")
    assert text == f"contact {REDACTED}, done"


@pytest.mark.parametrize(
    "text",
    [
        "booking 42 at 2026-12-05 09:00",
        "update 1733180000123 done",  # a 13-digit number is not a phone number inside it
        "person 12924681357",  # 12… is no mobile prefix
        "ids 139246813570",
    ],
)
def test_ordinary_numbers_are_left_alone(text: str) -> None:
    assert Redactor().redact(text) == text


def test_secrets_tokens_and_personal_fields_are_redacted() -> None:
    redactor = Redactor([TEST_TOKEN, TEST_TOKEN.split(":")[1], SECRET, "short"])
    assert (
        redactor.redact(f"url http://x/bot{TEST_TOKEN}/getMe")
        == f"url http://x/bot{REDACTED}/getMe"
    )
    assert redactor.redact(f"%3A{TEST_TOKEN.split(':')[1]}") == f"%3A{REDACTED}"
    assert redactor.redact(f"{{'secret_token': '{SECRET}'}}") == f"{{'secret_token': '{REDACTED}'}}"
    assert redactor.redact(f"/bot{OTHER_TOKEN}/x") == f"/bot{REDACTED}/x"
    assert redactor.redact("short and sweet") == "short and sweet"  # too short to be a secret
    kwargs = "User(first_name='柳叶青', id=5, last_name=\"O'Neil\", username='liu')"
    assert redactor.redact(kwargs) == (
        f"User(first_name='{REDACTED}', id=5, last_name=\"{REDACTED}\", username='{REDACTED}')"
    )
    as_dict = repr({"chat_id": 5, "text": "我叫柳叶青 'hi' \\ ok", "parse_mode": None})
    assert (
        redactor.redact(as_dict) == f"{{'chat_id': 5, 'text': \"{REDACTED}\", 'parse_mode': None}}"
    )
    as_json = json.dumps({"text": 'say "柳叶青"', "contact": {"phone_number": "+8613924681357"}})
    assert "柳叶青" not in redactor.redact(as_json) and "1357" not in redactor.redact(as_json)
    assert redactor.redact("context='kept', texts='kept'") == "context='kept', texts='kept'"


def test_every_logger_and_level_is_redacted_with_arguments_and_traceback(
    output: io.StringIO,
) -> None:
    logging.getLogger("telegram.Bot").debug("Set Bot API URL: %s", f"http://x/bot{TEST_TOKEN}")
    logging.getLogger("some.library").warning("params %s", {"secret_token": SECRET})
    logging.getLogger("bot.web").info("number %s typed", "+86 139 2468 1357")
    try:
        raise RuntimeError(f"failed to call http://x/bot{TEST_TOKEN}/sendMessage for 13924681357")
    except RuntimeError:
        logging.getLogger("aiohttp.server").exception("boom %s", "nothing personal")
    logging.getLogger("broken").error("two %s %s", "args missing one")
    text = output.getvalue()
    for secret in (TEST_TOKEN, TEST_TOKEN.split(":")[1], SECRET, "13924681357", "139 2468"):
        assert secret not in text
    assert text.count(REDACTED) >= 6
    assert "RuntimeError: failed to call" in text and "boom nothing personal" in text
    assert "two %s %s" in text  # a record whose arguments do not fit is still written
