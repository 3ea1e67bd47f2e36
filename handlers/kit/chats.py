"""Where the bot talks: every flow is personal or staff business, so only private chats reach one.

``private_chats_only`` runs for every update after the person loader and before any answer or
flow (the registry gives it a handler group of its own). It lets private chats through and
deals with everything else itself, then stops the update:

- The bot added to or removed from a group or channel (``my_chat_member``): recorded in
  ``bot_group``, nothing said.
- A command, a mention or a reply addressed to the bot in a group: once per group (remembered
  in ``bot_group``, so also after a restart) a polite "talk to me in private" with a link to the
  private chat; nothing after that. Ordinary chatter, service messages, reactions: silence.
- A tap on an inline button in a group: answered with no text (so the client stops spinning).
- Edited messages and channel posts, anywhere: ignored (see ``_ignored``).
"""

from __future__ import annotations

import logging

from telegram import ChatMember, Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.context import TongxinContext
from handlers.kit.db import run
from models.core.groups import claim_private_notice, record_membership

logger = logging.getLogger(__name__)

# The bot's statuses in which it is in the chat (a restricted member may still be in it).
_IN_CHAT = frozenset({ChatMember.OWNER, ChatMember.ADMINISTRATOR, ChatMember.MEMBER})


def _ignored(update: Update) -> bool:
    """Updates the bot deliberately leaves unanswered, in any chat.

    An edited message was already answered as first sent: answering the edit again would take
    one typed answer twice (a flow step done twice) or reply "not understood" to a fixed typo.
    A channel post has no person behind it to serve, and the bot never posts in channels.
    """
    return bool(update.edited_message or update.channel_post or update.edited_channel_post)


async def private_chats_only(update: object, context: TongxinContext) -> None:
    """Let private chats through; answer the rest here, minimally, and stop the update."""
    if not isinstance(update, Update):
        return
    if _ignored(update):
        raise ApplicationHandlerStop()
    if update.my_chat_member is not None:
        await _record_membership(update, context)
        raise ApplicationHandlerStop()
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return  # private chats (and the chatless updates no flow takes) go on to the flows
    if update.callback_query is not None:
        await update.callback_query.answer()  # no text: only stops the client's spinner
    elif update.message is not None and _addressed_to_bot(update.message, context):
        await _tell_to_talk_in_private(update.message, context)
    raise ApplicationHandlerStop()


async def _record_membership(update: Update, context: TongxinContext) -> None:
    """The bot joined or left a group or channel (or its rights there changed): keep a row."""
    changed = update.my_chat_member
    if changed is None or changed.chat.type == ChatType.PRIVATE:
        # In a private chat this is a person blocking or unblocking the bot: the outbox learns
        # of a block from its next send (403), which marks the person unreachable.
        return
    new = changed.new_chat_member
    person = context.person  # whoever added the bot, if the bot knows them
    done = await run(
        context,
        record_membership,
        chat_id=changed.chat.id,
        title=changed.chat.title,
        chat_type=str(changed.chat.type),
        status=str(new.status),
        active=new.status in _IN_CHAT or bool(getattr(new, "is_member", False)),
        by_person=person.id if person is not None else None,
    )
    if done.joined or done.left:
        how = "added to" if done.joined else "removed from"
        logger.info("bot %s %s %s", how, changed.chat.type, done.chat_id)


def _addressed_to_bot(message: Message, context: TongxinContext) -> bool:
    """A command for this bot (``/help``, ``/help@bot``), a mention of it, or a reply to it."""
    name = (context.bot.username or "").lower()
    kinds: list[str | None] = [MessageEntity.BOT_COMMAND, MessageEntity.MENTION]
    for entity, text in message.parse_entities(kinds).items():
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            _, _, target = text.partition("@")
            if not target or target.lower() == name:
                return True
        elif entity.type == MessageEntity.MENTION and text[1:].lower() == name:
            return True
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == context.bot.id)


async def _tell_to_talk_in_private(message: Message, context: TongxinContext) -> None:
    """Say once per group that the bot helps in a private chat, with a link to it."""
    chat = message.chat
    first = await run(
        context,
        claim_private_notice,
        chat_id=chat.id,
        title=chat.title,
        chat_type=str(chat.type),
    )
    if not first:
        return
    link = f"https://t.me/{context.bot.username}"
    # A reply to the message that asked: clear whom it answers, and in a forum's topic it
    # stays in that topic.
    await message.reply_text(context.t("chats.private_only", link=link), do_quote=True)
