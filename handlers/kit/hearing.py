"""What the person said, read before the flows: a voice note's words, a plain request, a hello.

- **Voice** (``hear_voice``, before the current screen): the application's recogniser
  (``Services.speech``, the seam in ``models.core.speech``) is asked for the words; words it
  returns become the message's text, so a recognised "一" or "明天" answers a screen, a
  reminder or the main menu exactly as typed ones would. Without words the message stays a
  voice note, and the screen it lands on answers it kindly (``handlers.kit.words``).
- **At the main menu** (``hear_request``, after the current screen and the answers; only for
  registered people with no screen open): a greeting ("你好", "hello") gets a friendly hello and
  the main menu; a plain request that names one main-menu item surely ("预约", "订饭", "体检",
  "help", "我想订明天的午饭": the items' ``MenuEntry.words`` and labels, through the shared
  matcher) is read as that item's label, so the item's own entry takes it. The words typed
  stay in ``context.said`` for the flow to take more from (a kind, a day).

Names are typed text: a voice note on a name screen that no recogniser read is not kept (a
name has to be shown and searched as text) and the person is asked to type it; screens whose
step keeps voice (comments now, disputes and suggestions later) get the voice note itself,
kept by its ``file_id``. A voice note that cannot be fetched (gone from the channel) is
one nobody recognised.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.context import TongxinContext
from handlers.kit.menu import main_menu, show_main_menu
from handlers.kit.person import registered
from handlers.kit.ptb import all_conversations, open_conversation, read_as_typed
from models.core.phrases import is_greeting
from models.core.speech import VoiceNote
from models.core.words import exactly, tapped, understand

logger = logging.getLogger(__name__)


def _private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


async def hear_voice(update: Update, context: TongxinContext) -> None:
    """A voice note's words, when the recogniser has any, become the message's text."""
    message = update.message
    if message is None or message.voice is None or message.text or not _private(update):
        return
    voice = message.voice

    async def fetch() -> bytes:
        return bytes(await (await voice.get_file()).download_as_bytearray())

    note = VoiceNote(
        file_id=voice.file_id,
        duration=int(voice.to_dict().get("duration", 0)),  # the attribute warns (PTB 22)
        mime_type=voice.mime_type,
        language=context.lang,
        fetch=fetch,
    )
    try:
        words = await context.services.speech.recognise(note)
    except TelegramError as exc:  # e.g. WeChat keeps a voice note three days: then unheard
        logger.warning("a voice note could not be fetched for recognition: %s", exc)
        return
    if words and words.strip():
        read_as_typed(message, words.strip())


def _on_a_screen(update: Update, context: TongxinContext) -> bool:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return False
    return open_conversation(all_conversations(context.application), chat.id, user.id) is not None


async def hear_request(update: Update, context: TongxinContext) -> None:
    """At the main menu: a hello is answered; a plain request becomes its menu item's label."""
    message = update.message
    text = message.text if message else None
    if message is None or not text or text.startswith("/") or not _private(update):
        return
    if not registered(context.person) or _on_a_screen(update, context):
        return
    if is_greeting(text):
        await show_main_menu(update, context, "words.greeting")
        raise ApplicationHandlerStop()
    options = main_menu(context).options(context.t)
    if exactly(text, options) is not None or tapped(text):
        return  # a tap or a number (of this menu or an old screen's): taken as it is
    found = understand(text, options)
    if found.sure and found.choice is not None:
        context.said = text
        read_as_typed(message, found.choice.label)
