"""Every tap is answered exactly once: one that no handler takes (an old button, a removed
feature's, junk a modified client sends) gets "this button has expired" and the main menu, and
a tap a flow takes is answered by that flow only."""

from __future__ import annotations

import logging

import pytest

from bot.context import Services
from handlers.kit import all_conversations, open_conversation
from tests.booking.venues_admin_support import button_data, current, global_admin, tap, venue
from tests.factories import make_person
from tests.harness import BotHarness, SimUser
from tests.onboarding.onboarding_flow import snapshot

UID = 6101
STALE = ["x", "🙂", "a" * 64, "ev:join:12"]  # the last: a button of a feature that is gone


def answers_since(user: SimUser, before: int) -> list[dict[str, object]]:
    """answerCallbackQuery calls for this user's taps after the first ``before``."""
    return user.state.callback_answers(user.id)[before:]


def no_errors(caplog: pytest.LogCaptureFixture) -> None:
    """Nothing reached the error handler (a second answer would: the sandbox refuses it)."""
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize("data", STALE)
@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_a_tap_no_handler_takes_is_answered_once_with_the_main_menu(
    harness: BotHarness,
    services: Services,
    caplog: pytest.LogCaptureFixture,
    data: str,
    language: str,
) -> None:
    t = services.i18n.translator(language)
    await make_person(services.sessions, UID, language=language)
    user = harness.user(UID, language_code="en" if language == "en" else "zh-hans")
    await user.send("/menu")
    menu = user.buttons()
    before, answered = await snapshot(services), len(user.state.callback_answers(UID))

    shown = await user.forge_tap(data)

    answers = answers_since(user, answered)
    assert [(a["data"], a["text"], a["show_alert"]) for a in answers] == [
        (data, t("home.button_expired"), False)
    ]
    assert [m["text"] for m in shown] == [t("home.button_expired.menu")]
    assert user.buttons() == menu
    assert await snapshot(services) == before
    no_errors(caplog)


async def test_a_stale_tap_on_an_open_screen_closes_it(
    harness: BotHarness, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    """The main menu it shows is what the next answer goes to, not the abandoned screen."""
    t = services.i18n.translator("zh_CN")
    await make_person(services.sessions, UID)
    user = harness.user(UID)
    await user.send("/settings")
    assert harness.app is not None
    conversations = all_conversations(harness.app)
    assert open_conversation(conversations, UID, UID) == "settings"
    before = len(user.state.callback_answers(UID))

    shown = await user.forge_tap("x")

    assert [a["text"] for a in answers_since(user, before)] == [t("home.button_expired")]
    assert [m["text"] for m in shown] == [t("home.button_expired.menu")]
    assert open_conversation(conversations, UID, UID) is None
    no_errors(caplog)


async def test_a_stale_tap_of_someone_unregistered_tells_them_how_to_start(
    harness: BotHarness, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    t = services.i18n.translator("zh_CN")
    user = harness.user(UID)
    await user.send("/help")
    before, answered = await snapshot(services), len(user.state.callback_answers(UID))

    shown = await user.forge_tap("ev:join:12")  # a button from before /deleteme, of a gone feature

    assert [a["text"] for a in answers_since(user, answered)] == [t("home.button_expired")]
    assert [m["text"] for m in shown] == [t("help.text.new")]
    assert await snapshot(services) == before
    no_errors(caplog)


async def test_taps_a_flow_takes_are_answered_by_it_alone(
    harness: BotHarness, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    """A question of /venues (a conversation entered by a tap), a tap its open screen takes,
    and a forged id its code refuses: one answer each, none of them "expired"."""
    t = services.i18n.translator("zh_CN")
    admin = await global_admin(harness, services, "zh_CN")
    canteen = await venue(services, "d-canteen")
    await admin.send("/venues")
    if f"va:c:{canteen.centre_id}" in button_data(current(admin)):
        await tap(admin, f"va:c:{canteen.centre_id}")
    await tap(admin, f"va:v:{canteen.id}")
    question = next(d for d in button_data(current(admin)) if d.startswith("va:n:"))
    before = len(admin.state.callback_answers(admin.id))

    await tap(admin, question)  # enters the question conversation
    assert harness.app is not None
    assert open_conversation(all_conversations(harness.app), admin.id, admin.id) is not None
    await tap(admin, button_data(current(admin))[0])  # a tap the open question takes
    await admin.forge_tap("va:v:99999999")  # a code's tap with an id that does not exist

    answers = answers_since(admin, before)
    assert len(answers) == 3
    assert len({a["callback_query_id"] for a in answers}) == 3
    assert t("home.button_expired") not in [a["text"] for a in answers]
    assert answers[-1]["text"] == t("error.not_found")
    no_errors(caplog)
