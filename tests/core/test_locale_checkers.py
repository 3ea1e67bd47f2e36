"""The locale checkers themselves catch breakage: on small catalogues and sources made to fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.locale_catalogues import check_catalogues, placeholders
from tests.core.locale_ids import IdUse, check_code_ids, extract_ids

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def _write(base: Path, language: str, name: str, body: str) -> None:
    folder = base / language / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(HEADER + body, encoding="utf-8")


def test_checker_reports_a_broken_catalogue(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "zh_CN",
        "a.po",
        'msgid "x.hello"\nmsgstr "你好，{name}"\n\n'
        'msgid "x.only_zh"\nmsgstr "只有中文"\n\n'
        'msgid "x.empty"\nmsgstr "空"\n',
    )
    _write(tmp_path, "zh_CN", "b.po", 'msgid "x.hello"\nmsgstr "重复"\n')
    _write(
        tmp_path,
        "en",
        "a.po",
        'msgid "x.hello"\nmsgstr "Hello, {nom}"\n\nmsgid "x.empty"\nmsgstr ""\n',
    )
    problems = "\n".join(check_catalogues(tmp_path))
    assert "en: missing id 'x.only_zh'" in problems
    assert "'x.hello': placeholders differ" in problems
    assert "en/a.po: empty msgstr for 'x.empty'" in problems
    assert "zh_CN/b.po: id 'x.hello' already defined in a.po" in problems


def test_checker_reports_unknown_ids_and_unfilled_placeholders(tmp_path: Path) -> None:
    source = tmp_path / "flow.py"
    source.write_text(
        "from bot.i18n import N_\n"
        "class Oops(Exception):\n"
        "    message_id = 'x.error'\n"
        "def show(context, which):\n"
        "    context.t('x.hello')\n"
        "    context.t('x.hello', name='A')\n"
        "    context.t(f'x.{which}')\n"
        "    return N_('x.missing')\n",
        encoding="utf-8",
    )
    uses, unknown = extract_ids(source, tmp_path)
    assert {use.msgid for use in uses} == {"x.error", "x.hello", "x.missing"}
    assert unknown == ["flow.py:7: dynamic id 'x.{}'; list it in DYNAMIC_IDS"]
    problems = check_code_ids(uses, {"x.hello": "Hello, {name}", "x.error": "Oops"})
    assert problems == [
        "flow.py:5: 'x.hello' needs ['name'] filled",
        "flow.py:8: id 'x.missing' is in no catalogue",
    ]


@pytest.mark.parametrize(
    ("text", "names"),
    [("你好", set()), ("{name}，{when}见", {"name", "when"}), ("{n!r:>3} {{literal}}", {"n"})],
)
def test_placeholders(text: str, names: set[str]) -> None:
    assert placeholders(text) == names


def test_checker_reports_missing_plural_forms(tmp_path: Path) -> None:
    zh_header = '"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
    en_header = '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
    folder = tmp_path / "zh_CN" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "a.po").write_text(
        HEADER.rstrip("\n") + "\n" + zh_header + 'msgid "x.people"\nmsgstr "{n} 人"\n\n'
        'msgid "x.seats"\nmsgid_plural "x.seats"\nmsgstr[0] "{n} 个座位"\n',
        encoding="utf-8",
    )
    folder = tmp_path / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "a.po").write_text(
        HEADER.rstrip("\n") + "\n" + en_header + 'msgid "x.people"\nmsgstr "{n} people"\n\n'
        'msgid "x.seats"\nmsgid_plural "x.seats"\nmsgstr[0] "{n} seat"\n',
        encoding="utf-8",
    )
    problems = "\n".join(check_catalogues(tmp_path))
    assert "en: 'x.people' counts '{n} people' without plural forms" in problems
    assert "en/a.po: empty msgstr for 'x.seats'" in problems  # babel pads the missing form
    uses = [IdUse("x.people", "f.py:1", None, True), IdUse("x.seats", "f.py:2", None, False)]
    messages = {"x.people": "{n} people", "x.seats": "{n} seat\n{n} seats"}
    assert check_code_ids(uses, messages, ["x.seats"]) == [
        "f.py:1: 'x.people' must be used with t(…) (it has no plural forms)",
        "f.py:2: 'x.seats' must be used with t.n(…, count)",
    ]
