"""Reading the gettext catalogues and checking them: both languages, same ids and placeholders.

The checkers return a list of problems, so a broken catalogue demonstrably fails
(tests/core/test_locale_checkers.py) and the real one passes (tests/core/test_locales.py).
"""

from __future__ import annotations

import re
import string
from collections import Counter
from pathlib import Path

from babel.messages.pofile import PoFileError, read_po

from bot.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
LOCALES_DIR = ROOT / "locales"
_MSGID_LINE = re.compile(r'^msgid "(.+)"$', re.MULTILINE)


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
