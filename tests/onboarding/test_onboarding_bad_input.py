"""Unusable input at every onboarding step: a gentle translated re-prompt, the DB unchanged."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.context import Services
from tests.harness import BotHarness, Message, SimUser
from tests.onboarding.onboarding_flow import STEPS, person, snapshot, tr, walk_to

Act = Callable[[SimUser], Awaitable[list[Message]]]
KINDS: dict[str, Act] = {
    "free_text": lambda u: u.send("我想问一下明天的活动"),
    "sticker": lambda u: u.sticker(),
    "five_thousand_chars": lambda u: u.send("长" * 5000),
    "emoji_only": lambda u: u.send("👍👍"),
    "photo": lambda u: u.photo(),
    "command": lambda u: u.send("/settings"),
    "number_out_of_range": lambda u: u.send("9"),
}
# Choices a step offers on screen (the number range the re-prompt repeats).
CHOICES = {"consent": 2, "language": 2, "town": 2, "community": 3}


def expected_note(services: Services, lang: str, step: str, kind: str) -> str:
    """The explanation the user should see before the question is asked again."""
    t = tr(services, lang)
    if step in CHOICES:
        return t("onboarding.invalid.choice", count=CHOICES[step])
    if step == "phone":
        return t("onboarding.invalid.phone")
    if kind == "five_thousand_chars":
        return t.n("onboarding.invalid.name_too_long", 20, max=20)
    return t("onboarding.invalid.name")


def question(services: Services, lang: str, step: str) -> str:
    """The question of a step, as asked in ``lang``."""
    t = tr(services, lang)
    if step == "community":
        return t(
            "onboarding.community",
            town="崇明区D镇" if lang == "zh_CN" else "D town (Chongming, Shanghai)",
        )
    if step == "name":
        return t.n("onboarding.name", 20, max=20)
    return t(f"onboarding.{step}")


CASES = [
    (step, kind)
    for step in STEPS
    for kind in KINDS
    # Free text is a fine name everywhere else it is not an answer.
    if not (step == "name" and kind == "free_text")
]


@pytest.mark.parametrize(("step", "kind"), CASES)
async def test_bad_input_reprompts_and_changes_nothing(
    harness: BotHarness, services: Services, step: str, kind: str
) -> None:
    user = harness.user(2001)
    await walk_to(user, services, step)
    keyboard = user.keyboard()
    before_person = await person(services, 2001)
    before = await snapshot(services)

    msgs = await KINDS[kind](user)

    t = tr(services, "zh_CN")
    note, ask = expected_note(services, "zh_CN", step, kind), question(services, "zh_CN", step)
    assert [m.get("text") for m in msgs] == [t("onboarding.with_note", note=note, question=ask)]
    assert user.keyboard() == keyboard
    assert await snapshot(services) == before
    after_person = await person(services, 2001)
    assert (after_person.model_dump() if after_person else None) == (
        before_person.model_dump() if before_person else None
    )


@pytest.mark.parametrize("step", STEPS)
async def test_bad_input_reprompt_is_translated(
    harness: BotHarness, services: Services, step: str
) -> None:
    user = harness.user(2002, language_code="en")
    await walk_to(user, services, step, lang="en")
    before = await snapshot(services)
    msgs = await user.sticker()
    t = tr(services, "en")
    note, ask = expected_note(services, "en", step, "sticker"), question(services, "en", step)
    assert [m.get("text") for m in msgs] == [t("onboarding.with_note", note=note, question=ask)]
    assert note.startswith("Sorry")
    assert await snapshot(services) == before


@pytest.mark.parametrize("step", STEPS)
async def test_good_answer_still_works_after_bad_input(
    harness: BotHarness, services: Services, step: str
) -> None:
    user = harness.user(2003)
    await walk_to(user, services, step)
    await user.photo()
    await user.sticker()
    await user.send("1")  # the first choice (or Skip) after all
    if step == "phone":
        found = await person(services, 2003)
        assert found is not None and found.onboarded_at is not None
    else:
        assert user.last_text() == question(services, "zh_CN", STEPS[STEPS.index(step) + 1])
