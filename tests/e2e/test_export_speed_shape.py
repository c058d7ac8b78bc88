"""The office workbook written in openpyxl's write-only mode keeps its shape: every sheet's frozen panes,
filters, column widths, title row height and font, print titles and charts are what the layout sets; cells
written out of order land where they belong with their formats; text Excel would read as a formula or an
error code stays text; and only one sheet's cells are held at a time. (Speed is measured in bench/ only.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.domain.reports.lifecycle import submit
from bot.export.sheet import Book, coordinate, fit_columns, merge, put
from storage import people, reports
from tests.support.helpers import Harness
from tests.support.reportsetup import ORG, SCHOOL, SUBMIT_AT, exported, province

UNIT_WIDTHS = {"A": 22.0, "B": 50.0, "C": 60.0, "D": 28.0, "E": 14.0, "F": 14.0, "G": 14.0, "H": 14.0}


def _width_of(text: str) -> int:
    """Excel columns a line needs: characters from U+2E81 on (CJK) take two."""
    return sum(2 if ord(ch) >= 0x2E81 else 1 for ch in text)


def _fitted(ws: Worksheet, *, below: int, maximum: int) -> dict[str, float]:
    """The width each written column should have: its longest line (a rate as shown, e.g. 12.34%) plus 2,
    between 6 and `maximum`; rows up to `below` (the merged title rows) do not count."""
    longest: dict[str, int] = {}
    for row in ws.iter_rows(min_row=below + 1):
        for cell in row:
            if cell.value is None:
                continue
            text = f"{cell.value:.2%}" if cell.number_format == "0.00%" else str(cell.value)
            n = max((_width_of(line) for line in text.splitlines()), default=0)
            longest[cell.column_letter] = max(longest.get(cell.column_letter, 0), n)
    return {col: float(max(6, min(maximum, n + 2))) for col, n in sorted(longest.items())}


async def test_every_sheet_keeps_panes_filters_widths_titles_and_charts(harness: Harness, tmp_path: Path) -> None:
    await province(harness)
    wb = load_workbook((await exported(harness, tmp_path)).workbook)
    units = ["010 合肥学院", "024 安徽工商职业学院", f"{ORG} Web前端开发"]  # by 附件3 number, then organizations
    assert wb.sheetnames == ["汇总", "培训评价组织汇总", "分市汇总", "图表", *units, "交叉核对", "佐证材料"]
    evidence = wb["佐证材料"]
    assert {ws.title: (ws.freeze_panes, ws.auto_filter.ref) for ws in wb.worksheets} == {
        "汇总": ("D5", "A4:AA193"),  # 189 schools under the header row, then 合计
        "培训评价组织汇总": ("C5", "A4:AA6"),
        "分市汇总": ("A4", None),
        "图表": (None, None),
        **dict.fromkeys(units, ("A5", None)),
        "交叉核对": ("A4", None),
        "佐证材料": ("A4", f"A3:G{evidence.max_row}"),
    }
    for ws in wb.worksheets:
        assert ws.row_dimensions[1].height == 24, ws.title
        assert (ws["A1"].font.b, ws["A1"].font.sz) == (True, 14), ws.title
        widths = {k: d.width for k, d in sorted(ws.column_dimensions.items()) if d.customWidth}
        if ws.title in units:
            assert widths == UNIT_WIDTHS, ws.title
        elif ws.title in ("汇总", "培训评价组织汇总"):
            assert widths == _fitted(ws, below=3, maximum=40), ws.title
        else:
            assert widths == _fitted(ws, below=2, maximum=60), ws.title

    charts = wb["图表"]
    anchors = [(type(c).__name__, c.anchor._from.col, c.anchor._from.row) for c in charts._charts]
    below = charts.max_row + 1  # the first chart starts one row below the tables (0-based anchor rows)
    assert anchors == [("BarChart", 0, below), ("BarChart", 0, below + 20), ("BarChart", 0, below + 40)]

    def rows_of(col: str) -> str:
        """A table's data rows (under its header on row 3) as a chart refers to them."""
        last = max(c.row for c in charts[col] if c.value is not None)
        return f"${col}$4:${col}${last}"

    refs = [[s.val.numRef.f for s in c.series] for c in charts._charts]
    assert refs == [
        [f"'图表'!{rows_of('A').replace('A', 'B')}", f"'图表'!{rows_of('A').replace('A', 'D')}"],
        [f"'图表'!{rows_of('G').replace('G', col)}" for col in "HIJKL"],
        [f"'图表'!{rows_of('N').replace('N', col)}" for col in "OPQ"],
    ]


async def test_text_excel_would_read_as_a_formula_or_an_error_stays_text(harness: Harness, tmp_path: Path) -> None:
    await harness.certify({"Web前端开发": (ORG, SCHOOL)}, {SCHOOL: [("Web前端开发", 150)]})
    await harness.bind(600, "coordinator", SCHOOL)
    db = harness.deps.db
    async with db.transaction() as conn:
        report = await reports.ensure(conn, institution_id=24, certificate_id=None, outline="institution", at="t")
    await harness.fill(report.id)
    async with db.transaction() as conn:
        for item, text in (("s1.practice", "#N/A"), ("s1.problems", "=1+1")):
            await reports.put_answer(conn, report_id=report.id, item=item, value={"text": text}, user_id=0, at="t")
    who = await people.get(db.read, 600)
    assert who is not None
    harness.clock.set(SUBMIT_AT)
    await submit(db, harness.deps.outlines, who, report.id, year=2020, at=SUBMIT_AT.isoformat(), update_id=None)
    wb = load_workbook((await exported(harness, tmp_path)).workbook)
    sheet = wb["024 安徽工商职业学院"]
    found = {
        c.value: (c.data_type, c.quotePrefix, c.alignment.wrap_text)
        for row in sheet.iter_rows()
        for c in row
        if c.value in ("#N/A", "=1+1")
    }
    assert found == {"#N/A": ("s", False, True), "=1+1": ("s", True, True)}


def test_a_sheet_holds_its_cells_until_the_next_one_opens(tmp_path: Path) -> None:
    book = Book()
    first = book.sheet("甲")
    # Written out of order, as the layout does (an indicator after its points, a column before another).
    put(first, 3, 2, "合肥学院\n第二行", wrap=True)
    put(first, 1, 1, "标题", bold=True, title=True)
    put(first, 3, 1, 0.1234, percent=True)
    put(first, 2, 4, "=HYPERLINK(1)")
    put(first, 2, 1, "#DIV/0!")
    put(first, 2, 2, "", bold=True)  # an empty heading keeps its format
    put(first, 2, 3, "")  # nothing to show: no cell
    put(first, 5, 3, 7)
    merge(first, 1, 1, 1, 4)
    fit_columns(first, skip_rows=1)
    first.xl.freeze_panes = coordinate(3, 1)
    first.xl.row_dimensions[1].height = 24
    first.xl.print_title_rows = "1:2"
    assert first.cells and not first.xl.closed
    second = book.sheet("乙")
    assert first.cells == {} and first.xl.closed  # streamed to the file: only the open sheet is held
    put(second, 1, 1, "x")
    book.save(tmp_path / "t.xlsx")
    assert book.sheets == 2

    wb = load_workbook(tmp_path / "t.xlsx")
    ws = wb["甲"]
    cells = {
        c.coordinate: (c.value, c.data_type, c.font.b, c.font.sz, c.alignment.wrap_text, c.number_format, c.quotePrefix)
        for row in ws.iter_rows()
        for c in row
        if c.has_style or c.value is not None
    }
    assert cells == {
        "A1": ("标题", "s", True, 14, None, "General", False),
        "A2": ("#DIV/0!", "s", False, 11, None, "General", False),
        "B2": (None, "n", True, None, None, "General", False),  # Font(bold=True) names no size
        "D2": ("=HYPERLINK(1)", "s", False, 11, None, "General", True),
        "A3": (0.1234, "n", False, 11, None, "0.00%", False),
        "B3": ("合肥学院\n第二行", "s", False, 11, True, "General", False),
        "C5": (7, "n", False, 11, None, "General", False),
    }
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:D1"}
    widths = {k: d.width for k, d in sorted(ws.column_dimensions.items()) if d.customWidth}
    # A: "#DIV/0!" (7) beats "12.34%"; B: 合肥学院 (8) beats 第二行; C: "7" gives the minimum; D: 13 characters.
    assert widths == {"A": 9.0, "B": 10.0, "C": 6.0, "D": 15.0}
    assert (ws.freeze_panes, ws.row_dimensions[1].height, ws.print_title_rows) == ("A3", 24, "$1:$2")
    assert [[c.value for c in row] for row in wb["乙"].iter_rows()] == [["x"]]


def test_a_workbook_that_fails_half_way_leaves_no_temporary_files() -> None:
    book = Book()
    first = book.sheet("甲")
    put(first, 1, 1, "x")
    second = book.sheet("乙")  # the first is streamed into a temporary file
    streamed = Path(first.xl._writer.out)
    assert streamed.exists()
    put(second, 1, 1, object())  # openpyxl refuses it when the sheet is streamed
    with pytest.raises(ValueError):
        book.sheet("丙")
    book.discard()
    assert not streamed.exists()
    assert second.xl._writer is None or not Path(second.xl._writer.out).exists()
