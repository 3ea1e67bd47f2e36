"""The roster as CSV: export, import back unchanged (idempotent), all or nothing with every
problem named, and the ``tongxin`` command's import and export (each process costs seconds)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from bot.context import Services
from models.core.csvfile import CatalogueRejected
from models.governance import export_roster, import_roster
from tests.core.test_cli import TONGXIN, _run
from tests.governance.roster_support import audit_count, second, secondments

HEADER = "name,title,home_town,centre,first_day,last_day,weekdays,hours\n"
GOOD = HEADER + (
    '张明,社区副书记,D,q-centre,2026-12-01,2027-02-28,"tue,thu",09:00-12:00 14:00-17:00\n'
    "Li Hua,social worker,Q,d-centre,2026-11-01,2026-12-31,mon-fri,08:30-11:30\n"
)


async def test_export_then_import_changes_nothing(services: Services) -> None:
    await second(services, name="王芳", first=date(2026, 12, 1), last=date(2026, 12, 31),
                 weekdays=0b0011111, hours="09:00-12:00 14:00-17:00")  # fmt: skip
    await second(services, name="赵强", first=date(2027, 1, 4), last=date(2027, 6, 30),
                 weekdays=0b1010101, centre="d-centre", home="Q")  # fmt: skip
    async with services.sessions() as session:
        text = await export_roster(session)
    assert text.splitlines() == [
        HEADER.strip(),
        '赵强,副书记,Q,d-centre,2027-01-04,2027-06-30,"mon,wed,fri,sun",09:00-17:00',
        "王芳,副书记,D,q-centre,2026-12-01,2026-12-31,mon-fri,09:00-12:00 14:00-17:00",
    ]
    async with services.sessions() as session, session.begin():
        report = await import_roster(session, text=text)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert await audit_count(services) == 0


async def test_import_creates_then_updates(services: Services) -> None:
    async with services.sessions() as session, session.begin():
        report = await import_roster(session, text=GOOD)
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    rows = {r.name: r for r in await secondments(services)}
    assert (rows["张明"].weekdays, rows["张明"].hours) == (0b1010, "09:00-12:00 14:00-17:00")
    assert rows["Li Hua"].last_day == date(2026, 12, 31)  # a past entry is a record, kept
    async with services.sessions() as session, session.begin():
        report = await import_roster(session, text=GOOD.replace("2027-02-28", "2027-03-31"))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert await audit_count(services) == 2


@pytest.mark.parametrize(
    ("line", "problems"),
    [
        ("张明,书记,D,q-centre,2026-12-31,2026-12-01,mon,9-12", {(2, "last_day")}),
        ("张明,书记,Z,nowhere,2026-12-01,2026-12-31,mon,9-12", {(2, "home_town"), (2, "centre")}),
        ("张明,书记,D,d-centre,2026-12-01,2026-12-31,mon,9-12", {(2, "home_town")}),
        ("123,,D,q-centre,12/1,2026-12-31,someday,late", {
            (2, "name"), (2, "title"), (2, "first_day"), (2, "weekdays"), (2, "hours")}),
    ],
)  # fmt: skip
async def test_a_bad_file_imports_nothing(
    services: Services, line: str, problems: set[tuple[int, str]]
) -> None:
    text = GOOD + line + "\n"
    with pytest.raises(CatalogueRejected) as rejected:
        async with services.sessions() as session, session.begin():
            await import_roster(session, text=text)
    assert {(e.line, e.column) for e in rejected.value.errors} == {
        (4, column) for _line, column in problems
    }
    assert await secondments(services) == []


def test_the_command_round_trip(tmp_path: Path, sqlite_template: Path) -> None:
    shutil.copy(sqlite_template, tmp_path / "cli.db")
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"

    def tongxin(*args: str) -> subprocess.CompletedProcess[str]:
        return _run([TONGXIN, *args], tmp_path, TONGXIN_DATABASE_URL=url)

    (tmp_path / "roster.csv").write_text(GOOD, "utf-8-sig")
    done = tongxin("import", "roster.csv")  # told by its header
    assert (done.returncode, done.stdout) == (0, "roster: created 2, updated 0, unchanged 0\n")
    assert tongxin("export", "roster", "out.csv").returncode == 0  # read back: the model tests
    exported = (tmp_path / "out.csv").read_text("utf-8-sig").splitlines()
    assert exported[0] == HEADER.strip() and len(exported) == 3
