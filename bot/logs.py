"""Logging: plain lines on stderr at TONGXIN_LOG_LEVEL, without the noisy libraries."""

from __future__ import annotations

import logging
import warnings

from telegram.warnings import PTBUserWarning

from bot.settings import Settings

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def silence_noisy_loggers() -> None:
    """httpx logs every request URL at INFO, and Bot API URLs contain the token."""
    for noisy in ("httpx", "httpcore", "apscheduler", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # Our conversations mix typed answers with inline taps and are per chat by design; PTB's
    # per_message advice would only clutter the operator's console at every start.
    warnings.filterwarnings("ignore", message=".*per_message", category=PTBUserWarning)


def configure_logging(settings: Settings) -> None:
    """Log at ``settings.log_level`` on stderr (unless the root logger has a handler already)."""
    root = logging.getLogger()
    root.setLevel(settings.log_level)
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(handler)
    silence_noisy_loggers()
