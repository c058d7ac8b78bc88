"""Each export is built for one audience and holds nothing another audience's data: checked against a
database with grades by two experts, a drawn sample and cross-checks spanning three cities."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from bot.domain.oversight.oversight import draw_sample, grade
from bot.domain.reports.lifecycle import canonical, snapshot
from bot.export.data import Audience
from bot.export.run import Exported, export
from storage import oversight, people, reports, roster, versions
from tests.support.helpers import Harness

SCHOOL = "安徽工商职业学院"  # 高职, lead institution
HEFEI = "合肥市经贸旅游学校"  # 中职 in 合肥
WUHU = "芜湖高级职业技术学校"  # 中职 in 芜湖
ORG = "腾讯云计算（北京）有限责任公司"
CERT = "Web前端开发"
EXPERT_A, EXPERT_B = 700, 701


async def _province(harness: Harness) -> dict[str, int]:
    """Four submitted reports, two experts' grades, a sample and a cross-check; returns report ids by name."""
    await harness.certify({CERT: (ORG, SCHOOL)}, {SCHOOL: [(CERT, 150)], HEFEI: [(CERT, 40)], WUHU: [(CERT, 30)]})
    db = harness.deps.db
    ids: dict[str, int] = {}
    inst: dict[str, int] = {}
    async with db.transaction() as conn:
        for name in (SCHOOL, HEFEI, WUHU, ORG):
            found = await roster.find_institution(conn, name)
            assert found is not None
            inst[name] = found.id
            report = await reports.ensure(
                conn,
                institution_id=found.id,
                certificate_id=1 if name == ORG else None,
                outline="training_org" if name == ORG else "institution",
                at="t",
            )
            ids[name] = report.id
        for uid, name in ((EXPERT_A, "甲专家"), (EXPERT_B, "乙专家")):
            await people.bind(
                conn, user_id=uid, name=name, role="expert", institution_id=None, city=None, chat_id=uid, at="t"
            )
        for name in (HEFEI, ORG):
            await oversight.assign(conn, EXPERT_A, inst[name], at="t")
        for name in (HEFEI, WUHU, SCHOOL):
            await oversight.assign(conn, EXPERT_B, inst[name], at="t")
    for rid in ids.values():
        await harness.fill(rid)
    async with db.transaction() as conn:
        for rid in ids.values():
            await versions.set_status(
                conn, rid, status="submitted", at="2020-12-10T08:00:00+00:00", expect=("draft",), bump=True
            )
            # The submitted version's content, as a real submit stores it: cross-checks read it.
            report = await reports.get(conn, rid)
            assert report is not None
            content, checksum = canonical(await snapshot(conn, report))
            await versions.add_version(
                conn,
                report_id=rid,
                version=1,
                at="2020-12-10T08:00:00+00:00",
                user_id=0,
                content=content,
                checksum=checksum,
            )
    for expert, name, value, comment in (
        (EXPERT_A, HEFEI, "优秀", "甲评合肥"),
        (EXPERT_A, ORG, "合格", "甲评组织"),
        (EXPERT_B, HEFEI, "合格", "乙评合肥"),
        (EXPERT_B, WUHU, "整改", "乙评芜湖"),
        (EXPERT_B, SCHOOL, "合格", "乙评工商"),
    ):
        # A training organization is graded per certificate (issue 17); an institution as a whole.
        cert = 1 if name == ORG else None
        await grade(
            db,
            expert=expert,
            institution_id=inst[name],
            value=value,
            comment=comment,
            at="t",
            update_id=None,
            certificate_id=cert,
        )
    await draw_sample(db, seed="secret-seed", actor="tg:1", at="t", fraction=0.5)
    return ids


async def _export(harness: Harness, tmp_path: Path, **kw: object) -> Exported:
    return await export(
        harness.deps.db,
        harness.deps.outlines,
        year=2020,
        evidence_root=harness.settings.evidence_dir,
        out=tmp_path / "out" / "汇总.xlsx",
        docx_dir=tmp_path / "docx",
        **kw,  # type: ignore[arg-type]
    )


def _compared_certificates(path: Path) -> set[str]:
    """The certificates of the 交叉核对 rows that compare figures (the note and draft rows below them aside)."""
    ws = load_workbook(path)["交叉核对"]
    rows = list(ws.iter_rows(min_row=ws[ws.freeze_panes].row, values_only=True))
    return {str(r[0]) for r in rows if r[6] in ("一致", "不一致")}


def _column(path: Path, sheet: str, col: int) -> set[str]:
    """The values of one column in a sheet's data rows: below its frozen header, without the 合计 row."""
    ws = load_workbook(path)[sheet]
    first = ws[ws.freeze_panes].row if ws.freeze_panes else 2
    rows = [
        r for r in range(first, ws.max_row + 1) if "合计" not in {ws.cell(row=r, column=c).value for c in (1, 2, 3)}
    ]
    return {str(ws.cell(row=r, column=col).value) for r in rows if ws.cell(row=r, column=col).value}


def _manifest_units(bundle: Path) -> set[str]:
    with zipfile.ZipFile(bundle) as zf:
        rows = list(csv.DictReader(io.StringIO(zf.read("manifest.csv").decode("utf-8-sig"))))
        names = set(zf.namelist()) - {"manifest.csv"}
    assert {r["path"] for r in rows} == names
    return {r["path"].split("/")[0] for r in rows}


def _all_text(path: Path) -> str:
    wb = load_workbook(path)
    return "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)


async def _city_schools(harness: Harness, city: str) -> set[str]:
    return {i.name for i in await roster.institutions(harness.deps.db.read) if i.kind == "中职" and i.city == city}


async def test_office_gets_everything(harness: Harness, tmp_path: Path) -> None:
    await _province(harness)
    result = await _export(harness, tmp_path, audience=Audience.office())
    wb = load_workbook(result.workbook)
    assert set(wb.sheetnames) == {
        "汇总", "培训评价组织汇总", f"024 {SCHOOL}", f"088 {HEFEI}", f"093 {WUHU}", f"{ORG} {CERT}"[:31],
        "交叉核对", "佐证材料", "抽查样本", "专家评定", "分市汇总", "图表",
    }  # fmt: skip
    schools = {i.name for i in await roster.institutions(harness.deps.db.read) if i.kind != "培训评价组织"}
    assert len(schools) == 189 and _column(result.workbook, "汇总", 3) == schools
    assert _column(result.workbook, "专家评定", 4) == {"甲评合肥", "甲评组织", "乙评合肥", "乙评芜湖", "乙评工商"}
    assert "secret-seed" in str(wb["抽查样本"].cell(row=3, column=1).value)  # below the two title rows
    assert _compared_certificates(result.workbook) == {CERT}


async def test_city_package_holds_its_own_schools_and_no_sampling_or_grades_elsewhere(
    harness: Harness, tmp_path: Path
) -> None:
    await _province(harness)
    result = await _export(harness, tmp_path, city="合肥")  # what a city bureau's export button asks for
    wb = load_workbook(result.workbook)
    assert set(wb.sheetnames) == {"汇总", "分市汇总", "图表", f"088 {HEFEI}", "佐证材料", "专家评定"}
    assert _column(result.workbook, "汇总", 3) == await _city_schools(harness, "合肥")
    assert _column(result.workbook, "佐证材料", 2) == {HEFEI}
    assert _column(result.workbook, "专家评定", 1) == {HEFEI}
    assert _column(result.workbook, "专家评定", 4) == {"甲评合肥", "乙评合肥"}
    text = _all_text(result.workbook)
    for secret in ("secret-seed", "乙评芜湖", "乙评工商", "甲评组织", WUHU, SCHOOL, ORG):
        assert secret not in text, secret
    assert result.bundle is not None and _manifest_units(result.bundle) == {f"088_{HEFEI}"}
    assert [p.name for p in result.documents] == [p.name for p in result.documents if HEFEI in p.name]
    assert len(result.documents) == 1


async def test_coordinator_download_holds_its_own_report_only(harness: Harness, tmp_path: Path) -> None:
    ids = await _province(harness)
    result = await _export(harness, tmp_path, report_id=ids[SCHOOL], with_bundle=False)  # the menu's download
    wb = load_workbook(result.workbook)
    assert set(wb.sheetnames) == {"汇总", f"024 {SCHOOL}", "佐证材料"}
    assert _column(result.workbook, "汇总", 3) == {SCHOOL}
    assert _column(result.workbook, "佐证材料", 2) == {SCHOOL}
    text = _all_text(result.workbook)
    for secret in ("secret-seed", "乙评工商", "甲评合肥", HEFEI, WUHU, ORG, "乙专家"):
        assert secret not in text, secret
    assert len(result.documents) == 1 and SCHOOL in result.documents[0].name


async def test_expert_export_holds_the_assigned_institutions_and_their_own_grades(
    harness: Harness, tmp_path: Path
) -> None:
    await _province(harness)
    assigned = frozenset(await oversight.assigned_to(harness.deps.db.read, EXPERT_A))
    result = await _export(harness, tmp_path, audience=Audience.expert(EXPERT_A, assigned))
    wb = load_workbook(result.workbook)
    assert set(wb.sheetnames) == {
        "汇总", "培训评价组织汇总", f"088 {HEFEI}", f"{ORG} {CERT}"[:31], "交叉核对", "佐证材料", "专家评定",
    }  # fmt: skip
    assert _column(result.workbook, "汇总", 3) == {HEFEI}
    assert _column(result.workbook, "培训评价组织汇总", 1) == {ORG}
    assert _column(result.workbook, "专家评定", 4) == {"甲评合肥", "甲评组织"}
    assert _compared_certificates(result.workbook) == {CERT}  # the assigned organization's certificate
    text = _all_text(result.workbook)
    for secret in ("secret-seed", "乙评合肥", "乙评芜湖", WUHU, SCHOOL):
        assert secret not in text, secret
    assert result.bundle is not None and _manifest_units(result.bundle) == {f"088_{HEFEI}", f"{ORG}_{CERT}"}


async def test_expert_of_schools_only_sees_no_cross_checks(harness: Harness, tmp_path: Path) -> None:
    await _province(harness)
    assigned = frozenset(await oversight.assigned_to(harness.deps.db.read, EXPERT_B))
    result = await _export(harness, tmp_path, audience=Audience.expert(EXPERT_B, assigned), with_bundle=False)
    wb = load_workbook(result.workbook)
    assert set(wb.sheetnames) == {"汇总", f"024 {SCHOOL}", f"088 {HEFEI}", f"093 {WUHU}", "佐证材料", "专家评定"}
    assert _column(result.workbook, "专家评定", 2) == {"乙专家"}
