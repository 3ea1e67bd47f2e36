"""The global error handler: traceback to the log, a polite translated answer to the user."""

from __future__ import annotations

import logging

import pytest
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import TongxinContext
from tests.harness import BotHarness


async def _explode(update: Update, context: TongxinContext) -> None:
    raise RuntimeError("secret internals: table person column phone")


@pytest.mark.parametrize(("language_code", "expected_id"), [("zh-hans", "zh_CN"), ("en", "en")])
async def test_failure_is_logged_and_answered_politely(
    harness: BotHarness, caplog: pytest.LogCaptureFixture, language_code: str, expected_id: str
) -> None:
    assert harness.app is not None
    # First in group 0, where the flows live, so no other handler answers the update.
    harness.app.handlers[0].insert(0, CommandHandler("boom", _explode))
    user = harness.user(7001, language_code=language_code)

    replies = await user.send("/boom")

    polite = harness.services.i18n.translator(expected_id)("error.internal")
    assert [m["text"] for m in replies] == [polite]
    assert "secret internals" not in polite
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any(r.exc_info and "secret internals" in str(r.exc_info[1]) for r in errors)
    sample = next(iter(harness.services.metrics.errors.collect())).samples[0]
    assert sample.value == 1
