"""/cases: the mediator's cases, one case's screen, and the one-tap work on it (status moves,
the expected date, referral, the documents). Typed work (notes, outcome, handover reason,
relay) is ``handlers.disputes.mediator.typed``'s.

Callback data (``models.disputes.MEDIATOR``) carries the case, so every screen survives a
restart; every tap is checked again, ``@requires`` for the role, then the use case for the case.
"""

from __future__ import annotations

import io
from datetime import timedelta

from telegram import Update

from bot.context import TongxinContext
from bot.i18n import N_
from handlers.disputes.mediator.common import attempt, load_case, refuse
from handlers.disputes.mediator.screens import (
    Inline,
    button,
    case_screen,
    counts_screen,
    list_screen,
    put,
)
from handlers.kit import (
    Tap,
    current_scopes,
    leave_to_main_menu,
    me,
    nav_buttons,
    requires,
    run,
    today,
)
from models.core.authz import Action, holds
from models.core.errors import DomainError, NotAllowed
from models.disputes import (
    MEDIATOR,
    REFERRAL,
    CaseStatus,
    Referral,
    agreement_docx,
    case_file_docx,
    change_status,
    counts_for,
    is_staff,
    set_expected,
    staff_cases,
)

EXPECT_IN = {
    3: N_("disputes_mediator.expected.in_3"),
    7: N_("disputes_mediator.expected.in_7"),
    14: N_("disputes_mediator.expected.in_14"),
    30: N_("disputes_mediator.expected.in_30"),
}
EXPECT_DAYS = tuple(EXPECT_IN)


async def show_case(update: Update, context: TongxinContext, case_id: int, note: str = "") -> None:
    """The case's screen (under ``note``), or the refusal when it is out of reach."""
    case = await load_case(update, context, "view", case_id)
    if case is not None:
        await put(update, context, case_screen(context, case, note))


async def show_list(update: Update, context: TongxinContext, page: int = 0) -> None:
    """The mediator's cases; a town admin who is not a mediator sees the counts instead."""
    scopes = await current_scopes(context)
    try:
        if is_staff(scopes):
            await put(
                update,
                context,
                list_screen(
                    context,
                    await run(context, staff_cases, person=me(context), scopes=scopes, page=page),
                    admin=holds(scopes, Action.ROLES_MANAGE),
                ),
            )
        else:
            await put(
                update,
                context,
                counts_screen(context, await run(context, counts_for, scopes=scopes)),
            )
    except DomainError as error:
        await refuse(update, context, error)


@requires(Action.CASE_HANDLE)
async def cases_command(update: Update, context: TongxinContext) -> None:
    """/cases: the mediator's cases (their towns' and the joint ones they are on)."""
    await show_list(update, context)


def referral_screen(context: TongxinContext, case_id: int) -> Inline:
    """Where to refer the case: the court, the police or 12345."""
    t = context.t
    rows = [[button(t(REFERRAL[r]), MEDIATOR.data("ref", case_id, r.value))] for r in Referral]
    back = MEDIATOR.data("case", case_id)
    return t("disputes_mediator.refer.ask"), [*rows, nav_buttons(t, back, MEDIATOR.data("home"))]


def expected_screen(context: TongxinContext, case_id: int) -> Inline:
    """By when the mediator expects news: in 3 days, a week, two weeks, a month."""
    t = context.t
    rows = [
        [button(t(EXPECT_IN[days]), MEDIATOR.data("expd", case_id, days))] for days in EXPECT_DAYS
    ]
    back = MEDIATOR.data("case", case_id)
    return t("disputes_mediator.expected.ask"), [*rows, nav_buttons(t, back, MEDIATOR.data("home"))]


async def _document(update: Update, context: TongxinContext, tap: Tap) -> None:
    """The mediation agreement or the case file summary as a .docx, in Chinese."""
    agreement = tap.action == "agr"
    use_case = agreement_docx if agreement else case_file_docx
    data = await attempt(
        update,
        context,
        tap.action,
        tap.id(),
        use_case,
        case_id=tap.id(),
        t=context.services.i18n.translator("zh_CN"),
    )
    if data is None or update.effective_chat is None:
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    case = await load_case(update, context, "view", tap.id())
    number = case.card.number if case else str(tap.id())
    name = f"{number}-{'调解协议书' if agreement else '案卷摘要'}.docx"
    caption = context.t(
        "disputes_mediator.doc.agreement" if agreement else "disputes_mediator.doc.file",
        number=number,
    )
    await context.bot.send_document(
        update.effective_chat.id, io.BytesIO(data), filename=name, caption=caption
    )


@requires(Action.CASE_HANDLE)
async def on_screen_tap(update: Update, context: TongxinContext, tap: Tap) -> None:
    """Every one-tap ``dm:`` button (typed work is the typed flow's)."""
    t = context.t
    match tap.action:
        case "list":
            await show_list(update, context, tap.id())
        case "case":
            await show_case(update, context, tap.id())
        case "home":
            await leave_to_main_menu(update, context)
        case "med":
            moved = await attempt(
                update,
                context,
                "med",
                tap.id(),
                change_status,
                case_id=tap.id(),
                status=CaseStatus.IN_MEDIATION,
            )
            if moved is not None:
                await show_case(
                    update,
                    context,
                    tap.id(),
                    t("disputes_mediator.done.mediating", number=moved.number),
                )
        case "refask":
            if await load_case(update, context, "refask", tap.id()) is not None:
                await put(update, context, referral_screen(context, tap.id()))
        case "ref":
            referral = Referral(tap.word(1)) if tap.word(1) in {r.value for r in Referral} else None
            if referral is None:
                await refuse(update, context, NotAllowed())
                return
            moved = await attempt(
                update,
                context,
                "ref",
                tap.id(),
                change_status,
                case_id=tap.id(),
                status=CaseStatus.REFERRED,
                referral=referral,
            )
            if moved is not None:
                await show_case(
                    update,
                    context,
                    tap.id(),
                    t(
                        "disputes_mediator.done.referred",
                        number=moved.number,
                        to=t(REFERRAL[referral]),
                    ),
                )
        case "exp":
            if await load_case(update, context, "exp", tap.id()) is not None:
                await put(update, context, expected_screen(context, tap.id()))
        case "expd":
            days = tap.id(1)
            if days not in EXPECT_DAYS:
                await refuse(update, context, NotAllowed())
                return
            day = await attempt(
                update,
                context,
                "expd",
                tap.id(),
                set_expected,
                case_id=tap.id(),
                expected_on=today(context) + timedelta(days=days),
            )
            if day is not None:
                await show_case(update, context, tap.id(), t("disputes_mediator.done.expected"))
        case "agr" | "file":
            await _document(update, context, tap)
        case _:  # the typed work, transfer and duty have handlers of their own
            await refuse(update, context, NotAllowed())
