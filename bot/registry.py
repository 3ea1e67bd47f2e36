"""The feature registry: the one list of domains, and the one place that wires them in.

Adding a domain means adding its ``FEATURE`` to ``FEATURES``; nothing else in ``bot`` changes.
``register_all`` checks the features against each other when the application is built (a
duplicate name, conversation, callback prefix, deep-link prefix or menu key fails loudly),
then adds their handlers in this order, behind the person loader and the guard that lets only
private chats reach them, and puts the main menu and the deep links where the kit finds them;
last of all comes the answer to a tap that nothing took, so every tap is answered exactly once.
``all_jobs`` lists every feature's periodic jobs for the runner.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from telegram import Update
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    TypeHandler,
)

from bot.context import TongxinApplication
from handlers import (
    booking,
    broadcasts,
    disputes,
    events,
    governance,
    home,
    onboarding,
    roles,
    settings,
)
from handlers.kit import (
    Feature,
    MainMenu,
    Wiring,
    answer_stale_tap,
    current_screen,
    guard_entries,
    hear_request,
    hear_voice,
    load_person,
    private_chats_only,
    publish_checkin_rows,
    publish_deep_links,
    publish_main_menu,
    publish_questions,
)
from jobs import Job, maintenance

# Order matters: in group 0 the first handler that accepts an update handles it, so the flows
# come first and home (whose catch-all answers anything unexpected) comes last.
FEATURES: tuple[Feature, ...] = (
    onboarding.FEATURE,
    settings.FEATURE,
    roles.FEATURE,
    broadcasts.FEATURE,
    booking.FEATURE,
    events.FEATURE,
    disputes.FEATURE,
    governance.FEATURE,
    *home.PLACEHOLDERS,
    home.FEATURE,
)
# Handler groups, run in this order (order matters): who is talking (it only reads, and settles
# the language the next group may answer in); where they are talking (only private chats go on:
# groups, channels and edited messages are dealt with, minimally, and stopped there, before any
# answer or flow can see them); the current screen (a question sent by message takes the
# answer, an idle screen closes: handlers.kit.current); answers that only the database can tell
# apart from menu choices (they stop the update when they take it, and let it through
# otherwise); the flows.
PERSON_GROUP, CHATS_GROUP, HEARING_GROUP, SCREEN_GROUP = -6, -5, -4, -3
ANSWERS_GROUP, REQUESTS_GROUP, FLOWS_GROUP = -2, -1, 0


class RegistryError(ValueError):
    """Two features claim the same name, conversation, prefix or menu item."""


def _unique(kind: str, values: Iterable[str]) -> None:
    repeated = sorted(value for value, count in Counter(values).items() if count > 1)
    if repeated:
        raise RegistryError(f"duplicate {kind}: {', '.join(repeated)}")


def _no_prefix_of_another(kind: str, prefixes: Sequence[str]) -> None:
    for a in prefixes:
        for b in prefixes:
            if a != b and b.startswith(a):
                raise RegistryError(f"{kind} {a!r} is a prefix of {b!r}")


def check_features(features: Sequence[Feature]) -> MainMenu:
    """Refuse features that collide; return the main menu they make up."""
    _unique("feature name", (f.name for f in features))
    entries = [entry for f in features for entry in f.menu]
    _unique("menu key", (e.key for e in entries))
    _unique("menu position", (str(e.order) for e in entries))
    callbacks = [code.prefix for f in features for code in f.callbacks]
    _unique("callback prefix", callbacks)
    links = [link.prefix for f in features for link in f.deep_links]
    _unique("deep-link prefix", links)
    _no_prefix_of_another("deep-link prefix", links)
    _unique("job name", (job.name for f in features for job in f.jobs))
    _unique("question kind", (q.kind for f in features for q in f.questions))
    return MainMenu(entries)


def _conversation_names(handlers: Iterable[BaseHandler]) -> list[str]:  # type: ignore[type-arg]
    return [h.name or "" for h in handlers if isinstance(h, ConversationHandler)]


def register_all(
    application: Application,  # type: ignore[type-arg]
    features: Sequence[Feature] = FEATURES,
) -> None:
    """Add the person loader, the private-chat guard and every feature's handlers; publish the
    menu and deep links."""
    if not isinstance(application, TongxinApplication):
        raise TypeError("features register on a TongxinApplication (see bot.app)")
    menu = check_features(features)
    publish_main_menu(application, menu)
    publish_deep_links(application, [link for f in features for link in f.deep_links])
    publish_questions(application, [q for f in features for q in f.questions])
    publish_checkin_rows(application, [rows for f in features for rows in f.checkin])
    wiring = Wiring(i18n=application.services.i18n, menu=menu)
    flows = [list(feature.handlers(wiring)) for feature in features]
    every = [handler for handlers in flows for handler in handlers]
    _unique("conversation name", _conversation_names(every))
    guard_entries(every)
    application.add_handler(TypeHandler(Update, load_person), group=PERSON_GROUP)
    # Order matters: the features' group-chat handlers come before the guard in its group (the
    # first that takes an update is the only one of the group to run; each stops the update).
    for feature in features:
        in_groups = list(feature.groups(wiring))
        if in_groups:
            application.add_handlers(in_groups, group=CHATS_GROUP)
    application.add_handler(TypeHandler(Update, private_chats_only), group=CHATS_GROUP)
    application.add_handler(TypeHandler(Update, hear_voice), group=HEARING_GROUP)
    application.add_handler(TypeHandler(Update, current_screen), group=SCREEN_GROUP)
    for feature in features:
        answers = list(feature.answers(wiring))
        if answers:
            application.add_handlers(answers, group=ANSWERS_GROUP)
    application.add_handler(TypeHandler(Update, hear_request), group=REQUESTS_GROUP)
    for handlers in flows:
        application.add_handlers(handlers, group=FLOWS_GROUP)
    # Order matters: last in the flows' group, it runs only for a tap no flow or tap handler
    # took (PTB runs at most one handler of a group), so no tap spins unanswered, and none
    # that a handler answered is answered twice. A later group would run after every tap.
    application.add_handler(CallbackQueryHandler(answer_stale_tap), group=FLOWS_GROUP)


def all_jobs(features: Sequence[Feature] = FEATURES) -> list[Job]:
    """Every periodic job: the housekeeping ones, then each feature's."""
    return [*maintenance.JOBS, *(job for feature in features for job in feature.jobs)]
