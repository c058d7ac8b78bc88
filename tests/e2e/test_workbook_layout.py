"""The office workbook read back with openpyxl: title rows and print setup on every sheet, the ★ legend,
合计 rows with summed counts, 分市汇总, the native charts of 图表, local times."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.domain.people.roster import ANHUI_CITIES
from storage import reports, roster
from tests.support.helpers import Harness
from tests.support.reportsetup import CAMPAIGN, SCHOOL, SECOND, SUBMITTED_LOCAL, exported, meta, province

SUBTITLE = "制表单位：安徽省1+X证书制度试点工作协调推进办公室　　制表日期：2020年12月14日"


async def test_every_sheet_has_title_rows_and_prints_landscape_fit_to_width(harness: Harness, tmp_path: Path) -> None:
    await province(harness)
    wb = load_workbook((await exported(harness, tmp_path)).workbook)
    assert wb.sheetnames[:4] == ["汇总", "培训评价组织汇总", "分市汇总", "图表"]
    for ws in wb.worksheets:
        title = str(ws["A1"].value)
        assert title.startswith(CAMPAIGN) or "自检自查报告" in title, ws.title
        assert ws["A2"].value == SUBTITLE, ws.title
        assert ws.merged_cells.ranges and any(str(r).startswith("A1:") for r in ws.merged_cells.ranges), ws.title
        setup = ws.page_setup
        assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.oddFooter.center.text == "第 &P 页，共 &N 页", ws.title
        header_row = {"汇总": 4, "培训评价组织汇总": 4, "图表": 2}.get(ws.title, 4 if "自检自查报告" in title else 3)
        assert ws.print_title_rows == f"$1:${header_row}", ws.title
    assert str(wb["汇总"]["A3"].value).startswith("说明：带 ★ 的为核心监测点；“★N”列为第 N 个核心监测点的填报内容")


async def test_summary_rows_carry_counts_beside_rates_and_a_total_row(harness: Harness, tmp_path: Path) -> None:
    ids = await province(harness)
    db = harness.deps.db
    sums = {"scale": 0, "registered": 0, "assessed": 0, "passed": 0}
    for name in (SCHOOL, SECOND):
        answers = await reports.answers(db.read, ids[name])
        for key, field in (("p1", "registered"), ("p2", "assessed"), ("p3", "passed")):
            sums[field] += sum(r[field] for r in answers[key]["rows"].values())
    sums["scale"] = 150 + 80 + 40
    wb = load_workbook((await exported(harness, tmp_path)).workbook)
    ws = wb["汇总"]
    head = [c.value for c in ws[4]]
    assert head[7:14] == [
        "试点规模合计", "已报名人数合计", "总报考率", "已完成考核人数合计", "考核率", "成绩合格人数合计", "合格率",
    ]  # fmt: skip
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    assert len(rows) == 189 + 1
    total = dict(zip(head, rows[-1], strict=True))
    assert total["名称"] == "合计"
    assert [total[h] for h in head[7:14]] == [
        sums["scale"],
        sums["registered"],
        pytest.approx(sums["registered"] / sums["scale"]),
        sums["assessed"],
        pytest.approx(sums["assessed"] / sums["registered"]),
        sums["passed"],
        pytest.approx(sums["passed"] / sums["assessed"]),
    ]
    school = dict(zip(head, rows[23], strict=True))  # 附件3 No. 24
    assert (school["名称"], school["提交时间"], school["版本"]) == (SCHOOL, SUBMITTED_LOCAL, 1)
    assert ws.cell(row=5 + 23, column=head.index("总报考率") + 1).number_format == "0.00%"


async def test_city_summary_per_city_and_kind(harness: Harness, tmp_path: Path) -> None:
    await province(harness)
    institutions = [i for i in await roster.institutions(harness.deps.db.read) if i.kind != "培训评价组织"]
    wb = load_workbook((await exported(harness, tmp_path)).workbook)
    ws = wb["分市汇总"]
    assert [c.value for c in ws[3]] == [
        "地市", "类型", "单位数", "已提交", "已退回", "逾期未交", "提交率", "总报考率", "考核率", "合格率",
    ]  # fmt: skip
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    expected_groups = sorted({(i.city or "未填地市", i.kind) for i in institutions})
    order = [*ANHUI_CITIES, "未填地市"]  # the province's official order of its cities
    assert [(r[0], r[1]) for r in rows[:-1]] == sorted(
        expected_groups, key=lambda g: (order.index(g[0]), ("本科", "高职", "中职").index(g[1]))
    )
    for city, kind, n, *_ in rows[:-1]:
        assert n == sum(1 for i in institutions if (i.city or "未填地市", i.kind) == (city, kind))
    total = rows[-1]
    assert total[:6] == ("合计", None, 189, 2, 0, 0) and total[6] == pytest.approx(2 / 189)
    hefei = next(r for r in rows if r[:2] == ("合肥", "本科"))
    assert hefei[3] == 1  # 合肥学院 submitted


async def test_chart_sheet_has_native_charts(harness: Harness, tmp_path: Path) -> None:
    await province(harness)
    wb = load_workbook((await exported(harness, tmp_path)).workbook)
    ws = wb["图表"]
    charts = ws._charts
    assert [type(c).__name__ for c in charts] == ["BarChart", "BarChart", "BarChart"]
    daily, city, rates = charts
    assert [type(c).__name__ for c in daily._charts] == ["BarChart", "LineChart"]  # per day, and cumulative
    assert (city.grouping, city.overlap) == ("stacked", 100) and len(city.series) == 5  # one per status
    assert len(rates.series) == 3  # 报考率, 考核率, 合格率
    assert [c.value for c in ws[3]][:4] == ["日期", "当日提交", "累计提交", "截止日期"]
    days = [r for r in ws.iter_rows(min_row=4, max_col=4, values_only=True) if r[0]]
    # 189 schools and the two certificates' organization reports are owed by the deadline.
    assert ("2020年12月14日", 3, 3, None) in days and days[-1] == ("2020年12月15日", 0, 3, 191)
    kinds = [r[13:17] for r in ws.iter_rows(min_row=4, max_row=8, values_only=True) if r[13]]
    assert [k[0] for k in kinds] == ["本科", "高职", "中职", "培训评价组织"]


async def test_report_sheet_tables_end_with_summed_totals(harness: Harness, tmp_path: Path) -> None:
    ids = await province(harness)
    answers = await reports.answers(harness.deps.db.read, ids[SCHOOL])
    wb = load_workbook((await exported(harness, tmp_path)).workbook)
    ws = wb["024 安徽工商职业学院"]
    assert ws["A3"].value == f"状态：已提交　第 1 版（{SUBMITTED_LOCAL} 提交）"
    rows = [[c.value for c in row[1:6]] for row in ws.iter_rows(min_row=5, max_col=6)]
    tables = {}
    for key, field in (("p1", "registered"), ("p2", "assessed"), ("p3", "passed")):
        at = rows.index(
            ["证书", "试点规模", "已报名人数", "报考率", None] if key == "p1" else ["证书", *_head(key), None, None]
        )
        tables[key] = rows[at : at + 4]
        got = [answers[key]["rows"][c][field] for c in ("c1", "c2")]
        assert tables[key][1][0] == "Web前端开发" and tables[key][2][0] == "物流管理"
        assert tables[key][3][0] == "合计"
        counts = [v for v in tables[key][3][1:] if isinstance(v, int)]
        assert counts == ([230, sum(got)] if key == "p1" else [sum(got)])
    registered = sum(answers["p1"]["rows"][c]["registered"] for c in ("c1", "c2"))
    assessed = sum(answers["p2"]["rows"][c]["assessed"] for c in ("c1", "c2"))
    assert tables["p1"][3] == ["合计", 230, registered, pytest.approx(registered / 230), None]
    assert tables["p2"][3] == ["合计", assessed, pytest.approx(assessed / registered), None, None]


def _head(key: str) -> list[str]:
    return {"p2": ["已完成考核人数", "考核率"], "p3": ["成绩合格人数", "合格率"]}[key]


async def test_after_the_deadline_the_unsubmitted_are_overdue(harness: Harness, tmp_path: Path) -> None:
    await province(harness)
    late = replace(meta(), made_at=datetime(2020, 12, 16, 2, 0, tzinfo=UTC))  # 12月16日 10:00, past 12月15日
    wb = load_workbook((await exported(harness, tmp_path, meta=late)).workbook)
    rows = list(wb["分市汇总"].iter_rows(min_row=4, values_only=True))
    assert rows[-1][:6] == ("合计", None, 189, 2, 0, 187)
    assert wb["分市汇总"]["A2"].value.endswith("制表日期：2020年12月16日")
    orgs = wb["培训评价组织汇总"]
    head = [c.value for c in orgs[4]]
    last = dict(zip(head, [c.value for c in orgs[orgs.max_row]], strict=True))
    assert last["培训评价组织"] == "合计" and isinstance(last["报考率"], float)
