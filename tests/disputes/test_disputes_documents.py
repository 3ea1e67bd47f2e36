"""The mediation agreement and the case file summary open with python-docx, hold the agreed
terms, and never an anonymous reporter's identity; only the case's mediators may have them."""

from __future__ import annotations

import io

import pytest
from docx import Document

from bot.context import Services
from bot.i18n import load_catalogues
from models.disputes import (
    CaseNotFound,
    accept_case,
    add_note,
    agreement_docx,
    case_file_docx,
    record_outcome,
)
from tests.disputes.disputes_support import (
    NAMES,
    PHONES,
    ROLES,
    file_report,
    make_cast,
    person_and_scopes,
)


def _text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    return "\n".join(p.text for p in doc.paragraphs)


@pytest.mark.parametrize(
    ("language", "title"), [("zh_CN", "人民调解协议书"), ("en", "Mediation agreement")]
)
async def test_agreement_holds_the_terms_and_no_anonymous_identity(
    services: Services, language: str, title: str
) -> None:
    t = load_catalogues().translator(language)
    cast = await make_cast(services)
    case = await file_report(services, cast.ids["d_res"], anonymous=True)
    async with services.sessions() as session, session.begin():
        med, scopes = await person_and_scopes(session, cast.ids["d_med"])
        await accept_case(session, person=med, scopes=scopes, case_id=case.case_id)
        await add_note(session, person=med, scopes=scopes, case_id=case.case_id,
                       text="双方同意见面", public=True)  # fmt: skip
        await add_note(session, person=med, scopes=scopes, case_id=case.case_id,
                       text="内部记录不外传", public=False)  # fmt: skip
        await record_outcome(session, person=med, scopes=scopes, case_id=case.case_id,
                             outcome="楼上夜间拖椅子", agreed_terms="十二月十日前加装椅脚垫",
                             carry_out="居委会上门查看")  # fmt: skip
    async with services.sessions() as session:
        med, scopes = await person_and_scopes(session, cast.ids["d_med"])
        agreement = _text(await agreement_docx(session, person=med, scopes=scopes,
                                               case_id=case.case_id, t=t))  # fmt: skip
        summary = _text(await case_file_docx(session, person=med, scopes=scopes,
                                             case_id=case.case_id, t=t))  # fmt: skip
    assert title in agreement and "十二月十日前加装椅脚垫" in agreement
    assert NAMES["d_med"] in agreement and t("disputes.anonymous") in agreement
    assert "十二月十日前加装椅脚垫" in summary and "双方同意见面" in summary
    assert "内部记录不外传" not in summary
    for secret in (NAMES["d_res"], PHONES["d_res"], str(ROLES["d_res"][0]), "半夜拖椅子"):
        assert secret not in agreement and secret not in summary
    async with services.sessions() as session:
        other, scopes = await person_and_scopes(session, cast.ids["q_med"])
        with pytest.raises(CaseNotFound):
            await agreement_docx(session, person=other, scopes=scopes, case_id=case.case_id, t=t)
