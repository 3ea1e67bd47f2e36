"""Logging: plain lines at TONGXIN_LOG_LEVEL, the noisy libraries quietened, every record redacted.

At DEBUG, PTB logs the Bot API URL (the token is part of it), the parameters of every call
(``setWebhook``'s secret, the texts the bot sends) and every update (names, shared phone
numbers). ``Redactor``, a filter on every root handler, rewrites each record before any handler
formats it: in the message with its arguments, the traceback and the stack, the token and the
webhook secret, anything shaped like a bot token, the values of the fields that carry what people
typed or who they are (``text``, ``first_name``, ``phone_number`` …) and Chinese mobile numbers
(also after +86, with spaces or dashes) become ``[redacted]``, at every level, for every logger.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterable

from telegram.warnings import PTBUserWarning

from bot.settings import Settings

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[redacted]"
MIN_SECRET = 8  # shorter configured values would redact ordinary words
#: A bot token nobody configured as a secret here: the bot's id, a colon, 35 characters.
BOT_TOKEN = re.compile(r"(?<!\d)\d{5,16}:[A-Za-z0-9_-]{30,}")
#: A Chinese mobile number: 1[3-9] and nine digits, maybe after +86, 0086 or 86, with single
#: spaces or dashes anywhere between the digits.
PHONE = re.compile(r"(?<!\d)(?:(?:\+|00)?86[ -]?)?1[ -]?[3-9](?:[ -]?\d){9}(?!\d)")
#: Fields whose values are what people typed or who they are, as PTB's reprs (``text='…'``),
#: Python dicts (``'text': '…'``) and JSON (``"text": "…"``) write them.
PERSONAL_FIELDS = (
    "text",
    "caption",
    "first_name",
    "last_name",
    "username",
    "phone_number",
    "vcard",
    "display_name",
    "address",
    "query",
)
_KEY = "|".join(PERSONAL_FIELDS)
FIELD = re.compile(
    rf"""(?P<key>['"]?\b(?:{_KEY})['"]?\s*[:=]\s*)(?P<q>['"])(?:\\.|(?!(?P=q))[^\\])*(?P=q)"""
)
_MARK = "tongxin_redacted_by"
_TRACEBACKS = logging.Formatter()


class Redactor(logging.Filter):
    """A handler filter that rewrites each record, in place, with nothing secret or personal."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        kept = {secret for secret in secrets if len(secret) >= MIN_SECRET}
        self.secrets = tuple(sorted(kept, key=len, reverse=True))  # a longer one first

    def redact(self, text: str) -> str:
        """``text`` with the secrets, bot tokens, personal fields and phone numbers replaced."""
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        text = BOT_TOKEN.sub(REDACTED, text)
        text = FIELD.sub(rf"\g<key>\g<q>{REDACTED}\g<q>", text)
        return PHONE.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record's message (arguments filled in), traceback and stack; keep it."""
        if record.__dict__.get(_MARK) is self:  # another handler of ours saw it already
            return True
        try:
            message = record.getMessage()
        except Exception:  # arguments that do not fit the message: log the message alone
            message = str(record.msg)
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = _TRACEBACKS.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        record.__dict__[_MARK] = self
        return True


def secrets_of(settings: Settings) -> list[str]:
    """What no log line may show: the bot token (and its part after the colon), the secret."""
    found: list[str] = []
    if settings.bot_token is not None:
        token = settings.bot_token.get_secret_value().strip()
        found += [token, token.partition(":")[2]]
    if settings.webhook_secret is not None:
        found.append(settings.webhook_secret.get_secret_value())
    return [secret for secret in found if secret]


def silence_noisy_loggers() -> None:
    """Quieten libraries that log every request URL (the token is in it: httpx, at INFO) or
    every SQL statement with its parameters (names, phones, texts: aiosqlite, at DEBUG)."""
    for noisy in ("httpx", "httpcore", "apscheduler", "aiohttp.access", "aiosqlite"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # Our conversations mix typed answers with inline taps and are per chat by design; PTB's
    # per_message advice would only clutter the operator's console at every start.
    warnings.filterwarnings("ignore", message=".*per_message", category=PTBUserWarning)


def configure_logging(settings: Settings, also: Iterable[str] = ()) -> Redactor:
    """Log at ``settings.log_level`` on stderr (unless the root logger has a handler already),
    every root handler redacting through one ``Redactor`` (returned); ``also``: more secrets
    (a channel's)."""
    root = logging.getLogger()
    root.setLevel(settings.log_level)
    if not root.handlers:
        stderr = logging.StreamHandler()
        stderr.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(stderr)
    redactor = Redactor([*secrets_of(settings), *also])
    for handler in root.handlers:
        for old in [f for f in handler.filters if isinstance(f, Redactor)]:
            handler.removeFilter(old)
        handler.addFilter(redactor)
    silence_noisy_loggers()
    return redactor
