"""Exports read back with openpyxl, zipfile and python-docx and compared with what was answered."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from bot.domain.reports.evidence import blob_path
from bot.domain.reports.lifecycle import canonical, snapshot
from bot.export.cells import sheet_name
from bot.export.run import export
from storage import evidence as evidence_store
from storage import reports, versions
from tests.support.helpers import Harness

SCHOOL = "安徽工商职业学院"
ORG = "腾讯云计算（北京）有限责任公司"
HOSTILE = '=HYPERLINK("http://x","点我")'


async def _province(harness: Harness) -> tuple[int, int]:
    await harness.certify(
        {"Web前端开发": (ORG, SCHOOL), "物流管理": ("中物联", "合肥学院")},
        {SCHOOL: [("Web前端开发", 150), ("物流管理", 80)], "合肥学院": [("Web前端开发", 40)]},
    )
    db = harness.deps.db
    async with db.transaction() as conn:
        school = await reports.ensure(conn, institution_id=24, certificate_id=None, outline="institution", at="t")
        org_id = (await conn.execute_fetchall("SELECT id FROM institutions WHERE name = ?", (ORG,)))[0][0]
        org = await reports.ensure(conn, institution_id=org_id, certificate_id=1, outline="training_org", at="t")
    await harness.fill(school.id)
    await harness.fill(org.id)
    async with db.transaction() as conn:
        await reports.put_answer(
            conn, report_id=school.id, item="s1.practice", value={"text": HOSTILE}, user_id=0, at="t"
        )
        await reports.put_answer(
            conn, report_id=school.id, item="s1.problems", value={"text": "-5 与 @SUM"}, user_id=0, at="t"
        )
        for rid in (school.id, org.id):
            await versions.set_status(
                conn, rid, status="submitted", at="2020-12-10T08:00:00+00:00", expect=("draft",), bump=True
            )
            report = await reports.get(conn, rid)
            assert report is not None
            content, checksum = canonical(await snapshot(conn, report))
            await versions.add_version(
                conn, report_id=rid, version=1, at="2020-12-10T08:00:00+00:00", user_id=0, content=content,
                checksum=checksum,
            )  # fmt: skip
    return school.id, org.id


async def _export(harness: Harness, tmp_path: Path, **kw: object) -> object:
    return await export(
        harness.deps.db,
        harness.deps.outlines,
        year=2020,
        evidence_root=harness.settings.evidence_dir,
        out=tmp_path / "out" / "汇总.xlsx",
        docx_dir=tmp_path / "docx",
        **kw,  # type: ignore[arg-type]
    )


async def test_workbook_cell_by_cell(harness: Harness, tmp_path: Path) -> None:
    school_id, _org_id = await _province(harness)
    answers = await reports.answers(harness.deps.db.read, school_id)
    result = await _export(harness, tmp_path)
    wb = load_workbook(result.workbook)  # type: ignore[attr-defined]
    assert wb.sheetnames[0] == "汇总" and len(set(n.lower() for n in wb.sheetnames)) == len(wb.sheetnames)
    assert all(len(n) <= 31 for n in wb.sheetnames)
    summary = wb["汇总"]
    assert (
        summary.freeze_panes == "D5"
        and summary.auto_filter.ref == f"A4:{summary.cell(4, summary.max_column).column_letter}193"
    )
    head = [c.value for c in summary[4]]
    assert head[:14] == [
        "序号", "类型", "名称", "所在市", "状态", "提交时间", "版本",
        "试点规模合计", "已报名人数合计", "总报考率", "已完成考核人数合计", "考核率", "成绩合格人数合计", "合格率",
    ]  # fmt: skip
    assert [summary.cell(row=r, column=1).value for r in range(5, 194)] == list(range(1, 190))
    row = {h: c for h, c in zip(head, summary[28], strict=True)}  # 附件3 No. 24
    assert row["名称"].value == SCHOOL and row["状态"].value == "已提交" and row["版本"].value == 1
    registered = sum(v["registered"] for v in answers["p1"]["rows"].values())
    assert row["总报考率"].value == pytest.approx(registered / (150 + 80)) and row["总报考率"].number_format == "0.00%"
    assert row["★4"].value == "是" and row["★24"].value == "否"
    assert row["佐证材料数"].value == len(await evidence_store.of_report(harness.deps.db.read, school_id))
    sheet = wb["024 安徽工商职业学院"]
    assert [c.value for c in sheet[4]][:4] == ["指标", "监测点", "填报内容", "佐证材料"]
    cells: dict[object, int] = {}
    for r in range(5, sheet.max_row + 1):
        cells.setdefault(sheet.cell(row=r, column=2).value, r)  # first occurrence: section 1's narratives
    r4 = cells["★4.是否建立由学校主要负责同志、分管领导、二级院系、相关行政管理部门共同组成的X证书试点工作领导小组？"]
    assert sheet.cell(row=r4, column=3).value == "是" and sheet.cell(row=r4, column=4).value == "p4.pdf"
    # The per-certificate table under point 1: numbers as numbers, the rate as a percentage.
    r1 = cells["★1.院校年度总报考率（总报考率=已报名人数/年度试点总规模数）"]
    assert [sheet.cell(row=r1 + 1, column=c).value for c in range(2, 6)] == ["证书", "试点规模", "已报名人数", "报考率"]
    web = [sheet.cell(row=r1 + 2, column=c) for c in range(2, 6)]
    assert [c.value for c in web[:3]] == ["Web前端开发", 150, answers["p1"]["rows"]["c1"]["registered"]]
    assert (
        web[3].value == pytest.approx(answers["p1"]["rows"]["c1"]["registered"] / 150)
        and web[3].number_format == "0.00%"
    )
    assert sheet.cell(row=r1 + 4, column=2).value == "合计"
    # Text that looks like a formula stays text, forever.
    hostile = next(c for row_ in sheet.iter_rows() for c in row_ if c.value == HOSTILE)
    assert hostile.data_type == "s" and hostile.quotePrefix
    minus = next(c for row_ in sheet.iter_rows() for c in row_ if c.value == "-5 与 @SUM")
    assert minus.data_type == "s" and minus.quotePrefix
    narrative = cells["主要做法与成效"]
    assert sheet.cell(row=narrative, column=3).value == HOSTILE
    assert any(name.startswith("培训评价组织") for name in wb.sheetnames)
    org_sheet = next(wb[n] for n in wb.sheetnames if ORG[:6] in n)
    assert org_sheet.cell(row=1, column=1).value.startswith(f"{ORG} · Web前端开发")
    evidence = wb["佐证材料"]
    stored = await evidence_store.all_current(harness.deps.db.read)
    assert evidence.max_row - 3 == len(stored)
    assert {evidence.cell(row=r, column=6).value for r in range(4, evidence.max_row + 1)} == {e.sha256 for e in stored}
    cross = wb["交叉核对"]
    assert [c.value for c in cross[3]] == [
        "证书",
        "比较项",
        "院校填报合计",
        "填报院校数",
        "培训评价组织填报",
        "差额",
        "是否一致",
    ]
    assert cross.cell(row=4, column=1).value == "Web前端开发"


async def test_bundle_and_manifest(harness: Harness, tmp_path: Path) -> None:
    await _province(harness)
    result = await _export(harness, tmp_path)
    wb = load_workbook(result.workbook)  # type: ignore[attr-defined]
    evidence = wb["佐证材料"]
    with zipfile.ZipFile(result.bundle) as zf:  # type: ignore[attr-defined]
        names = zf.namelist()
        assert "manifest.csv" in names and all(".." not in n and not n.startswith("/") for n in names)
        manifest = list(csv.DictReader(io.StringIO(zf.read("manifest.csv").decode("utf-8-sig"))))
        assert len(manifest) == len(names) - 1 == result.files > 0  # type: ignore[attr-defined]
        for entry in manifest:
            row = int(entry["row"])
            assert evidence.cell(row=row, column=7).value == entry["path"]
            assert evidence.cell(row=row, column=6).value == entry["sha256"]
            assert zf.read(entry["path"]) == blob_path(harness.settings.evidence_dir, entry["sha256"]).read_bytes()
        first = manifest[0]["path"].split("/")
        assert first[0] == "024_安徽工商职业学院" and first[1].startswith("01_") and first[2] == "监测点 1"


async def test_word_self_report_follows_the_outline(harness: Harness, tmp_path: Path) -> None:
    school_id, _ = await _province(harness)
    result = await _export(harness, tmp_path)
    path = next(p for p in result.documents if "024" in p.name)  # type: ignore[attr-defined]
    doc = Document(str(path))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0].startswith(SCHOOL) and "2020 年度" in paragraphs[0]
    for heading in (
        "一、2020 年度证书考核完成情况",
        "十、试点过程中的不当行为与违纪违规行为",
        "（一）主要做法与成效",
        "佐证材料清单",
    ):
        assert heading in paragraphs, heading
    assert HOSTILE in paragraphs
    assert any("盖章" in p for p in paragraphs)
    table_text = [cell.text for t in doc.tables for row in t.rows for cell in row.cells]
    assert (
        "★4. 是否建立由学校主要负责同志、分管领导、二级院系、相关行政管理部门共同组成的X证书试点工作领导小组？"
        in paragraphs
    )
    assert "p4.pdf" in table_text and "Web前端开发" in table_text
    files = await evidence_store.of_report(harness.deps.db.read, school_id)
    assert sum(1 for t in table_text if t.endswith(".pdf")) >= len(files)


async def test_city_package_holds_only_its_zhongzhi(harness: Harness, tmp_path: Path) -> None:
    result = await _export(harness, tmp_path, city="合肥")
    wb = load_workbook(result.workbook)  # type: ignore[attr-defined]
    rows = list(wb["汇总"].iter_rows(min_row=5, values_only=True))[:-1]  # the last one is 合计
    assert rows and all(r[1] == "中职" and r[3] == "合肥" for r in rows)


def test_sheet_names_are_valid_and_unique() -> None:
    used: set[str] = set()
    long = "某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某"
    a, b = sheet_name(long, used), sheet_name(long, used)
    assert len(a) == len(b) == 31 and a != b
    assert sheet_name("a/b:c*d?[e]", used) == "a_b_c_d__e_"
    assert sheet_name("汇总", used) != sheet_name("汇总", used)


async def test_office_exports_in_chat_off_the_handler(harness: Harness) -> None:
    await _province(harness)
    office = harness.chat(1)
    progress = await office.say("/export")
    assert "正在生成" in progress.text
    await harness.standin.wait_for(lambda: "导出完成" in office.last.text)
    sent = [e.document[0] for e in office.seen if e.document]
    assert "自查汇总.xlsx" in sent and "自查汇总.zip" in sent
    await harness.bind(600, "coordinator", SCHOOL)
    assert "没有权限" in (await harness.chat(600).say("/export")).text


async def test_coordinator_downloads_own_report(harness: Harness) -> None:
    await _province(harness)
    await harness.bind(600, "coordinator", SCHOOL)
    chat = harness.chat(600)
    menu = await chat.say("/menu")
    n = len(chat.seen)
    harness.standin.press(600, menu, menu.button("下载我的报告"))
    await harness.standin.wait_for(lambda: any(e.document for e in chat.seen[n:]))
    sent = [e.document[0] for e in chat.seen[n:] if e.document]
    # The Word self-report alone, with a caption that says what to do with it: no workbook, no counts.
    assert len(sent) == 1 and sent[0].endswith("_自查报告.docx")
    assert "导出完成" not in " ".join(e.text for e in chat.seen[n:])
    docx_bytes = next(e.document[1] for e in chat.seen[n:] if e.document and e.document[0].endswith(".docx"))
    assert SCHOOL in Document(io.BytesIO(docx_bytes)).paragraphs[0].text
