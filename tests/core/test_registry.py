"""The feature registry: a new domain lands as one Feature, and collisions fail at build time.

``greeting`` below is the walkthrough of docs/architecture.md ("Adding a domain") in miniature:
a use case that takes the session first, a handler that calls it through ``kit.run``, a menu
entry, a deep link, a callback code and a job, all declared once and wired by the registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler

from bot.context import Services, TongxinContext
from bot.i18n import N_
from bot.registry import FEATURES, RegistryError, all_jobs, check_features, register_all
from handlers.kit import (
    CallbackCode,
    DeepLink,
    Feature,
    Field,
    MenuButton,
    MenuEntry,
    Tap,
    Wiring,
    conversation,
    me,
    reply,
    run,
    tap_handler,
)
from jobs import Job
from models.core.people import Person
from tests.factories import make_person
from tests.harness import BotHarness

HELLO = CallbackCode("hello", {"wave": [Field.ID]})


@dataclass(frozen=True)
class Greeting:
    """What the greeting use case returns."""

    name: str
    person_id: int


async def greet(session: AsyncSession, *, person: Person) -> Greeting:
    """A use case: reads the person again in the caller's transaction."""
    found = await session.get(Person, person.id)
    return Greeting(found.display_name if found and found.display_name else "?", person.id or 0)


async def say_hello(update: Update, context: TongxinContext) -> None:
    """/hello and the menu item: one use case, one reply, with a tap-able button."""
    view = await run(context, greet, person=me(context))
    button = InlineKeyboardButton("👋", callback_data=HELLO.data("wave", view.person_id))
    await reply(update, context, f"hello {view.name}", InlineKeyboardMarkup([[button]]))


async def waved(update: Update, context: TongxinContext, tap: Tap) -> None:
    """A tap parsed by the code that wrote it."""
    await reply(update, context, f"waved {tap.id()}")


async def hello_link(update: Update, context: TongxinContext, rest: str) -> None:
    """``/start hi_<rest>``."""
    await reply(update, context, f"linked {rest}")


async def tick(context: TongxinContext) -> None:
    """A job of the feature (never run here)."""


def _handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CommandHandler("hello", say_hello),
        MessageHandler(MenuButton(wiring.i18n, wiring.menu, "hello"), say_hello),
        tap_handler(HELLO, waved),
    ]


GREETING = Feature(
    name="greeting",
    handlers=_handlers,
    jobs=[Job("greeting_tick", tick, every=timedelta(hours=1))],
    menu=[MenuEntry("hello", "test.menu.hello", 80)],  # no catalogue: the id is the label
    deep_links=[DeepLink("hi_", hello_link)],
    callbacks=[HELLO],
)
# Home's catch-all must stay last: the new domain goes before it.
WITH_GREETING = (*FEATURES[:-1], GREETING, FEATURES[-1])


@pytest.fixture
async def greeting(harness: BotHarness) -> BotHarness:
    """The bot with the greeting feature registered, like any domain."""
    harness.features = WITH_GREETING
    await harness.restart()
    return harness


async def test_a_new_domain_lands_as_one_feature(greeting: BotHarness, services: Services) -> None:
    # elder mode off: nine items, more than a screen holds, so the ninth is on the second page
    await make_person(services.sessions, 5001, name="王阿姨", elder_mode=False)
    user = greeting.user(5001)

    assert (await user.send("/hello"))[-1]["text"] == "hello 王阿姨"
    await user.send("/menu")
    assert (await user.choose("9. "))[-1]["text"] == "hello 王阿姨"
    hello = user.state.messages(5001)[-1]
    person_id = int(hello["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[-1])
    assert (await user.tap(hello, f"hello:wave:{person_id}"))[-1]["text"] == f"waved {person_id}"
    assert (await user.send("/start hi_there"))[-1]["text"] == "linked there"
    assert "greeting_tick" in {job.name for job in all_jobs(WITH_GREETING)}


async def test_a_forged_tap_of_the_new_domain_is_refused(
    greeting: BotHarness, services: Services
) -> None:
    await make_person(services.sessions, 5002)
    user = greeting.user(5002)
    await user.send("/hello")
    before = len(user.state.messages(5002))
    await user.forge_tap("hello:wave:99999999999999")  # more digits than any id
    answers = user.state.callback_answers(5002)
    assert answers and answers[-1]["show_alert"] is True
    assert len(user.state.messages(5002)) == before


def test_the_registry_as_shipped_has_no_collisions() -> None:
    menu = check_features(FEATURES)
    assert [entry.key for entry in menu.entries] == [
        "book",
        "events",
        "disputes",
        "mine",
        "suggest",
        "settings",
        "help",
        "onduty",
    ]


def _twin(**changes: object) -> Feature:
    fields = {"name": "twin", **changes}
    return Feature(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("twin", "complaint"),
    [
        (_twin(name="greeting"), "duplicate feature name: greeting"),
        (_twin(callbacks=[CallbackCode("hello", {"x": []})]), "duplicate callback prefix: hello"),
        (_twin(deep_links=[DeepLink("hi_", hello_link)]), "duplicate deep-link prefix: hi_"),
        (_twin(deep_links=[DeepLink("hi_t", hello_link)]), "'hi_' is a prefix of 'hi_t'"),
        (_twin(menu=[MenuEntry("hello", N_("menu.help"), 90)]), "duplicate menu key: hello"),
        (_twin(menu=[MenuEntry("bye", N_("menu.help"), 80)]), "duplicate menu position: 80"),
        (_twin(jobs=[Job("greeting_tick", tick, every=timedelta(1))]), "duplicate job name"),
    ],
)
def test_collisions_fail_loudly_at_build_time(twin: Feature, complaint: str) -> None:
    with pytest.raises(RegistryError, match=complaint):
        check_features([*WITH_GREETING, twin])


async def test_two_conversations_with_one_name_fail_loudly(harness: BotHarness) -> None:
    async def nothing(update: Update, context: TongxinContext) -> int:
        return 0

    def flows(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
        return [conversation("settings", entry_points=[CommandHandler("x", nothing)], screens={})]

    assert harness.app is not None
    clash = Feature(name="clash", handlers=flows)
    with pytest.raises(RegistryError, match="duplicate conversation name: settings"):
        register_all(harness.app, [*FEATURES, clash])
