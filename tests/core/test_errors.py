"""The global error handler: traceback to the log, a polite translated answer to the user."""

from __future__ import annotations

import logging

import pytest
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import TongxinContext
from models.core.errors import NotFound
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


async def _vanished(update: Update, context: TongxinContext) -> None:
    raise NotFound()


async def test_a_domain_error_is_explained_not_logged_as_a_fault(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """A row gone between two taps is a domain outcome: its words, no traceback, no count."""
    assert harness.app is not None
    harness.app.handlers[0].insert(0, CommandHandler("gone", _vanished))
    user = harness.user(7002, language_code="zh-hans")

    replies = await user.send("/gone")

    expected = harness.services.i18n.translator("zh_CN")("error.not_found")
    assert [m["text"] for m in replies] == [expected]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    sample = next(iter(harness.services.metrics.errors.collect())).samples[0]
    assert sample.value == 0
