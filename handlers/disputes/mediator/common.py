"""What the mediator's handlers share: calling a case's use case with the person's roles, and
refusing (and auditing) a case out of reach, whether the id was forged or merely not theirs."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import Update

from bot.context import TongxinContext
from handlers.kit import current_scopes, error_text, me, refuse_tap, reply, run
from models.core.errors import DomainError
from models.disputes import CaseNotFound, StaffCase, record_refusal, staff_case

logger = logging.getLogger(__name__)

R = TypeVar("R")


async def refuse(update: Update, context: TongxinContext, error: DomainError) -> None:
    """A refusal: an alert under a tap, a reply to a message."""
    if update.callback_query is not None:
        await refuse_tap(update, context, error)
    else:
        await reply(update, context, error_text(context, error))


async def attempt(
    update: Update,
    context: TongxinContext,
    op: str,
    about: int | None,
    use_case: Callable[..., Awaitable[R]],
    /,
    **kwargs: Any,
) -> R | None:
    """Run ``use_case`` as the person, with their roles; None after a refusal (explained; a case
    out of reach is audited as ``dispute.refused`` with ``op``)."""
    person = me(context)
    try:
        return await run(
            context, use_case, person=person, scopes=await current_scopes(context), **kwargs
        )
    except CaseNotFound as error:
        logger.info("person %s refused %s on case %s", person.id, op, about)
        await run(context, record_refusal, person=me(context), case_id=about, action=op)
        await refuse(update, context, error)
    except DomainError as error:
        await refuse(update, context, error)
    return None


async def load_case(
    update: Update, context: TongxinContext, op: str, case_id: int
) -> StaffCase | None:
    """The case as this mediator sees it, or None after a refusal."""
    return await attempt(update, context, op, case_id, staff_case, case_id=case_id)
