"""Locale completeness: every catalogue parses, zh_CN and en agree, and every id the code uses
exists (the checkers are in locale_catalogues.py and locale_ids.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.i18n import LANGUAGES, load_catalogues
from tests.core.locale_catalogues import LOCALES_DIR, PLURALS, check_catalogues, read_language
from tests.core.locale_ids import DYNAMIC_IDS, check_code_ids, code_ids, dynamic_ids


def test_catalogues_parse_and_both_languages_agree() -> None:
    assert check_catalogues() == []


def test_every_id_used_in_code_exists() -> None:
    uses, unknown = code_ids()
    assert unknown == []
    assert len(uses) > 20, "the extractor found almost nothing; is it still looking at the code?"
    zh, problems = read_language(LOCALES_DIR, "zh_CN")
    assert problems == []
    assert check_code_ids(uses, zh, PLURALS["zh_CN"]) == []


def test_dynamic_ids_exist() -> None:
    zh, _ = read_language(LOCALES_DIR, "zh_CN")
    listed = {msgid for pattern in DYNAMIC_IDS for msgid in dynamic_ids(pattern)}
    assert sorted(listed - zh.keys()) == []


def test_compiled_catalogues_translate_every_id(tmp_path: Path) -> None:
    shutil.copytree(LOCALES_DIR, tmp_path / "locales", ignore=shutil.ignore_patterns("*.mo"))
    catalogues = load_catalogues(locales_dir=tmp_path / "locales")
    for language in LANGUAGES:
        messages, _ = read_language(LOCALES_DIR, language)
        translate = catalogues.translator(language)
        untranslated = [msgid for msgid in messages if translate(msgid) == msgid]
        assert untranslated == [], language
