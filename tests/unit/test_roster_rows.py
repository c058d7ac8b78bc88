"""The office's data: bad 序号 are row errors, and names that look like formulas stay text everywhere."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from bot.domain.people.roster import RosterImportError, export_workbook, import_workbook
from bot.export.cells import FORMULA_START
from bot.export.run import export
from messages import roster_rows, zh
from storage import reports, roster, versions
from tests.support.helpers import Harness

HOSTILE_ORG = '=HYPERLINK("http://x","组织")'
HOSTILE_SCHOOL = "+新设学校"


def _workbook(path: Path, institutions: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "院校"
    ws.append(["序号", "类型", "名称", "所在市"])
    for row in institutions:
        ws.append(row)
    wb.create_sheet("证书").append(["证书名称", "培训评价组织", "牵头院校"])
    wb.create_sheet("试点").append(["院校名称", "证书名称", "试点规模"])
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("seq", "error"),
    [
        (1e20, roster_rows.seq_out_of_range(zh.roster_where("院校", 2), "1e+20")),
        ("99999999999999999999", roster_rows.seq_out_of_range(zh.roster_where("院校", 2), "99999999999999999999")),
        (0, roster_rows.seq_out_of_range(zh.roster_where("院校", 2), "0")),
        ("²", zh.ROSTER_ERRORS["bad_seq"].format(where=zh.roster_where("院校", 2), seq="²")),
        (24, roster_rows.seq_taken(zh.roster_where("院校", 2), 24, "安徽工商职业学院")),
    ],
)
async def test_bad_seq_is_a_row_error_and_nothing_is_imported(
    harness: Harness, tmp_path: Path, seq: object, error: str
) -> None:
    path = _workbook(tmp_path / "r.xlsx", [[seq, "高职", "新设学院", "合肥"]])
    with pytest.raises(RosterImportError) as refused:
        await import_workbook(harness.deps.db, path, actor="test", at="t")
    assert refused.value.errors == [error]
    assert await roster.find_institution(harness.deps.db.read, "新设学院") is None


async def test_seq_may_move_between_institutions_listed_together(harness: Harness, tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "r.xlsx", [[25, "高职", "安徽工商职业学院", None], [24, "高职", "安徽工业经济职业技术学院", None]]
    )
    first = await roster.find_institution(harness.deps.db.read, "25")
    assert first is not None and first.name == "安徽工业经济职业技术学院"
    await import_workbook(harness.deps.db, path, actor="test", at="t")
    moved = {n: await roster.find_institution(harness.deps.db.read, n) for n in ("24", "25")}
    assert {n: i.name for n, i in moved.items() if i} == {"24": "安徽工业经济职业技术学院", "25": "安徽工商职业学院"}


async def test_formula_like_names_stay_text_in_every_export(harness: Harness, tmp_path: Path) -> None:
    await harness.certify({"证书甲": (HOSTILE_ORG, "安徽工商职业学院")}, {"安徽工商职业学院": [("证书甲", 10)]})
    db = harness.deps.db
    async with db.transaction() as conn:
        await roster.upsert_institutions(conn, [roster.RosterRow(None, "高职", HOSTILE_SCHOOL, "合肥")])
        org = await roster.find_institution(conn, HOSTILE_ORG)
        assert org is not None
        report = await reports.ensure(conn, institution_id=org.id, certificate_id=1, outline="training_org", at="t")
    await harness.fill(report.id)
    async with db.transaction() as conn:
        await versions.set_status(
            conn, report.id, status="submitted", at="2020-12-10T08:00:00+00:00", expect=("draft",), bump=True
        )
    result = await export(
        db,
        harness.deps.outlines,
        year=2020,
        evidence_root=harness.settings.evidence_dir,
        out=tmp_path / "o" / "汇总.xlsx",
    )
    wb = load_workbook(result.workbook)
    hostile = [c for ws in wb for row in ws.iter_rows() for c in row if c.value in (HOSTILE_ORG, HOSTILE_SCHOOL)]
    assert {c.value for c in hostile} == {HOSTILE_ORG, HOSTILE_SCHOOL}
    assert all(c.data_type == "s" and c.quotePrefix for c in hostile)
    assert result.bundle is not None
    with zipfile.ZipFile(result.bundle) as zf:
        rows = list(csv.reader(io.StringIO(zf.read("manifest.csv").decode("utf-8-sig"))))
    assert len(rows) > 1 and any("HYPERLINK" in r[0] for r in rows[1:])  # the organization's files are listed
    assert [c for r in rows for c in r if c.startswith(FORMULA_START)] == []
    await export_workbook(db, tmp_path / "roster.xlsx")
    exported = load_workbook(tmp_path / "roster.xlsx")
    cells = [c for ws in exported for row in ws.iter_rows() for c in row if c.value in (HOSTILE_ORG, HOSTILE_SCHOOL)]
    assert {c.value for c in cells} == {HOSTILE_ORG, HOSTILE_SCHOOL}
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
