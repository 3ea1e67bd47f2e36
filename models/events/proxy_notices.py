"""What a proxy's request to register a resident sends (outbox rows, rendered in each
recipient's language): the resident's question (urgent; the current screen once delivered),
the news that the proxy withdrew it, and the outcome to the proxy (once per request).

Keys: ``event:<event>:ask:<request>:question``, ``…:withdrawn`` and ``…:told``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.booking import ConsentWords, consent_question, name_for_proxy
from models.core.base import N_
from models.core.outbox import (
    OutboxKind,
    bilingual_param,
    cancel_by_key_prefix,
    message_param,
    message_payload,
    notify,
)
from models.core.people import Person
from models.core.questions import QUESTION
from models.events.notices import describe_event
from models.events.tables import Event, EventOption, ProxyRequest

PROXY_QUESTION = "events.proxy"  # answered in handlers.events.resident.answers
CONSENT_WORDS = ConsentWords(
    once=N_("events.proxy.yes_once"),
    once_words=N_("events.proxy.words.yes_once"),
    always=N_("events.proxy.yes_always"),
    always_words=N_("events.proxy.words.yes_always"),
    no=N_("events.proxy.no"),
)
WITHDRAWN = "withdrawn"  # the outbox's cancel reason for a question never sent


def _key(request: ProxyRequest, what: str) -> str:
    return f"event:{request.event_id}:ask:{request.id}:{what}"


def ask_key(request: ProxyRequest) -> str:
    """The question's outbox key (cancelled when the request ends unanswered)."""
    return _key(request, "question")


async def answer_param(session: AsyncSession, request: ProxyRequest) -> dict[str, Any] | str:
    """The registration question's answer as drafted by the proxy ("" when none)."""
    if request.option_id is not None:
        option = await session.get(EventOption, request.option_id)
        if option is not None:
            label = bilingual_param(option.label_zh, option.label_en)
            return message_param(N_("events.proxy.answer"), answer=label)
    if request.answer_text:
        return message_param(N_("events.proxy.answer"), answer=request.answer_text)
    return ""


async def ask_resident(
    session: AsyncSession, request: ProxyRequest, event: Event, proxy: Person
) -> None:
    """The urgent question to the resident: 1 yes this time / 2 yes, and from now on / 3 no."""
    resident = await session.get(Person, request.person_id)
    payload = message_payload(
        N_("events.proxy.ask"),
        plural="party",
        proxy=proxy.display_name or "—",
        party=request.party_size,
        answer=await answer_param(session, request),
        **await describe_event(session, event),
    )
    payload[QUESTION] = consent_question(PROXY_QUESTION, request.id, CONSENT_WORDS)
    await notify(
        session,
        resident,
        OutboxKind.STATUS,
        payload,
        dedupe_key=ask_key(request),
        expires_at=request.expires_at,
        urgent=True,
    )


async def tell_resident_withdrawn(
    session: AsyncSession, request: ProxyRequest, event: Event, proxy: Person
) -> None:
    """The proxy took the request back: a question not sent yet is never sent; one already
    asked is followed by the news (answering it then changes nothing)."""
    if await cancel_by_key_prefix(session, ask_key(request), reason=WITHDRAWN):
        return
    resident = await session.get(Person, request.person_id)
    payload = message_payload(
        N_("events.proxy.withdrawn"),
        proxy=proxy.display_name or "—",
        **await describe_event(session, event),
    )
    key = _key(request, "withdrawn")
    await notify(session, resident, OutboxKind.STATUS, payload, dedupe_key=key, urgent=True)


async def tell_proxy(
    session: AsyncSession, request: ProxyRequest, event: Event, msgid: str, **params: Any
) -> None:
    """The outcome to the proxy, once per request; the resident's name in full only after
    their "yes, and from now on"."""
    proxy = await session.get(Person, request.proxy_id)
    resident = await session.get(Person, request.person_id)
    if proxy is None or resident is None:
        return
    payload = message_payload(
        msgid,
        name=await name_for_proxy(session, resident, proxy.id),
        **await describe_event(session, event),
        **params,
    )
    key = _key(request, "told")
    await notify(session, proxy, OutboxKind.STATUS, payload, dedupe_key=key, urgent=True)
