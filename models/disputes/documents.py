"""The mediation record as documents (.docx, python-docx): the mediation agreement
(人民调解协议书) and the case file summary in the stages 申报 → 受理 → 调解 → 协议 → 回访.

Texts come from the catalogue through ``t`` (Chinese by default: the handler passes the
translator it wants). An anonymous reporter is "anonymous" here too: neither document ever
holds their name, phone or Telegram identity, nor what they wrote in their own words (the
mediator's recorded facts stand for it).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from docx import Document
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.authz import Scope
from models.core.base import N_, TOWNS_TZ
from models.core.people import Person
from models.core.places import Town
from models.disputes.access import CaseAction, Viewer, authorised_case
from models.disputes.labels import category_label, status_label
from models.disputes.tables import CaseNote, DisputeCase


class Translate(Protocol):
    """A translator for one language (``bot.i18n.Translator`` is one)."""

    language: str

    def __call__(self, msgid: str, /, **params: object) -> str:
        """The message in this language with its parameters filled."""
        ...


BLANK = "________________"


def _day(moment: datetime | None) -> str:
    return moment.astimezone(TOWNS_TZ).strftime("%Y-%m-%d") if moment else BLANK


async def _name(session: AsyncSession, pid: int | None) -> str:
    person = await session.get(Person, pid) if pid is not None else None
    return (person.display_name if person else None) or BLANK


async def _reporter(session: AsyncSession, case: DisputeCase, t: Translate) -> str:
    if case.anonymous or case.reporter_id is None:
        return t(N_("disputes.anonymous"))
    return await _name(session, case.reporter_id)


def _bytes(document: object) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()


async def agreement_docx(
    session: AsyncSession, *, person: Person, scopes: Iterable[Scope], case_id: int, t: Translate
) -> bytes:
    """The mediation agreement of a case with agreed terms, with blanks for the signatures and
    the committee's seal."""
    case = await authorised_case(session, Viewer.of(person, scopes), case_id, CaseAction.DOCUMENTS)
    town = await session.get(Town, case.lead_town_id)
    doc = Document()
    doc.add_heading(t(N_("disputes.doc.agreement.title")), level=1)
    doc.add_paragraph(t(N_("disputes.doc.number"), number=case.number))
    doc.add_heading(t(N_("disputes.doc.parties")), level=2)
    doc.add_paragraph(t(N_("disputes.doc.applicant"), name=await _reporter(session, case, t)))
    doc.add_paragraph(t(N_("disputes.doc.respondent"), name=BLANK))
    doc.add_heading(t(N_("disputes.doc.facts")), level=2)
    doc.add_paragraph(t(N_("disputes.doc.category"), category=t(category_label(case.category))))
    doc.add_paragraph(case.outcome or BLANK)
    doc.add_heading(t(N_("disputes.doc.terms")), level=2)
    doc.add_paragraph(case.agreed_terms or BLANK)
    doc.add_heading(t(N_("disputes.doc.carry_out")), level=2)
    doc.add_paragraph(case.carry_out or BLANK)
    doc.add_heading(t(N_("disputes.doc.mediators")), level=2)
    doc.add_paragraph(await _name(session, case.assignee_id))
    if case.co_mediator_id is not None:
        doc.add_paragraph(await _name(session, case.co_mediator_id))
    doc.add_paragraph(t(N_("disputes.doc.copies")))
    doc.add_paragraph(t(N_("disputes.doc.sign.parties"), blank=BLANK))
    doc.add_paragraph(t(N_("disputes.doc.sign.mediators"), blank=BLANK))
    committee = town.name(t.language) if town else ""
    doc.add_paragraph(t(N_("disputes.doc.seal"), committee=committee))
    doc.add_paragraph(t(N_("disputes.doc.date"), blank=BLANK))
    return _bytes(doc)


async def case_file_docx(
    session: AsyncSession, *, person: Person, scopes: Iterable[Scope], case_id: int, t: Translate
) -> bytes:
    """The case file summary: 申报 → 受理 → 调解 → 协议 → 回访 (public notes only)."""
    case = await authorised_case(session, Viewer.of(person, scopes), case_id, CaseAction.DOCUMENTS)
    notes = await session.execute(
        select(CaseNote)
        .where(col(CaseNote.case_id) == case_id, col(CaseNote.public).is_(True))
        .order_by(col(CaseNote.id))
    )
    doc = Document()
    doc.add_heading(t(N_("disputes.doc.file.title"), number=case.number), level=1)
    doc.add_paragraph(t(N_("disputes.doc.status"), status=t(status_label(case.status))))
    doc.add_heading(t(N_("disputes.doc.stage.report")), level=2)
    doc.add_paragraph(t(N_("disputes.doc.reported"), day=_day(case.created_at),
                        name=await _reporter(session, case, t),
                        category=t(category_label(case.category))))  # fmt: skip
    doc.add_heading(t(N_("disputes.doc.stage.accept")), level=2)
    doc.add_paragraph(t(N_("disputes.doc.accepted"), day=_day(case.accepted_at),
                        name=await _name(session, case.assignee_id)))  # fmt: skip
    doc.add_heading(t(N_("disputes.doc.stage.mediate")), level=2)
    for note in notes.scalars():
        doc.add_paragraph(f"{_day(note.created_at)}  {note.text}")
    doc.add_heading(t(N_("disputes.doc.stage.agree")), level=2)
    doc.add_paragraph(case.agreed_terms or BLANK)
    doc.add_heading(t(N_("disputes.doc.stage.follow_up")), level=2)
    if case.followup_answered_at is None:
        doc.add_paragraph(t(N_("disputes.doc.follow_up.none")))
    else:
        answer = (
            N_("disputes.doc.follow_up.solved")
            if case.solved
            else N_("disputes.doc.follow_up.unsolved")
        )
        doc.add_paragraph(t(answer, day=_day(case.followup_answered_at),
                            stars=case.rating or "—"))  # fmt: skip
    return _bytes(doc)
