"""What a domain package declares to the registry: one ``Feature`` with everything it adds.

``handlers/<domain>/__init__.py`` exports ``FEATURE``; ``bot.registry`` lists the features once
and is the only place that reads them: it adds their handlers and answer handlers to the
application, schedules their jobs, builds the main menu from their menu entries, routes
``/start <payload>`` deep links by prefix, and refuses (at build time) two features claiming the
same conversation name, callback prefix, deep-link prefix or menu key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler

from bot.context import TongxinContext
from bot.i18n import Catalogues
from jobs import Job
from models.core.callbacks import CallbackCode

if TYPE_CHECKING:
    from handlers.kit.menu import MainMenu

Handlers = Sequence[BaseHandler]  # type: ignore[type-arg]
DeepLinkCallback = Callable[[Update, TongxinContext, str], Awaitable[None]]
# Answers a question sent by message: (update, context, the question's subject, the choice's key).
QuestionCallback = Callable[[Update, TongxinContext, str, str], Awaitable[None]]
# Inline button rows a feature adds under ``/checkin``'s list of today's slots (today's events).
CheckinRows = Callable[[TongxinContext], Awaitable[list[list[InlineKeyboardButton]]]]


@dataclass(frozen=True)
class Wiring:
    """What a feature's handler builders receive: the catalogues and the assembled main menu."""

    i18n: Catalogues
    menu: MainMenu


@dataclass(frozen=True)
class MenuEntry:
    """A main-menu item: a stable key, its label's message id, its place in the menu, and the
    words people ask for it by ("订饭", "体检"; any language), read at the main menu."""

    key: str
    label: str
    order: int
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeepLink:
    """``/start <prefix><rest>`` runs ``callback(update, context, rest)`` for registered people.

    Someone still registering has the link kept and followed once they finish.
    """

    prefix: str
    callback: DeepLinkCallback


@dataclass(frozen=True)
class Question:
    """A kind of question the domain sends by message (``models.core.questions.question``) and
    the callback that answers a choice typed or tapped on it (see ``handlers.kit.current``)."""

    kind: str
    answer: QuestionCallback


def _none(_wiring: Wiring) -> Handlers:
    return ()


@dataclass(frozen=True)
class Feature:
    """One domain's contribution to the bot.

    ``handlers`` build the domain's conversations and commands (group 0, in registry order);
    ``answers`` build handlers that must see a message before any flow does; ``questions``
    answer the questions the domain sends by message (each is the current screen once
    delivered: ``handlers.kit.current``); ``groups`` build the few handlers that act in group
    chats (``handlers.kit.groups``: they run before the private-chat guard); ``callbacks``
    are the callback codes whose prefixes the domain owns; ``checkin`` adds rows under
    ``/checkin``'s slots (``handlers.kit.door``).
    """

    name: str
    handlers: Callable[[Wiring], Handlers] = _none
    answers: Callable[[Wiring], Handlers] = _none
    groups: Callable[[Wiring], Handlers] = _none
    jobs: Sequence[Job] = ()
    menu: Sequence[MenuEntry] = ()
    deep_links: Sequence[DeepLink] = ()
    questions: Sequence[Question] = ()
    callbacks: Sequence[CallbackCode] = field(default=())
    checkin: Sequence[CheckinRows] = ()
