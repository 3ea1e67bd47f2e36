"""Residents read everyday words: no resident-facing text uses the jargon of docs/glossary.md.

Staff catalogues and staff ids are exempt (the same lists as the slash-command check): staff
use the office words and are taught them.
"""

from __future__ import annotations

import re

import pytest

from tests.core.locale_catalogues import LOCALES_DIR
from tests.core.test_locales_plain import _resident_texts

# The "never" column of docs/glossary.md, per language.
JARGON = {
    "zh_CN": {
        "候补": re.compile("候补"),
        "回执": re.compile("回执"),
        "审批": re.compile("审批"),
        "名额已释放": re.compile("名额已释放|释放"),
        "代约": re.compile("代约"),
        "TA": re.compile(r"(?<![A-Za-z])TA(?![A-Za-z])"),
        "预约号 #9": re.compile(r"预约号|#\s*\{"),
    },
    "en": {
        "waitlist": re.compile(r"\bwait-?list", re.IGNORECASE),
        "receipt": re.compile(r"\breceipt", re.IGNORECASE),
        "approval": re.compile(r"\bapprov", re.IGNORECASE),
        "released": re.compile(r"\breleased?\b", re.IGNORECASE),
        "proxy": re.compile(r"\bproxy", re.IGNORECASE),
        "booking #9": re.compile(r"#\s*\{"),
    },
}
PLACEHOLDER = re.compile(r"\{\w+\}")
GLOSSARY = LOCALES_DIR.parent / "docs" / "glossary.md"


def jargon_in(texts: dict[str, str], language: str) -> dict[str, list[str]]:
    """For each message that uses jargon, the glossary terms it uses."""
    found: dict[str, list[str]] = {}
    for msgid, text in texts.items():
        bare = PLACEHOLDER.sub("{}", text)  # "{proxy}" names a person, not the jargon
        terms = [term for term, pattern in JARGON[language].items() if pattern.search(bare)]
        if terms:
            found[msgid] = terms
    return found


@pytest.mark.parametrize("language", sorted(JARGON))
def test_no_resident_text_uses_a_glossary_term(language: str) -> None:
    texts = _resident_texts(language)
    assert len(texts) > 100, "the resident texts were not found"
    assert jargon_in(texts, language) == {}


def test_the_checker_finds_jargon_and_the_glossary_lists_every_term() -> None:
    assert jargon_in({"a": "已加入候补名单（预约号 #{id}）"}, "zh_CN") == {
        "a": ["候补", "预约号 #9"]
    }
    assert jargon_in({"a": "Your TAXI"}, "zh_CN") == {}
    assert jargon_in({"a": "The receipt (booking #{id})"}, "en") == {"a": ["receipt", "booking #9"]}
    glossary = GLOSSARY.read_text(encoding="utf-8")
    for language in JARGON:
        for term in JARGON[language]:
            assert term in glossary, f"{term} is not in docs/glossary.md"
