"""Gettext catalogues (zh_CN default, en): compiled from .po automatically, looked up by id.

Each language folder holds one .po file per flow (``common.po``, ``onboarding.po`` …) so flows
can be added without editing a shared file; they are merged at load time.
"""

from __future__ import annotations

import functools
import gettext
import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

logger = logging.getLogger(__name__)

LANGUAGES = ("zh_CN", "en")
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


def N_(msgid: str) -> str:
    """Mark a message id for extraction without translating it yet."""
    return msgid


class Messages(gettext.NullTranslations):
    """One language's messages from all its ``.po`` files, merged into one lookup table.

    A chain of fallback catalogues (one per file) made every lookup walk up to a dozen
    dictionaries, about a hundred times per update; one table makes it one lookup.
    """

    def __init__(self, parts: list[gettext.GNUTranslations]) -> None:
        super().__init__()
        self._table: dict[object, str] = {}
        self._plural: Callable[[int], int] = lambda n: int(n != 1)
        for part in parts:
            self._table.update(part._catalog)  # type: ignore[attr-defined]  # the parsed .mo
            self._plural = part.plural  # type: ignore[attr-defined]  # the file's Plural-Forms

    def gettext(self, message: str) -> str:
        """The translation of ``message`` (a plural message: its form for one; else the id)."""
        found = self._table.get(message)
        if found is None:
            found = self._table.get((message, self._plural(1)), message)
        return found

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        """The plural form of ``msgid1`` that ``n`` takes."""
        found = self._table.get((msgid1, self._plural(n)))
        if found is not None:
            return found
        return msgid1 if n == 1 else msgid2


class Translator:
    """Translates message ids into one language, filling ``{named}`` placeholders."""

    def __init__(self, language: str, catalogue: gettext.NullTranslations) -> None:
        self.language = language
        self._catalogue = catalogue

    def __call__(self, msgid: str, /, **params: object) -> str:
        return self._fill(msgid, self._catalogue.gettext(msgid), params)

    def n(self, msgid: str, count: int, /, **params: object) -> str:
        """The message in the plural form ``count`` takes in this language ("1 person", "2 people").

        ``count`` only picks the form; the placeholders are filled from ``params`` as usual (a
        placeholder may be called ``{count}`` too: the arguments before ``/`` are positional).
        """
        return self._fill(msgid, self._catalogue.ngettext(msgid, msgid, count), params)

    def _fill(self, msgid: str, text: str, params: dict[str, object]) -> str:
        if not params:
            return text
        try:
            return text.format_map(params)
        except (KeyError, IndexError, ValueError):
            logger.error("message %s in %s has mismatched placeholders", msgid, self.language)
            return text


class Catalogues:
    """All languages' catalogues; ``translator(lang)`` gives a callable per language."""

    def __init__(self, catalogues: Mapping[str, gettext.NullTranslations], default: str) -> None:
        self._catalogues = dict(catalogues)
        self.default = default
        self._translators: dict[str, Translator] = {}

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages with a catalogue."""
        return tuple(self._catalogues)

    def translator(self, language: str | None) -> Translator:
        """The translator for ``language``, or the default language's."""
        lang = language if language in self._catalogues else self.default
        found = self._translators.get(lang)
        if found is None:
            found = self._translators[lang] = Translator(lang, self._catalogues[lang])
        return found

    def resolve(self, stored: str | None, telegram_code: str | None) -> str:
        """Stored choice, else Telegram's ``language_code``, else the default."""
        if stored in self._catalogues:
            return stored
        code = (telegram_code or "").lower()
        if code.startswith("en") and "en" in self._catalogues:
            return "en"
        if code.startswith("zh"):
            return "zh_CN"
        return self.default


def compile_catalogue(po_path: Path) -> Path:
    """Compile one .po into the .mo beside it when the .mo is missing or older."""
    mo_path = po_path.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        return mo_path
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file)
    # Written aside and renamed into place: another process (a worker, a parallel test) may be
    # reading the catalogue at this moment and must never see half a file.
    partial = mo_path.with_name(f".{mo_path.name}.{os.getpid()}.tmp")
    with partial.open("wb") as mo_file:
        write_mo(mo_file, catalog)
    os.replace(partial, mo_path)
    logger.info("compiled %s", mo_path)
    return mo_path


def load_catalogues(default: str = "zh_CN", locales_dir: Path = LOCALES_DIR) -> Catalogues:
    """Compile stale catalogues and load every language (read once per process while the
    ``.po`` files stay as they are)."""
    po_files = [
        po_path
        for language in LANGUAGES
        for po_path in sorted((locales_dir / language / "LC_MESSAGES").glob("*.po"))
    ]
    stamp = tuple((str(path), path.stat().st_mtime_ns) for path in po_files)
    return Catalogues(_loaded_catalogues(locales_dir, stamp), default)


@functools.lru_cache(maxsize=4)
def _loaded_catalogues(
    locales_dir: Path, stamp: tuple[tuple[str, int], ...]
) -> dict[str, gettext.NullTranslations]:
    # Every application (and every test) used to parse the same files again: 70 ms each on a
    # slow machine. The catalogues are only read once loaded, so they are shared; ``stamp``
    # (paths and modification times) makes an edited .po file load afresh.
    loaded: dict[str, gettext.NullTranslations] = {}
    for language in LANGUAGES:
        parts = []
        for po_path in sorted((locales_dir / language / "LC_MESSAGES").glob("*.po")):
            with compile_catalogue(po_path).open("rb") as mo_file:
                parts.append(gettext.GNUTranslations(mo_file))
        loaded[language] = Messages(parts)
    return loaded
