"""The Word self-report opened with python-docx: page, fonts, order of the outline, captioned tables with
合计 rows, the evidence list, the title and seal blocks; the office's own template; versions."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocType
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from bot.domain.outlines.models import Numbers
from bot.domain.reports.lifecycle import return_for_revision
from bot.export import template
from storage import reports
from storage.models import Person
from tests.support.helpers import Harness
from tests.support.reportsetup import CAMPAIGN, ORG, SCHOOL, SUBMITTED_LOCAL, exported, province

NUMERALS = "一二三四五六七八九十"


def _blocks(doc: DocType) -> list[tuple[str, Any]]:
    """The body in order: (style name, text) for paragraphs, ("table", rows of cell texts) for tables."""
    out: list[tuple[str, Any]] = []
    for el in doc.element.body:
        if el.tag == qn("w:p"):
            p = Paragraph(el, doc)
            out.append((p.style.name if p.style is not None else "", p.text))
        elif el.tag == qn("w:tbl"):
            out.append(("table", [[c.text for c in row.cells] for row in Table(el, doc).rows]))
    return out


def _pct(n: int, d: int) -> str:
    return f"{n * 100 / d:.2f}%"


async def _doc(harness: Harness, tmp_path: Path, name: str, **kw: Any) -> DocType:
    result = await exported(harness, tmp_path, **kw)
    path = next(p for p in result.documents if name in p.name and "修改稿" not in p.name)
    return Document(str(path))


async def test_page_fonts_header_footer_and_language(harness: Harness, tmp_path: Path) -> None:
    await province(harness)
    doc = await _doc(harness, tmp_path, "024")
    section = doc.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    assert section.orientation == 0  # portrait

    def east_asia(style: str) -> tuple[str | None, Any]:
        rpr = doc.styles[style].element.rPr
        return rpr.rFonts.get(qn("w:eastAsia")), doc.styles[style].font.size

    assert east_asia("Normal") == ("仿宋_GB2312", Pt(16))  # 三号
    assert east_asia("报告标题") == ("方正小标宋简体", Pt(22))  # 二号
    assert east_asia("Heading 1") == ("黑体", Pt(16))
    assert east_asia("表格文字") == ("仿宋_GB2312", Pt(14))  # 四号
    lang = doc.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert (lang.get(qn("w:val")), lang.get(qn("w:eastAsia"))) == ("zh-CN", "zh-CN")
    with zipfile.ZipFile(next(iter((tmp_path / "docx").glob("024*.docx")))) as zf:
        fonts = zf.read("word/fontTable.xml").decode()
        footer = "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("word/footer"))
    for name, alt in template.FALLBACKS.items():
        assert f'<w:font w:name="{name}"><w:altName w:val="{alt}"/>' in fonts
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer
    assert [p.text for p in section.header.paragraphs] == [f"{CAMPAIGN}　自查报告"]


async def test_school_report_follows_the_outline_with_tables_under_their_points(
    harness: Harness, tmp_path: Path
) -> None:
    ids = await province(harness)
    answers = await reports.answers(harness.deps.db.read, ids[SCHOOL])
    doc = await _doc(harness, tmp_path, "024")
    laid = harness.deps.outlines.get("institution")
    blocks = _blocks(doc)
    # Title block first, closing (seal) block last.
    assert [text for _, text in blocks[:6]] == [
        f"{SCHOOL} “1+X”证书制度试点工作自检自查报告（2020 年度）",
        f"单位名称：{SCHOOL}",
        "单位类型：高职",
        "所在地市：合肥市",  # the shipped roster knows the school's city
        f"自查工作：{CAMPAIGN}",
        f"报告版本：第 1 版（{SUBMITTED_LOCAL} 提交）",
    ]
    assert [text for _, text in blocks[-5:]] == [
        "单位（盖章）：",
        "负责人（签字）：________________",
        "联系人：王老师",
        "联系电话：________________",
        "日期：2020年12月14日",
    ]
    headings = [text for style, text in blocks if style == "Heading 1"]
    assert headings == [f"{NUMERALS[s.no - 1]}、{s.title}" for s in laid.sections] + ["佐证材料清单"]
    # Each section: its points in order, each followed by its answer and (numbers) its captioned table; then
    # the section's two narratives.
    captions = 0
    for section in laid.sections:
        start = blocks.index(("Heading 1", f"{NUMERALS[section.no - 1]}、{section.title}"))
        end = next(i for i in range(start + 1, len(blocks)) if blocks[i][0] == "Heading 1")
        shape: list[str] = []
        expected: list[str] = []
        for style, text in blocks[start + 1 : end]:
            shape.append("table" if style == "table" else f"{style}:{text}" if style != "Normal" else "answer")
        for item in laid.section_items(section.no):
            if item.point is None:
                continue
            p = item.point
            expected += [f"监测点:{'★' if p.core else ''}{p.no}. {p.text}", "answer"]
            if isinstance(p.answer, Numbers):
                captions += 1
                expected += [f"题注:表{captions}　监测点{p.no} {p.text.rstrip('？?。 ')}", "table"]
        narratives = [i.narrative.label for i in laid.section_items(section.no) if i.narrative is not None]
        assert set(narratives) <= {"主要做法与成效", "存在问题与改进措施"} and narratives
        for n, label in enumerate(narratives):
            expected += [f"Heading 2:（{NUMERALS[n]}）{label}", "answer"]
        assert shape == expected, section.title
    # Point 1's table: per certificate, then 合计 with the summed counts beside the rate.
    c1, c2 = answers["p1"]["rows"]["c1"]["registered"], answers["p1"]["rows"]["c2"]["registered"]
    at = blocks.index(("题注", "表1　监测点1 院校年度总报考率（总报考率=已报名人数/年度试点总规模数）"))
    assert blocks[at + 1] == (
        "table",
        [
            ["证书", "试点规模", "已报名人数", "报考率"],
            ["Web前端开发", "150", str(c1), _pct(c1, 150)],
            ["物流管理", "80", str(c2), _pct(c2, 80)],
            ["合计", "230", str(c1 + c2), _pct(c1 + c2, 230)],
        ],
    )
    assert blocks[at - 1] == (
        "Normal",
        f"填报内容：合计：试点规模 230、已报名人数 {c1 + c2}；报考率 {_pct(c1 + c2, 230)}",
    )
    # The evidence list in point order, with the names as uploaded.
    evidence = blocks[headings and blocks.index(("Heading 1", "佐证材料清单")) + 1]
    with_files = [i for i in laid.items if i.point is not None and i.point.evidence]
    assert evidence[0] == "table"
    assert [row[:3] for row in evidence[1]] == [["序号", "监测点", "文件名（上传时名称）"]] + [
        [str(n), f"监测点{i.point.no}", f"{i.key}.pdf"] for n, i in enumerate(with_files, 1) if i.point
    ]


async def test_organization_report_tells_the_three_level_tables_apart(harness: Harness, tmp_path: Path) -> None:
    ids = await province(harness)
    answers = await reports.answers(harness.deps.db.read, ids[ORG])
    doc = await _doc(harness, tmp_path, ORG[:6])
    blocks = _blocks(doc)
    captions = [text for style, text in blocks if style == "题注"]
    laid = harness.deps.outlines.get("training_org")
    numbered = [i.point for i in laid.items if i.point is not None and isinstance(i.point.answer, Numbers)]
    assert captions == [f"表{n}　监测点{p.no} {p.text.rstrip('？?。 ')}" for n, p in enumerate(numbered, 1)]
    level = [c for c in captions if "级证书考核与发放情况" in c]
    assert [c.split(" ", 1)[1] for c in level] == [
        "安徽省初级证书考核与发放情况",
        "安徽省中级证书考核与发放情况",
        "安徽省高级证书考核与发放情况",
    ]
    for caption, key in zip(level, ("p10", "p11", "p12"), strict=True):
        table = blocks[blocks.index(("题注", caption)) + 1]
        got = answers[key]["rows"]["_"]
        assessed, passed, issued = (got[f"l{key[1:]}_{f}"] for f in ("assessed", "passed", "issued"))
        assert table == (
            "table",
            [
                ["已考核人数", "成绩合格人数", "已发证人数", "发证率"],
                [str(assessed), str(passed), str(issued), _pct(issued, passed)],
            ],
        )


async def test_the_office_edits_the_template_without_code(harness: Harness, tmp_path: Path) -> None:
    await province(harness)
    own = harness.settings.data_dir / "templates" / "self_report.docx"
    own.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(template.SHIPPED, own)
    edited = Document(str(own))
    edited.sections[0].header.paragraphs[0].text = "安徽省教育厅 · {{单位}}"
    seal = next(p for p in edited.paragraphs if p.text == "单位（盖章）：")
    seal.text = "学校（公章）："
    edited.styles["Normal"].element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    edited.save(str(own))
    doc = await _doc(harness, tmp_path, "024", data_dir=harness.settings.data_dir)
    assert [p.text for p in doc.sections[0].header.paragraphs] == [f"安徽省教育厅 · {SCHOOL}"]
    texts = [p.text for p in doc.paragraphs]
    assert "学校（公章）：" in texts and "单位（盖章）：" not in texts
    assert doc.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    assert not any("{{" in t for t in texts)


async def test_a_returned_report_exports_its_last_submission_and_the_marked_draft(
    harness: Harness, tmp_path: Path
) -> None:
    ids = await province(harness)
    db = harness.deps.db
    submitted = await reports.answers(db.read, ids[SCHOOL])
    office = Person(1, "办公室", "office", None, None, 1)
    await return_for_revision(
        db, office, ids[SCHOOL], {"p1": "请核对报名人数"}, at="2020-12-14T09:00:00+00:00", update_id=None
    )
    async with db.transaction() as conn:
        await reports.put_answer(
            conn,
            report_id=ids[SCHOOL],
            item="p1",
            value={"rows": {"c1": {"registered": 11}, "c2": {"registered": 7}}, "confirmed": True},
            user_id=600,
            at="2020-12-14T09:30:00+00:00",
        )
    result = await exported(harness, tmp_path)
    names = sorted(p.name for p in result.documents if p.name.startswith("024"))
    assert names == ["024_安徽工商职业学院_修改稿_自查报告.docx", "024_安徽工商职业学院_自查报告.docx"]
    c1, c2 = submitted["p1"]["rows"]["c1"]["registered"], submitted["p1"]["rows"]["c2"]["registered"]
    main = _blocks(Document(str(tmp_path / "docx" / names[1])))
    draft = _blocks(Document(str(tmp_path / "docx" / names[0])))
    assert ("标题信息", f"报告版本：第 1 版（{SUBMITTED_LOCAL} 提交）") in main
    first_table = next(b for b in main if b[0] == "table")
    assert first_table[1][-1] == ["合计", "230", str(c1 + c2), _pct(c1 + c2, 230)]
    assert ("题注", "【修改中草稿，未提交，仅供参考】") in draft
    assert ("标题信息", "报告版本：【修改中草稿，未提交，仅供参考】") in draft
    assert next(b for b in draft if b[0] == "table")[1][-1] == ["合计", "230", "18", _pct(18, 230)]
    # The workbook: the submitted figures in 汇总 and the report's sheet, the draft on its own marked sheet.
    from openpyxl import load_workbook

    wb = load_workbook(result.workbook)
    assert "024 安徽工商职业学院" in wb.sheetnames and "024 安徽工商职业学院（修改稿）" in wb.sheetnames
    summary = wb["汇总"]
    head = [c.value for c in summary[4]]
    row = {h: c.value for h, c in zip(head, summary[28], strict=True)}
    assert (row["名称"], row["状态"], row["版本"], row["已报名人数合计"]) == (SCHOOL, "已退回", 1, c1 + c2)
    assert wb["024 安徽工商职业学院（修改稿）"]["A3"].value == "状态：已退回　【修改中草稿，未提交，仅供参考】"
    assert wb["024 安徽工商职业学院"]["A3"].value == f"状态：已退回　第 1 版（{SUBMITTED_LOCAL} 提交）"
