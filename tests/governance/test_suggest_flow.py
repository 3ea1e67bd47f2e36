"""A suggestion through the real Application, in both languages: about a venue of the other
town (that town's admins answer it), the admin's replies and the decision, each reaching the
resident through the outbox in their language; not adopted with a reason; decided once."""

from __future__ import annotations

import pytest

from bot.context import Services
from models.governance import SUGGESTION, SuggestionStatus
from tests.governance.suggest_support import (
    NAMES,
    PHONES,
    answers,
    cast_in_chats,
    nav_ok,
    send_about_bot,
    suggestions,
    texts,
    tr,
    with_button,
)
from tests.harness import BotHarness

WRITTEN = "食堂的<b>菜</b>能不能少放点盐？{name} %s"  # kept and shown exactly as written


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_venue_suggestion_reply_then_adopted_reaches_the_resident(
    harness: BotHarness, services: Services, lang: str
) -> None:
    ids, users = await cast_in_chats(harness, lang)
    user, t, zt = users["d_res"], tr(services, lang), tr(services, "zh_CN")
    await user.send("/menu")
    await user.choose(t("menu.suggest"))  # nothing sent before: straight to "what about?"
    assert user.last_text().startswith(t("suggest.ask_about.short")) and nav_ok(user, t)
    await user.choose(t("suggest.subject.venue"))
    assert nav_ok(user, t)
    await user.choose("Community canteen" if lang == "en" else "助餐食堂")  # Q's, on page 2
    assert user.last_text().startswith(t("suggest.ask_words", about="")[:4]) and nav_ok(user, t)
    await user.send(WRITTEN)
    await user.choose(t("suggest.anonymous.no"))
    assert t("suggest.summary.words", words=WRITTEN) in user.last_text()
    await user.choose(t("suggest.confirm.send"))
    [row] = await suggestions(services)
    assert row.text == WRITTEN and row.subject == "venue" and row.person_id == ids["d_res"]
    assert row.number.startswith("JY-Q-") and row.number.endswith("-0001")  # Q's canteen
    assert row.number in user.last_text()
    assert t("suggest.receipt.named") in user.last_text()

    admin = users["q_admin"]
    await admin.send("/suggestions")
    assert admin.last_text() == zt.n("suggest_admin.queue.title", 1, count=1)
    await admin.tap(
        with_button(harness, admin.id, SUGGESTION.data("open", row.id or 0)),
        SUGGESTION.data("open", row.id or 0),
    )
    card = admin.last_text()
    assert NAMES["d_res"] in card and WRITTEN in card
    for reply in ("谢谢，我们去问问厨师。", "厨师说下周开始少放盐。"):
        tapped = with_button(harness, admin.id, SUGGESTION.data("rep", row.id or 0))
        await admin.tap(tapped, SUGGESTION.data("rep", row.id or 0))
        await admin.send(reply)
        assert admin.last_text().startswith(zt("suggest_admin.done.reply", number=row.number))
    await admin.press(zt("nav.back"))  # the replies went: it says so, then the card again
    assert zt("suggest_admin.done.reply", number=row.number) in texts(harness, admin.id)[-2]
    assert zt("suggest_admin.card.reply", text="厨师说下周开始少放盐。") in admin.last_text()
    await admin.tap(
        with_button(harness, admin.id, SUGGESTION.data("yes", row.id or 0)),
        SUGGESTION.data("yes", row.id or 0),
    )
    await admin.send("从12月10日起每道菜少放一半盐。")
    assert zt("suggest_admin.done.adopt", number=row.number) in texts(harness, admin.id)[-2]
    assert admin.last_text() == zt("suggest_admin.queue.empty")
    [row] = await suggestions(services)
    assert row.status == SuggestionStatus.ADOPTED.value
    assert row.outcome == "从12月10日起每道菜少放一半盐。"

    await harness.drain_outbox()
    said = texts(harness, user.id)
    assert t("suggest.notice.reply", number=row.number, text="谢谢，我们去问问厨师。") in said
    assert t("suggest.notice.reply", number=row.number, text="厨师说下周开始少放盐。") in said
    adopted = t("suggest.notice.adopted", number=row.number, text="从12月10日起每道菜少放一半盐。")
    assert adopted in said

    # 我的建议: the status and the outcome, from the menu item's first screen
    await user.choose(t("menu.suggest"))
    await user.choose(t("suggest.start.mine"))
    mine = user.last_text()
    assert row.number in mine and t("suggest.status.adopted") in mine
    assert t.n("suggest.mine.replies", 2, count=2) in mine and nav_ok(user, t)


async def test_not_adopted_with_a_reason_and_decided_only_once(
    harness: BotHarness, services: Services
) -> None:
    _ids, users = await cast_in_chats(harness)
    user, admin, t = users["d_res"], users["d_admin"], tr(services)
    await send_about_bot(user, t, "字能不能再大一点？", anonymous=False)
    [row] = await suggestions(services)
    assert row.number.startswith("JY-D-") and row.subject == "bot"  # the resident's own town
    sid = row.id or 0
    await admin.send("/suggestions")
    await admin.tap(
        with_button(harness, admin.id, SUGGESTION.data("open", sid)), SUGGESTION.data("open", sid)
    )
    no = with_button(harness, admin.id, SUGGESTION.data("no", sid))
    await admin.tap(no, SUGGESTION.data("no", sid))
    await admin.press(t("nav.back"))  # changed their mind: nothing kept, the card again
    assert t("suggest_admin.nothing_saved") in texts(harness, admin.id)[-2]
    assert (await suggestions(services))[0].status == SuggestionStatus.OPEN.value
    no = with_button(harness, admin.id, SUGGESTION.data("no", sid))
    await admin.tap(no, SUGGESTION.data("no", sid))
    await admin.send("   ")  # nothing: asked again, nothing kept
    assert admin.last_text().startswith(t("suggest.error.empty"))
    await admin.send("字的大小由手机设置决定，我们已在帮助里写了怎么调。")
    [row] = await suggestions(services)
    assert row.status == SuggestionStatus.NOT_ADOPTED.value
    await harness.drain_outbox()
    assert texts(harness, user.id)[-1] == t(
        "suggest.notice.not_adopted",
        number=row.number,
        text="字的大小由手机设置决定，我们已在帮助里写了怎么调。",
    )
    # the old buttons (or a forged tap) cannot decide it again, nor reply to it
    for action in ("yes", "no", "rep"):
        await admin.forge_tap(SUGGESTION.data(action, sid))
        refusal = answers(harness, admin)[-1]
        assert refusal["text"] == t("suggest.error.decided") and refusal["show_alert"]
    [row] = await suggestions(services)
    assert row.status == SuggestionStatus.NOT_ADOPTED.value and row.outcome
    assert PHONES["d_res"] not in "".join(texts(harness, admin.id))
