"""Anonymous and voice suggestions, and the towns' boundary: an anonymous suggestion about an
event never shows the resident to the host town's admins (the voice note is sent again by its
file id), replies still reach the resident; the other town's admin neither sees nor acts on it,
even with forged taps."""

from __future__ import annotations

from bot.context import Services
from models.events import Event
from models.governance import SUGGESTION, SuggestionStatus
from tests.governance.suggest_support import (
    CAST,
    NAMES,
    PHONES,
    answers,
    cast_in_chats,
    nav_ok,
    suggestions,
    texts,
    tr,
    with_button,
)
from tests.harness import BotHarness


async def test_anonymous_voice_suggestion_about_an_event(
    harness: BotHarness, services: Services
) -> None:
    _ids, users = await cast_in_chats(harness)
    user, t = users["q_res"], tr(services)
    await user.send("/suggest")
    await user.choose(t("suggest.subject.event"))
    assert nav_ok(user, t)
    await user.press(user.buttons()[0])  # the first event listed
    assert user.last_text().startswith("✍️") and nav_ok(user, t)
    await user.voice()
    await user.choose(t("suggest.anonymous.yes"))
    summary = user.last_text()
    assert t("suggest.summary.voice") in summary and t("suggest.summary.anonymous") in summary
    await user.choose(t("suggest.confirm.send"))
    [row] = await suggestions(services)
    assert row.anonymous and row.voice_file_id and row.text == "" and row.subject == "event"
    async with services.sessions() as session:
        event = await session.get(Event, row.event_id)
    assert event is not None and row.town_id == event.host_town_id
    assert t("suggest.receipt.anonymous") in user.last_text()

    host = "d_admin" if row.number.startswith("JY-D-") else "q_admin"
    other = "q_admin" if host == "d_admin" else "d_admin"
    admin, sid = users[host], row.id or 0
    await admin.send("/suggestions")
    await admin.tap(
        with_button(harness, admin.id, SUGGESTION.data("open", sid)), SUGGESTION.data("open", sid)
    )
    [voice] = [m for m in harness.state.messages(admin.id) if m["kind"] == "voice"]
    assert voice["file"]["file_id"] == row.voice_file_id and voice["caption"] == row.number
    assert t("suggest_admin.card.anonymous") in "".join(texts(harness, admin.id))
    await admin.tap(
        with_button(harness, admin.id, SUGGESTION.data("rep", sid)), SUGGESTION.data("rep", sid)
    )
    await admin.send("请问您说的是哪一场？可以再说说吗？")
    await harness.drain_outbox()
    assert texts(harness, user.id)[-1] == t(
        "suggest.notice.reply", number=row.number, text="请问您说的是哪一场？可以再说说吗？"
    )
    secrets = (NAMES["q_res"], PHONES["q_res"], str(CAST["q_res"][0]))
    for key in ("d_admin", "q_admin"):
        for said in texts(harness, users[key].id):
            assert not any(s in said for s in secrets), said

    # the other town's admin: an empty queue, and forged taps are refused, changing nothing
    stranger = users[other]
    await stranger.send("/suggestions")
    assert stranger.last_text() == t("suggest_admin.queue.empty")
    for action in ("open", "rep", "yes", "no"):
        await stranger.forge_tap(SUGGESTION.data(action, sid))
        refusal = answers(harness, stranger)[-1]
        assert refusal["text"] == t("suggest.error.not_found") and refusal["show_alert"]
    assert not [m for m in harness.state.messages(stranger.id) if m["kind"] == "voice"]
    [row] = await suggestions(services)
    assert row.status == SuggestionStatus.OPEN.value


async def test_bad_input_is_answered_kindly_and_changes_nothing(
    harness: BotHarness, services: Services
) -> None:
    _ids, users = await cast_in_chats(harness, "en")
    user, t = users["d_res"], tr(services, "en")
    await user.send("/suggest")
    await user.send("banana split")  # not a choice
    assert user.last_text().startswith(t("suggest.not_understood"))
    await user.choose(t("suggest.subject.other"))
    await user.sticker()
    assert user.last_text().startswith(t("suggest.words.unsupported"))
    await user.photo()
    assert user.last_text().startswith(t("suggest.words.unsupported"))
    await user.send("x" * 1001)
    assert user.last_text().startswith(t.n("suggest.error.too_long", 1000, max=1000))
    assert nav_ok(user, t)
    await user.press(t("nav.back"))
    assert user.last_text().startswith(t("suggest.ask_about.short"))
    await user.choose(t("suggest.subject.other"))
    await user.send("More benches at the bus stop, please.")
    await user.press(t("nav.home"))
    assert await suggestions(services) == []
    await user.send("/suggestions")  # residents have no queue
    assert user.last_text() == t("error.not_allowed")
