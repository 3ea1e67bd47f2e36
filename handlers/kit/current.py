"""The current screen: a question that arrived by message comes first, and idle screens close.

Screens used to live forever, so yesterday's open screen caught today's answer to a reminder:
"回复 1 确认前往" typed on an open booking screen chose its "1. ❌ 取消预约". Two rules fix it,
both applied by ``current_screen``, which runs for every update after the person loader and
before any flow or answer handler (the registry's screen group):

- **A question asked by message is the current screen.** When the outbox pump delivers a
  message that asks (its payload carries a ``question``: a reminder, a waitlist offer …), the
  message brings its own reply keyboard (numbered choices and 🏠) and the pump records it as
  the person's pending question, in the database (``models.core.questions``; the pump may be
  another process). At the person's next message, a question asked after their last action is
  live: every open conversation of theirs is ended (in memory, and so in the persisted state
  at the next flush) and the message goes to the question: its number or words pick a choice,
  and the feature that owns the question's kind answers it (``Feature.questions``); 🏠 or ⬅️
  leave it for the main menu; anything else asks again, with the same choices. A command, a
  tap or a later screen means the person moved on: the question lapses and the update goes on
  as usual. A question's own ``expires_at`` (a reminder's slot start) ends it too.
- **Open screens expire after ``SCREEN_IDLE`` (30 minutes) without an answer.** The kit stamps
  the time of the person's updates in ``user_data`` (at most once a minute; persisted, so it
  survives a restart); a message
  typed on a conversation's screen after a longer pause gets "this page has closed" and the
  main menu, and changes nothing. Commands and the main menu never expire, and neither does
  onboarding (someone not yet registered has no main menu; their answers are kept anyway).

Why not PTB's ``conversation_timeout``: it keeps one JobQueue job per open conversation in
memory, which a restart loses (the persisted state would then never time out), and it would
message people when the timer fires, unasked. A timestamp read when the next message comes
costs nothing while people are away and behaves the same after a restart.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import Application, ApplicationHandlerStop

from bot.context import TongxinContext
from handlers.kit.db import run
from handlers.kit.drafts import clear_draft
from handlers.kit.feature import Question, QuestionCallback
from handlers.kit.menu import show_main_menu
from handlers.kit.person import registered
from handlers.kit.ptb import all_conversations, end_conversations, open_conversation
from handlers.kit.replies import reply
from handlers.kit.ui import Option, choice_keyboard, is_nav, match_option
from models.core.base import utcnow
from models.core.questions import PendingQuestion, close_question
from models.core.screens import SCREEN_IDLE, SEEN_KEY

# The time is written again only when it is this much older, so a busy chat changes user_data
# (and the persistence flush writes it) at most once a minute; screens then close after 29-30
# idle minutes. Questions do not depend on it: any update that does not answer one ends it.
STAMP_EVERY = timedelta(minutes=1)
QUESTIONS_KEY = "tongxin.questions"


def publish_questions(application: Application, questions: Sequence[Question]) -> None:  # type: ignore[type-arg]
    """Make the features' question answers known to the kit (the registry, at build time)."""
    application.bot_data[QUESTIONS_KEY] = {q.kind: q.answer for q in questions}


def _answers(context: TongxinContext) -> dict[str, QuestionCallback]:
    found = context.application.bot_data.get(QUESTIONS_KEY)
    return found if isinstance(found, dict) else {}


def _seen(context: TongxinContext) -> datetime | None:
    stamp = (context.user_data or {}).get(SEEN_KEY)
    return datetime.fromtimestamp(stamp, utcnow().tzinfo) if isinstance(stamp, float) else None


def _stamp(context: TongxinContext, now: datetime, seen: datetime | None) -> None:
    if context.user_data is not None and (seen is None or now - seen >= STAMP_EVERY):
        context.user_data[SEEN_KEY] = now.timestamp()


def _typed(message: Message | None) -> bool:
    """A message that answers a screen (not a command)."""
    return message is not None and not (message.text or "").startswith("/")


def _close_screens(update: Update, context: TongxinContext) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is not None and user is not None:
        end_conversations(context.application, chat.id, user.id)
    clear_draft(context)


def _on_a_screen(update: Update, context: TongxinContext) -> bool:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return False
    conversations = all_conversations(context.application)
    return open_conversation(conversations, chat.id, user.id) is not None


async def _lapse(context: TongxinContext, question: PendingQuestion) -> None:
    """The question is no longer on screen: forget it."""
    await run(context, close_question, question.person_id, question.asked_at)
    context.question = None


async def current_screen(update: Update, context: TongxinContext) -> None:
    """Before every flow: a live question takes the message; a long-idle screen closes.

    Only for registered people in private chats: nobody else is asked questions, and
    onboarding never expires.
    """
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE or not registered(context.person):
        return
    now, seen, question = utcnow(), _seen(context), context.question
    if question is not None:
        if _typed(update.message) and question.live(now, seen):
            await _answer(update, context, question, now)
        await _lapse(context, question)
    _stamp(context, now, seen)
    idle = seen is not None and now - seen > SCREEN_IDLE
    if idle and _typed(update.message) and _on_a_screen(update, context):
        _close_screens(update, context)
        await show_main_menu(update, context, "home.screen_closed")
        raise ApplicationHandlerStop()


def _by_words(text: str | None, choices: list[list[str]]) -> Option | None:
    """The choice whose own words were typed ("同意" for "✅ 同意这一次"); digits never match
    here (a number is the choice's number, matched by its label's list)."""
    if not text or any(ch.isdigit() for ch in text):
        return None
    for key, label, *words in choices:
        if words and match_option(text, [Option(key, word) for word in words]) is not None:
            return Option(key, label)
    return None


async def _answer(
    update: Update, context: TongxinContext, question: PendingQuestion, now: datetime
) -> None:
    """The message answers the question (or leaves it, or is asked again); the update stops.

    Returns only for a question no feature answers (then it lapses and the flows go on).
    """
    answer = _answers(context).get(question.kind)
    if answer is None:
        return
    _close_screens(update, context)  # the question replaced whatever screen was open
    t, text = context.t, update.message.text if update.message else None
    options = [Option(str(key), str(label)) for key, label, *_words in question.choices]
    if is_nav(text, t, "home") or is_nav(text, t, "back"):
        await _lapse(context, question)
        _stamp(context, now, seen=None)
        await show_main_menu(update, context)
        raise ApplicationHandlerStop()
    choice = match_option(text, options) or _by_words(text, question.choices)
    if choice is None:  # still the question: the same choices again (its time stays unseen)
        voice = update.message is not None and update.message.voice is not None
        again = t("words.voice.choose") if voice else t("home.question.again", count=len(options))
        await reply(update, context, again, choice_keyboard(options, t, back=False))
        raise ApplicationHandlerStop()
    await _lapse(context, question)
    _stamp(context, now, seen=None)
    await answer(update, context, question.subject, choice.key)
    raise ApplicationHandlerStop()
