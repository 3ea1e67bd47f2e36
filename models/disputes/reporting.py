"""Reporting a dispute (for oneself, or as a proxy for a resident), and opening it to the
mediators: a readable number per town and year, the town concerned and the lead, the alerts.

A proxy reports for a resident with booking's consent rules (``models.booking``): with the
resident's standing consent the case opens at once; otherwise it waits as
``awaiting_resident`` until the resident answers yes (this once, or always) or no.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.booking import (
    PROXY_ANSWERS,
    ConsentWords,
    consent_question,
    has_consent,
    take_consent_answer,
)
from models.core.audit import record_audit
from models.core.base import N_, TOWNS_TZ, get_or_raise, row_id, upsert_insert, utcnow
from models.core.errors import NotRegistered
from models.core.outbox import OutboxKind, inline_keyboard, message_payload, notify
from models.core.people import Person, mask_name
from models.core.places import Town
from models.core.questions import QUESTION
from models.disputes.codes import PROXY_REPORT
from models.disputes.errors import CaseNotFound, DescriptionTooLong, EmptyReport, IllegalTransition
from models.disputes.notices import alert, tell_reporter
from models.disputes.routing import policy_of
from models.disputes.tables import (
    DESCRIPTION_MAX,
    CaseCounter,
    CaseStatus,
    Category,
    Contact,
    DisputeCase,
    Parties,
)

ATTACHMENT_KINDS = ("voice", "photo")
MAX_ATTACHMENTS = 10
# The resident's answer to a proxy's report, typed or tapped (``handlers.disputes``).
PROXY_REPORT_QUESTION = "disputes.proxy"
CONSENT_WORDS = ConsentWords(
    once=N_("disputes.proxy.ok"),
    once_words=N_("disputes.proxy.words.ok"),
    always=N_("disputes.proxy.always"),
    always_words=N_("disputes.proxy.words.always"),
    no=N_("disputes.proxy.no"),
)


@dataclass(frozen=True)
class Attachment:
    """A voice note or photo sent with the report (its Telegram file id)."""

    kind: str
    file_id: str


@dataclass(frozen=True)
class Report:
    """What the reporting conversation gathered, one answer a screen."""

    category: Category
    parties: Parties
    description: str = ""
    attachments: tuple[Attachment, ...] = ()
    contact: Contact = Contact.BOT
    anonymous: bool = False
    cross_border_consent: bool = False


@dataclass(frozen=True)
class Receipt:
    """What the reporter is told: the number, where it stands, the first response time."""

    case_id: int
    number: str
    status: CaseStatus
    joint: bool
    first_response_hours: int


async def next_number(session: AsyncSession, town: Town, now: datetime) -> str:
    """The town's next case number this year, e.g. ``D-2026-0042`` (one conditional update)."""
    year = now.astimezone(TOWNS_TZ).year
    town_id = row_id(town)
    await session.execute(
        upsert_insert(session, CaseCounter)
        .values(town_id=town_id, year=year, last=0)
        .on_conflict_do_nothing(index_elements=["town_id", "year"])
    )
    result = await session.execute(
        update(CaseCounter)
        .where(col(CaseCounter.town_id) == town_id, col(CaseCounter.year) == year)
        .values(last=col(CaseCounter.last) + 1)
        .returning(col(CaseCounter.last))
    )
    return f"{town.code}-{year}-{int(result.scalar_one()):04d}"


async def _other_town(session: AsyncSession, town_id: int) -> int:
    others = await session.execute(select(col(Town.id)).where(col(Town.id) != town_id))
    return int(others.scalars().first() or town_id)


def _check(report: Report) -> None:
    if len(report.description) > DESCRIPTION_MAX:
        raise DescriptionTooLong(max=DESCRIPTION_MAX)
    kinds_ok = all(a.kind in ATTACHMENT_KINDS and a.file_id for a in report.attachments)
    if not kinds_ok or len(report.attachments) > MAX_ATTACHMENTS:
        raise EmptyReport()
    if not report.description.strip() and not report.attachments:
        raise EmptyReport()


async def report_case(
    session: AsyncSession,
    *,
    person: Person,
    report: Report,
    resident: Person | None = None,
    resident_id: int | None = None,
    now: datetime | None = None,
) -> Receipt:
    """File a case for ``person``, or as a proxy for ``resident`` (or ``resident_id``: found by
    the proxy lookup)."""
    now = now or utcnow()
    _check(report)
    if resident is None and resident_id is not None:
        resident = await get_or_raise(session, Person, resident_id, NotRegistered)
    reporter = resident or person
    if reporter.onboarded_at is None or reporter.town_id is None:
        raise NotRegistered()
    proxy_id = person.id if resident is not None and resident.id != person.id else None
    crosses = report.parties is Parties.OTHER_TOWN
    joint = crosses and report.cross_border_consent
    respondent_town = await _other_town(session, reporter.town_id) if crosses else reporter.town_id
    concerned = respondent_town if joint else reporter.town_id
    town = await get_or_raise(session, Town, concerned)
    waiting = proxy_id is not None and not await has_consent(session, row_id(reporter), proxy_id)
    case = DisputeCase(
        number=await next_number(session, town, now),
        town_id=concerned,
        lead_town_id=concerned,
        joint=joint,
        category=report.category.value,
        parties=report.parties.value,
        reporter_id=reporter.id,
        proxy_id=proxy_id,
        reporter_town_id=reporter.town_id,
        description=report.description,
        attachments=[{"kind": a.kind, "file_id": a.file_id} for a in report.attachments],
        contact=report.contact.value,
        anonymous=report.anonymous,
        cross_border_consent=report.cross_border_consent,
        status=(CaseStatus.AWAITING_RESIDENT if waiting else CaseStatus.NEW).value,
        last_update_at=now,
        created_at=now,
    )
    session.add(case)
    await session.flush()
    await record_audit(
        session, person.id, "dispute.report", "dispute_case", case.id, proxy=proxy_id is not None
    )
    if waiting:
        await _ask_resident(session, case, reporter, person)
    else:
        await open_case(session, case, now)
    policy = await policy_of(session, concerned)
    return Receipt(
        row_id(case), case.number, CaseStatus(case.status), joint, policy.first_response_hours
    )


async def open_case(session: AsyncSession, case: DisputeCase, now: datetime) -> None:
    """Put a case in front of the mediators: status new, the SLA clock started, the alerts."""
    case.status, case.routed_at, case.escalation_level = CaseStatus.NEW.value, now, 0
    case.last_update_at = now
    await session.flush()
    await alert(session, case, 0)


async def _ask_resident(
    session: AsyncSession, case: DisputeCase, resident: Person, proxy: Person
) -> None:
    cid = row_id(case)
    payload = {
        **message_payload(
            N_("disputes.proxy.ask"),
            number=case.number,
            proxy=mask_name(proxy.display_name) or "—",
        ),
        "reply_markup": inline_keyboard(
            [("disputes.proxy.ok", PROXY_REPORT.data("ok", cid))],
            [("disputes.proxy.always", PROXY_REPORT.data("always", cid))],
            [("disputes.proxy.no", PROXY_REPORT.data("no", cid))],
        ),
    }
    # The current screen once delivered (its reply keyboard replaces the inline buttons): a
    # typed "1" answers it; refusing comes last and only its own words pick it.
    payload[QUESTION] = consent_question(PROXY_REPORT_QUESTION, cid, CONSENT_WORDS)
    key = proxy_ask_key(cid)
    await notify(session, resident, OutboxKind.STATUS, payload, dedupe_key=key)


def proxy_ask_key(case_id: int) -> str:
    """The dedupe key of the resident's question about a proxy's report."""
    return f"dispute:{case_id}:proxy-ask"


async def answer_proxy_report(
    session: AsyncSession,
    *,
    person: Person,
    case_id: int,
    answer: str,
    now: datetime | None = None,
) -> CaseStatus:
    """The resident's answer to a case a proxy reported for them: ``ok``, ``always`` or ``no``."""
    now = now or utcnow()
    if answer not in PROXY_ANSWERS:
        raise CaseNotFound()
    case = await session.get(DisputeCase, case_id, with_for_update=True)
    if case is None or case.reporter_id != person.id:
        raise CaseNotFound()
    if case.status != CaseStatus.AWAITING_RESIDENT.value:
        raise IllegalTransition(status=case.status)
    if not await take_consent_answer(session, person, case.proxy_id, answer):
        case.status, case.closed_at, case.last_update_at = CaseStatus.WITHDRAWN.value, now, now
    else:
        await open_case(session, case, now)
    await record_audit(
        session, person.id, "dispute.proxy_answer", "dispute_case", case_id, a=answer
    )
    await tell_reporter(session, case, f"proxy-{answer}")
    return CaseStatus(case.status)
