"""Locale completeness: every catalogue parses, zh_CN and en agree, and every id the code uses
exists. The checkers return a list of problems so a broken catalogue demonstrably fails."""

from __future__ import annotations

import ast
import re
import shutil
import string
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import PoFileError, read_po

from bot.i18n import LANGUAGES, load_catalogues

ROOT = Path(__file__).resolve().parents[2]
LOCALES_DIR = ROOT / "locales"
CODE_DIRS = ("bot", "handlers", "models", "jobs")
# Calls whose first argument is a message id: t("…"), context.t("…"), N_("…"), _("…").
# message_payload(msgid, **params) is rendered later, in the recipient's language: same rules
# (and so is message_param, a parameter that is itself a message).
TRANSLATE_NAMES = frozenset({"t", "N_", "_", "message_payload", "message_param"})
TRANSLATE_ATTRS = frozenset({"t", "n"})  # context.t("…"), context.t.n("…", count)
PLURAL_ATTRS = frozenset({"n"})
MARK_ONLY = frozenset({"N_"})


def _languages() -> tuple[str, ...]:
    return LANGUAGES


def _granted_roles() -> list[str]:
    from models.core.authz import Role

    return [role.value for role in Role if role is not Role.RESIDENT]  # residents: everyone


def _topics() -> tuple[str, ...]:
    from models.core.people import NOTICE_TOPICS

    return NOTICE_TOPICS


def _audience_kinds() -> tuple[str, ...]:
    from models.broadcasts import AUDIENCE_KINDS

    return AUDIENCE_KINDS


def _when_keys() -> tuple[str, ...]:
    from models.broadcasts import WHEN_KEYS

    return WHEN_KEYS


def _broadcast_statuses() -> list[str]:
    from models.broadcasts import BroadcastStatus

    return [status.value for status in BroadcastStatus]


def _venue_text_keys() -> list[str]:
    from models.booking.venue_texts import TEXT_FIELDS

    return list(TEXT_FIELDS)


def _settings_items() -> tuple[str, ...]:
    from handlers.settings.screens import MENU_ITEMS

    return MENU_ITEMS


def _active_statuses() -> tuple[str, ...]:
    from models.booking.bookings import ACTIVE

    return ACTIVE


def _mine(module: str, name: str) -> tuple[str, ...]:
    import importlib

    return tuple(getattr(importlib.import_module(f"handlers.booking.mine.{module}"), name))


def _venue_kinds() -> list[str]:
    from models.core.places import VenueKind

    return [kind.value for kind in VenueKind]


# Ids built at run time: pattern ("{}" for the interpolated part) → the values it is filled with,
# taken from the code where possible so a new role or topic without a message fails here.
DYNAMIC_IDS: dict[str, Callable[[], Iterable[object]]] = {
    "nav.{}": lambda: ("back", "home"),
    "nav.{}.word": lambda: ("back", "home"),
    "onboarding.lang.{}": _languages,
    "settings.language.{}": _languages,
    "settings.item.{}": _settings_items,
    "settings.elder.done_{}": lambda: ("on", "off"),
    "topic.{}": _topics,
    "roles.role.{}": _granted_roles,
    "roles.button.{}": _granted_roles,
    "roles.redeemed.{}": _granted_roles,
    "roles.month.{}": lambda: range(1, 13),
    "roles.weekday.{}": lambda: range(7),  # datetime.weekday(): Monday is 0
    "broadcast.audience.{}": _audience_kinds,
    "broadcast.audience.{}.of": _audience_kinds,
    "broadcast.when.{}": _when_keys,
    "broadcast.status.{}": _broadcast_statuses,
    "feedback.stars.{}": lambda: range(1, 6),
    "venues_admin.text.{}": _venue_text_keys,
    "booking.kind.{}": _venue_kinds,
    "mine.status.{}": _active_statuses,
    "mine.action.{}": lambda: _mine("screens", "DETAIL_ACTIONS"),
    "mine.cancel.{}": lambda: _mine("screens", "CANCEL_ANSWERS"),
    "mine.move.{}": lambda: _mine("move", "MOVE_ANSWERS"),
    "mine.entry.{}": lambda: _mine("wait", "ENTRY_ACTIONS"),
}


def dynamic_ids(pattern: str) -> list[str]:
    """Every id a listed dynamic pattern can produce."""
    return [pattern.replace("{}", str(value)) for value in DYNAMIC_IDS[pattern]()]


_MSGID_LINE = re.compile(r'^msgid "(.+)"$', re.MULTILINE)


@dataclass(frozen=True)
class IdUse:
    """One message id found in the code."""

    msgid: str
    where: str
    keywords: frozenset[str] | None  # None: placeholders are filled elsewhere (or by **kwargs)
    plural: bool | None = None  # t.n(…): True; t(…): False; None: not known from the call


def placeholders(text: str) -> set[str]:
    """Named ``{placeholders}`` of a message (``{name!r:>3}`` counts as ``name``)."""
    names = set()
    for _, field, _, _ in string.Formatter().parse(text):
        if field is not None:
            names.add(re.split(r"[.\[]", field, maxsplit=1)[0])
    return names


# language → plural message id → number of forms, filled by read_language.
PLURALS: dict[str, dict[str, int]] = {}
# An English count in front of a countable noun ("{party} people") needs plural forms, or a
# party of one reads "1 people".
COUNTED = re.compile(
    r"\{(\w+)\}\s+(people|persons|residents|bookings|places|seats|days|hours|minutes|"
    r"characters|times|time slots|slots|notices|messages|items|grants|invites|venues)\b"
)


def read_language(locales_dir: Path, language: str) -> tuple[dict[str, str], list[str]]:
    """All ids → msgstr of one language (merged over its .po files) and the problems found.

    A plural entry's msgstr is its forms joined by newlines (for the placeholder checks).
    """
    PLURALS[language] = {}
    messages: dict[str, str] = {}
    origin: dict[str, str] = {}
    problems: list[str] = []
    po_files = sorted((locales_dir / language / "LC_MESSAGES").glob("*.po"))
    if not po_files:
        problems.append(f"{language}: no .po files")
    for po_path in po_files:
        label = f"{language}/{po_path.name}"
        raw = po_path.read_text(encoding="utf-8")
        for msgid, count in Counter(_MSGID_LINE.findall(raw)).items():
            if count > 1:
                problems.append(f"{label}: duplicate id {msgid!r} ({count} times)")
        try:
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, abort_invalid=True)
        except (PoFileError, ValueError, UnicodeDecodeError) as exc:
            problems.append(f"{label}: does not parse: {exc}")
            continue
        for message in catalog:
            if not message.id:
                continue
            if message.pluralizable:
                msgid = str(message.id[0])
                forms = [str(form or "") for form in message.string or ()]
                PLURALS.setdefault(language, {})[msgid] = len(forms)
                if len(forms) != catalog.num_plurals:
                    problems.append(
                        f"{label}: {msgid!r} has {len(forms)} plural forms, "
                        f"the language has {catalog.num_plurals}"
                    )
                msgstr = "\n".join(forms)  # every placeholder any form uses
                empty = any(not form.strip() for form in forms)
            else:
                msgid, msgstr = str(message.id), str(message.string or "")
                empty = not msgstr.strip()
            if msgid in origin:
                problems.append(f"{label}: id {msgid!r} already defined in {origin[msgid]}")
            origin[msgid] = po_path.name
            if empty:
                problems.append(f"{label}: empty msgstr for {msgid!r}")
            if message.fuzzy:
                problems.append(f"{label}: fuzzy (untranslated) entry {msgid!r}")
            try:
                placeholders(msgstr)
            except ValueError as exc:
                problems.append(f"{label}: bad braces in {msgid!r}: {exc}")
            messages[msgid] = msgstr
    return messages, problems


def check_catalogues(locales_dir: Path = LOCALES_DIR) -> list[str]:
    """Problems with the catalogues themselves and between the two languages."""
    problems: list[str] = []
    read = {lang: read_language(locales_dir, lang) for lang in LANGUAGES}
    for _, found in read.values():
        problems.extend(found)
    zh, en = read["zh_CN"][0], read["en"][0]
    for msgid in sorted(zh.keys() - en.keys()):
        problems.append(f"en: missing id {msgid!r} (present in zh_CN)")
    for msgid in sorted(en.keys() - zh.keys()):
        problems.append(f"zh_CN: missing id {msgid!r} (present in en)")
    zh_plural, en_plural = set(PLURALS["zh_CN"]), set(PLURALS["en"])
    for msgid in sorted((zh_plural ^ en_plural) & zh.keys() & en.keys()):
        problems.append(f"{msgid!r}: plural forms in one language only")
    for msgid, text in sorted(en.items()):
        counted = COUNTED.search(text)
        if counted and msgid not in en_plural:
            problems.append(f"en: {msgid!r} counts {counted.group(0)!r} without plural forms")
    for msgid in sorted(zh.keys() & en.keys()):
        try:
            zh_names, en_names = placeholders(zh[msgid]), placeholders(en[msgid])
        except ValueError:
            continue  # already reported as bad braces
        if zh_names != en_names:
            problems.append(
                f"{msgid!r}: placeholders differ: zh_CN {sorted(zh_names)} en {sorted(en_names)}"
            )
    return problems


def _dynamic_pattern(node: ast.JoinedStr) -> str:
    parts = []
    for value in node.values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            parts.append(value.value.replace("{", "{{").replace("}", "}}"))
        else:
            parts.append("{}")
    return "".join(parts)


def _alternatives(node: ast.expr) -> list[ast.expr]:
    """``"a" if cond else "b"`` → both branches; anything else → itself."""
    if isinstance(node, ast.IfExp):
        return _alternatives(node.body) + _alternatives(node.orelse)
    return [node]


def _is_translate_call(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name) and func.id in TRANSLATE_NAMES:
        return func.id
    if isinstance(func, ast.Attribute) and func.attr in TRANSLATE_ATTRS:
        return func.attr
    return None


def extract_ids(path: Path, root: Path = ROOT) -> tuple[list[IdUse], list[str]]:
    """Message ids used in one Python file, and dynamic ids nobody listed in DYNAMIC_IDS."""
    where = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    uses: list[IdUse] = []
    unknown: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and (name := _is_translate_call(node)):
            first, line = node.args[0], f"{where}:{node.lineno}"
            plural = name in PLURAL_ATTRS or (
                name in {"message_payload", "message_param"}
                and any(k.arg == "plural" for k in node.keywords)
            )
            known = None if name in MARK_ONLY else plural
            keywords: frozenset[str] | None = None
            if name not in MARK_ONLY and all(k.arg is not None for k in node.keywords):
                keywords = frozenset(str(k.arg) for k in node.keywords if k.arg != "plural")
            for choice in _alternatives(first):
                if isinstance(choice, ast.Constant) and isinstance(choice.value, str):
                    uses.append(IdUse(choice.value, line, keywords, known))
                elif isinstance(choice, ast.JoinedStr):
                    pattern = _dynamic_pattern(choice)
                    if pattern not in DYNAMIC_IDS:
                        unknown.append(f"{line}: dynamic id {pattern!r}; list it in DYNAMIC_IDS")
                        continue
                    uses.extend(
                        IdUse(msgid, line, keywords, known) for msgid in dynamic_ids(pattern)
                    )
        elif isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "msgid" for target in node.targets
        ):  # msgid = "a" if … else "b"; t(msgid, …)
            for choice in _alternatives(node.value):
                if isinstance(choice, ast.Constant) and isinstance(choice.value, str):
                    uses.append(IdUse(choice.value, f"{where}:{node.lineno}", None))
        elif isinstance(node, ast.ClassDef):
            for stmt in node.body:
                targets: list[ast.expr] = []
                if isinstance(stmt, ast.Assign):
                    targets, value = stmt.targets, stmt.value
                elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                    targets, value = [stmt.target], stmt.value
                named = any(isinstance(t, ast.Name) and t.id == "message_id" for t in targets)
                if named and isinstance(value, ast.Constant) and isinstance(value.value, str):
                    uses.append(IdUse(value.value, f"{where}:{stmt.lineno}", None))
    return uses, unknown


def code_ids(root: Path = ROOT, dirs: tuple[str, ...] = CODE_DIRS) -> tuple[list[IdUse], list[str]]:
    """Every message id used under ``dirs``."""
    uses: list[IdUse] = []
    unknown: list[str] = []
    for directory in dirs:
        for path in sorted((root / directory).rglob("*.py")):
            found, dynamic = extract_ids(path, root)
            uses.extend(found)
            unknown.extend(dynamic)
    return uses, unknown


def check_code_ids(
    uses: list[IdUse], messages: dict[str, str], plurals: Iterable[str] = ()
) -> list[str]:
    """Ids the code uses but the catalogue lacks, calls that leave placeholders unfilled, and
    plural messages used without a count (or plain ones with one)."""
    problems = []
    plural_ids = set(plurals)
    for use in uses:
        if use.msgid not in messages:
            problems.append(f"{use.where}: id {use.msgid!r} is in no catalogue")
            continue
        if use.plural is not None and use.plural != (use.msgid in plural_ids):
            how = "t.n(…, count)" if use.msgid in plural_ids else "t(…) (it has no plural forms)"
            problems.append(f"{use.where}: {use.msgid!r} must be used with {how}")
        if use.keywords is not None:
            missing = placeholders(messages[use.msgid]) - use.keywords
            if missing:
                problems.append(f"{use.where}: {use.msgid!r} needs {sorted(missing)} filled")
    return problems


# -- the real catalogues and code -------------------------------------------------------------
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


# -- the checkers themselves catch breakage --------------------------------------------------
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
