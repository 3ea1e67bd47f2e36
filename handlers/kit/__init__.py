"""The conversation kit: everything flows share, and the only code that touches PTB internals.

Domain packages import from here (``from handlers.kit import ask, conversation, run …``), never
from one another. See docs/architecture.md for how a flow is put together.
"""

from handlers.kit.chats import private_chats_only
from handlers.kit.current import SCREEN_IDLE, current_screen, publish_questions
from handlers.kit.db import run
from handlers.kit.deeplinks import deep_link_for, follow_deep_link, publish_deep_links
from handlers.kit.drafts import clear_draft, draft
from handlers.kit.entries import guard_entries
from handlers.kit.feature import DeepLink, Feature, Handlers, MenuEntry, Question, Wiring
from handlers.kit.flow import (
    ANSWERS,
    END,
    Screen,
    Step,
    conversation,
    entry_points,
    leave,
    leave_cancelled,
    leave_to_help,
    screen,
)
from handlers.kit.hearing import hear_request, hear_voice
from handlers.kit.menu import (
    MainMenu,
    MenuButton,
    main_menu,
    main_menu_keyboard,
    publish_main_menu,
    show_help,
    show_main_menu,
)
from handlers.kit.person import (
    current_scopes,
    load_person,
    me,
    registered,
    requires,
)
from handlers.kit.ptb import (
    all_conversations,
    conversation_state,
    end_conversations,
    forget_ui_state,
    open_conversation,
    set_conversation_state,
)
from handlers.kit.replies import (
    Markup,
    error_text,
    lead,
    reply,
    reply_error,
    reply_not_registered,
    start_keyboard,
    start_labels,
)
from handlers.kit.screens import ask, chosen, message_text, shown, today
from handlers.kit.taps import (
    Buttons,
    answer_stale_tap,
    drop_buttons,
    leave_to_main_menu,
    nav_buttons,
    page_rows,
    refuse_tap,
    show_screen,
    tap_handler,
)
from handlers.kit.ui import (
    BARE_NUMBER,
    MAX_CHOICES,
    Option,
    choice_keyboard,
    is_nav,
    match_option,
    nav_row,
    numbered,
    page_of,
)
from models.core.callbacks import CallbackCode, Field, Tap, parse_id
from models.core.words import Means

__all__ = [
    "ANSWERS",
    "BARE_NUMBER",
    "END",
    "MAX_CHOICES",
    "SCREEN_IDLE",
    "Buttons",
    "CallbackCode",
    "DeepLink",
    "Feature",
    "Field",
    "Handlers",
    "MainMenu",
    "Markup",
    "Means",
    "MenuButton",
    "MenuEntry",
    "Option",
    "Question",
    "Screen",
    "Step",
    "Tap",
    "Wiring",
    "all_conversations",
    "answer_stale_tap",
    "ask",
    "choice_keyboard",
    "chosen",
    "clear_draft",
    "conversation",
    "conversation_state",
    "current_scopes",
    "current_screen",
    "deep_link_for",
    "draft",
    "drop_buttons",
    "end_conversations",
    "entry_points",
    "error_text",
    "follow_deep_link",
    "forget_ui_state",
    "guard_entries",
    "hear_request",
    "hear_voice",
    "is_nav",
    "lead",
    "leave",
    "leave_cancelled",
    "leave_to_help",
    "leave_to_main_menu",
    "load_person",
    "main_menu",
    "main_menu_keyboard",
    "match_option",
    "me",
    "message_text",
    "nav_buttons",
    "nav_row",
    "numbered",
    "open_conversation",
    "page_of",
    "page_rows",
    "parse_id",
    "private_chats_only",
    "publish_deep_links",
    "publish_main_menu",
    "publish_questions",
    "refuse_tap",
    "registered",
    "reply",
    "reply_error",
    "reply_not_registered",
    "requires",
    "run",
    "screen",
    "set_conversation_state",
    "show_help",
    "show_main_menu",
    "show_screen",
    "shown",
    "start_keyboard",
    "start_labels",
    "tap_handler",
    "today",
]
