"""/deleteme on SQLite leaves no copy of the name or phone in the database's files (WAL included).

Deleting a row only marks its bytes free: without ``secure_delete`` they stay readable in the
page, and the WAL keeps every earlier version of each page it was given until a checkpoint.
This test reads the files themselves, byte for byte, while the bot still runs (so the WAL is
there) and again after it stopped.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.context import Services
from tests.conftest import USE_PG
from tests.harness import BotHarness

pytestmark = pytest.mark.skipif(
    USE_PG, reason="about SQLite's own files (the database and its -wal); PostgreSQL has neither"
)

UID = 770054321
NAME = "蔺雪霁"  # distinctive: no seed row or message text contains it
PHONE_DIGITS = "13977001234"


def _files(services: Services) -> list[Path]:
    """The database file and, when present, its -wal and -shm companions."""
    database = make_url(services.settings.database_url).database
    assert database is not None
    main = Path(database)
    return [p for p in (main, Path(f"{main}-wal"), Path(f"{main}-shm")) if p.exists()]


def _copies(services: Services) -> dict[str, int]:
    """Occurrences of the name (UTF-8) and the phone digits in each file, where any."""
    found: dict[str, int] = {}
    for path in _files(services):
        data = path.read_bytes()
        for needle in (NAME, PHONE_DIGITS):
            count = data.count(needle.encode("utf-8"))
            if count:
                found[f"{needle} in {path.name}"] = count
    return found


async def test_deleteme_leaves_no_copy_in_the_sqlite_files(
    harness: BotHarness, services: Services
) -> None:
    user = harness.user(UID, first_name="Resident")
    await user.send("/start")
    await user.press("1. ✅ 同意")
    await user.choose("中文")
    await user.choose("崇明区D镇")
    await user.choose("长江新村社区")
    await user.send(NAME)
    receipt = await user.share_contact(f"+86{PHONE_DIGITS}")
    assert "登记完成" in receipt[0]["text"] and NAME in receipt[0]["text"]
    await harness.flush_persistence()
    assert _copies(services)  # the scan does see them while the person exists
    await user.send("/deleteme")
    await user.choose("确认删除")
    assert "您的信息已经全部删除" in user.last_text()
    await harness.flush_persistence()
    assert any(p.name.endswith("-wal") for p in _files(services))  # still running: WAL mode
    assert _copies(services) == {}
    await harness.stop()
    await services.engine.dispose()  # the last connection closes: SQLite checkpoints
    assert _copies(services) == {}


async def test_refusing_consent_after_back_leaves_no_copy_either(
    harness: BotHarness, services: Services
) -> None:
    user = harness.user(UID + 1, first_name="Resident")
    await user.send("/start")
    await user.press("1. ✅ 同意")
    await user.choose("中文")
    await user.choose("崇明区D镇")
    await user.choose("长江新村社区")
    await user.send(NAME)  # stored at once; the phone question comes next
    await harness.flush_persistence()
    assert _copies(services)
    for _step in ("name", "community", "town", "language", "consent"):
        await user.press("⬅️ 返回")
    await user.press("2. ❌ 不同意")
    await harness.flush_persistence()
    assert _copies(services) == {}
