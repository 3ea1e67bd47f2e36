"""A crawler over the mediator's screens: from /cases and /duty, every inline button of every
screen reached is tapped (from a fresh start each time); every screen ends in ⬅️ and 🏠, and
every typed screen offers both on its keyboard. No dead ends."""

from __future__ import annotations

from bot.context import Services
from models.disputes import CASE, MEDIATOR, Parties
from tests.disputes.disputes_support import file_report
from tests.disputes.mediator_support import (
    cast_with_users,
    datas,
    labels,
    last,
    text_of,
    tr,
    with_button,
)
from tests.harness import BotHarness

SKIP = (
    "dm:home",
    "dm:agr",
    "dm:file",
    "dm:ref:",
    "dm:expd",
    "dm:to:",
    "dm:duty",
    "dc:acc",
    "dm:med",
)


async def test_no_dead_ends_in_mediator_screens(harness: BotHarness, services: Services) -> None:
    cast, users = await cast_with_users(harness, services)
    t = tr(services)
    receipt = await file_report(services, cast.ids["d_res"], parties=Parties.OTHER_TOWN)
    await harness.drain_outbox()
    med, cid = users["q_med"], receipt.case_id
    await med.tap(with_button(harness, med.id, CASE.data("acc", cid)), CASE.data("acc", cid))
    seen: set[str] = set()
    todo = [MEDIATOR.data("list", 0), MEDIATOR.data("case", cid)]
    while todo:
        data = todo.pop()
        if data in seen:
            continue
        seen.add(data)
        await med.send("/cases")  # a fresh start: the list, then the button
        await med.forge_tap(data)
        shown = last(harness, med.id)
        inline = datas(shown)
        if inline:
            assert t("nav.back") in labels(shown) and t("nav.home") in labels(shown), (
                data,
                text_of(shown),
            )
            todo += [d for d in inline if not d.startswith(SKIP) and d not in seen]
        else:  # a typed screen: its keyboard has both ways out
            assert t("nav.back") in med.buttons() and t("nav.home") in med.buttons(), (
                data,
                med.buttons(),
            )
            await med.send(t("nav.back"))
            assert datas(last(harness, med.id)), data  # ⬅️ back on the case's screen
    assert {
        MEDIATOR.data(a, cid) for a in ("note", "pub", "out", "ho", "relay", "exp", "tr")
    } <= seen
    await med.send("/duty")
    assert t("nav.back") in labels(last(harness, med.id)) and t("nav.home") in labels(
        last(harness, med.id)
    )
