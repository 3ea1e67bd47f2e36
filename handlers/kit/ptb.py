"""The only module that reads python-telegram-bot's internals: who has a screen open where,
and a reply sent without reading the answer back.

PTB keeps each ConversationHandler's states in its private ``_conversations`` and offers no
public way to ask "is this person in any flow?" or to end another flow's state. Both are needed
(a bare "1" belongs to the open screen; entering a flow closes the others), so they live here,
with the reading and setting of one person's state that tests need, and a PTB upgrade that
renames the attribute breaks one module.

``send_text`` and ``send_file`` post through the bot's own ``_post`` (defaults, rate limiter and
errors as ``send_message`` / ``send_photo``) but skip turning Telegram's answer into a
``Message``: the flows never read it, and that parsing was an eighth of each update's CPU time
(bench/README.md, issue 16).
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any, Literal

from telegram import (
    Bot,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram.ext import Application, BaseHandler, ConversationHandler

ConversationKey = tuple[int, ...]
# A markup, or its Bot API form as a dict (a screen's stored keyboard, sent as it is).
SentMarkup = ReplyKeyboardMarkup | ReplyKeyboardRemove | InlineKeyboardMarkup | dict


def _keys(chat_id: int, user_id: int) -> set[ConversationKey]:
    """Every key a conversation may file this person under (per chat, per user, or both)."""
    return {(chat_id, user_id), (user_id,), (chat_id,)}


def _states(conversation: ConversationHandler) -> MutableMapping[Any, object]:  # type: ignore[type-arg]
    return conversation._conversations  # PTB has no public accessor


def _key(conversation: ConversationHandler, chat_id: int, user_id: int) -> ConversationKey:  # type: ignore[type-arg]
    """The key ``conversation`` files this person under (no flow of ours is per message)."""
    if conversation.per_message:
        raise ValueError(f"conversation {conversation.name!r} is per message")
    return (
        *((chat_id,) if conversation.per_chat else ()),
        *((user_id,) if conversation.per_user else ()),
    )


def conversation_state(
    conversation: ConversationHandler,  # type: ignore[type-arg]
    chat_id: int,
    user_id: int,
) -> object | None:
    """This person's state in ``conversation`` (None: no screen of it is open)."""
    return _states(conversation).get(_key(conversation, chat_id, user_id))


def set_conversation_state(
    conversation: ConversationHandler,  # type: ignore[type-arg]
    chat_id: int,
    user_id: int,
    state: object,
) -> None:
    """Put this person on ``state`` in ``conversation``, in memory (stored at the next flush)."""
    _states(conversation)[_key(conversation, chat_id, user_id)] = state


def conversations(handlers: Iterable[BaseHandler]) -> list[ConversationHandler]:  # type: ignore[type-arg]
    """The ConversationHandlers among ``handlers``."""
    return [h for h in handlers if isinstance(h, ConversationHandler)]


_FOUND_KEY = "tongxin.conversations"  # bot_data (never stored): the list, found once


def all_conversations(application: Application) -> list[ConversationHandler]:  # type: ignore[type-arg]
    """Every ConversationHandler registered in the application, in every group.

    Asked several times an update (is a screen open? end the others): found once and kept
    while the handler groups keep their sizes (handlers are added at start-up, and tests add
    their own)."""
    groups = application.handlers
    shape = tuple((group, len(handlers)) for group, handlers in groups.items())
    found = application.bot_data.get(_FOUND_KEY)
    if found is None or found[0] != shape:
        every = [h for handlers in groups.values() for h in conversations(handlers)]
        found = application.bot_data[_FOUND_KEY] = (shape, every)
    return found[1]  # type: ignore[no-any-return]


def open_conversation(
    handlers: Iterable[ConversationHandler],  # type: ignore[type-arg]
    chat_id: int,
    user_id: int,
) -> str | None:
    """The name of the conversation this person has a screen open in, if any."""
    both, user, chat = (chat_id, user_id), (user_id,), (chat_id,)
    for conversation in handlers:
        states = _states(conversation)
        if both in states or user in states or chat in states:
            return conversation.name or ""
    return None


def end_conversations(
    application: Application,  # type: ignore[type-arg]
    chat_id: int,
    user_id: int,
    keep: str | None = None,
) -> None:
    """End this person's state in every conversation (but ``keep``), in memory and when stored.

    Deleting a conversation key marks it for deletion at the next persistence flush, so a state
    changed moments ago (not yet flushed) cannot be written back later.
    """
    keys = _keys(chat_id, user_id)
    for conversation in all_conversations(application):
        if keep and conversation.name == keep:
            continue
        states = _states(conversation)
        for key in keys:
            if key in states:
                del states[key]


def forget_ui_state(application: Application, chat_id: int, user_id: int) -> None:  # type: ignore[type-arg]
    """Drop user/chat data and this person's state in every conversation, in memory and stored."""
    end_conversations(application, chat_id, user_id)
    application.drop_user_data(user_id)
    application.drop_chat_data(chat_id)


def read_as_typed(message: Message, text: str) -> None:
    """Give a message the words the person meant (a voice note's recognised words, or a plain
    request's menu item), so every handler after this one reads them as if typed.

    PTB's objects are frozen and have no public way to set a message's text.
    """
    with message._unfrozen():
        message.text = text


# The same keyboard objects (the main menu, made once per language and layout) are sent again
# and again: their Bot API form is made once. Keyed by identity, not equality (PTB's equality
# ignores a keyboard's options), holding the object so its id cannot be reused meanwhile.
_SENT_FORMS: dict[int, tuple[object, dict[str, Any]]] = {}
_SENT_FORMS_KEPT = 256


def _bot_api(
    markup: ReplyKeyboardMarkup | ReplyKeyboardRemove | InlineKeyboardMarkup,
) -> dict[str, Any]:
    found = _SENT_FORMS.get(id(markup))
    if found is not None and found[0] is markup:
        return found[1]
    if len(_SENT_FORMS) >= _SENT_FORMS_KEPT:
        _SENT_FORMS.clear()
    form = markup.to_dict()
    _SENT_FORMS[id(markup)] = (markup, form)
    return form


async def send_text(bot: Bot, chat_id: int, text: str, markup: SentMarkup | None) -> None:
    """Send a text message (and keyboard) as ``bot.send_message`` would, without parsing the
    sent ``Message`` out of the answer."""
    data: dict[str, object] = {
        "chat_id": chat_id,
        "text": text,
        "reply_markup": markup if markup is None or isinstance(markup, dict) else _bot_api(markup),
        # DefaultValue placeholders: _post puts the application's Defaults in, as send_message.
        "link_preview_options": DEFAULT_NONE,
        "parse_mode": DEFAULT_NONE,
        "disable_notification": DEFAULT_NONE,
        "protect_content": DEFAULT_NONE,
    }
    await bot._post("sendMessage", data)


async def send_file(
    bot: Bot,
    chat_id: int,
    kind: Literal["photo", "document"],
    file: InputFile,
    caption: str | None = None,
) -> None:
    """Send a photo or a document as ``bot.send_photo`` / ``send_document`` would, without
    parsing the sent ``Message`` out of the answer."""
    data: dict[str, object] = {
        "chat_id": chat_id,
        kind: file,
        "caption": caption,
        "parse_mode": DEFAULT_NONE,
        "disable_notification": DEFAULT_NONE,
        "protect_content": DEFAULT_NONE,
    }
    await bot._post("sendPhoto" if kind == "photo" else "sendDocument", data)
