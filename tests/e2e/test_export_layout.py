"""The office workbook's layout survives the export's speed-ups: merged title and indicator cells, bold
headings, wrapped text, percentages, quote-prefixed formula-like text, fitted column widths, and no unformatted
blank cells written where nothing was."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from tests.e2e.test_exports import HOSTILE, SCHOOL, _export, _province
from tests.support.helpers import Harness


async def test_a_report_sheet_keeps_its_layout(harness: Harness, tmp_path: Path) -> None:
    await _province(harness)
    result = await _export(harness, tmp_path)
    wb = load_workbook(result.workbook)  # type: ignore[attr-defined]
    sheet = next(wb[n] for n in wb.sheetnames if SCHOOL in n)
    merged = {str(r) for r in sheet.merged_cells.ranges}
    # Two title rows and the status/version row, each merged across the table.
    assert {"A1:D1", "A2:D2", "A3:D3"} <= merged
    # Every section's indicator sits in column A, merged down the rows of its points, bold and wrapped.
    indicators = [r for r in merged if r.startswith("A") and r not in ("A1:D1", "A2:D2", "A3:D3")]
    assert indicators and all(r.split(":")[1].startswith("A") for r in indicators)
    for ref in indicators:
        top = sheet[ref.split(":")[0]]
        assert top.value and top.font.bold and top.alignment.wrap_text, ref
    assert [sheet.cell(row=4, column=c).font.bold for c in range(1, 5)] == [True] * 4  # the header row
    hostile = next(c for row in sheet.iter_rows() for c in row if c.value == HOSTILE)
    assert (hostile.data_type, hostile.quotePrefix, hostile.alignment.wrap_text, hostile.font.bold) == (
        "s",
        True,
        True,
        False,
    )
    totals = [r for r in range(5, sheet.max_row + 1) if sheet.cell(row=r, column=2).value == "合计"]
    assert totals
    rate = sheet.cell(row=totals[0], column=5)
    assert isinstance(rate.value, float) and rate.number_format == "0.00%" and rate.font.bold
    assert all(sheet.column_dimensions[letter].width > 6 for letter in "BCD")


async def test_no_blank_cells_are_written_where_nothing_was(harness: Harness, tmp_path: Path) -> None:
    await _province(harness)
    result = await _export(harness, tmp_path)
    wb = load_workbook(result.workbook, read_only=True)  # type: ignore[attr-defined]
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                # read-only mode yields EmptyCell for positions absent from the file; a blank cell that is in
                # the file must carry a format (e.g. wrapped text in an empty evidence column)
                blank_in_file = cell.value is None and type(cell).__name__ != "EmptyCell"
                assert not blank_in_file or cell.has_style, (ws.title, cell.coordinate)


def test_text_that_looks_like_a_formula_or_an_error_code_stays_text() -> None:
    from openpyxl import Workbook

    from bot.export.cells import put

    ws = Workbook().active
    assert [put(ws, 1, c, v).data_type for c, v in enumerate(("=1+1", "#N/A", "-5", "文字"), 1)] == ["s"] * 4
    assert [ws.cell(row=1, column=c).quotePrefix for c in range(1, 5)] == [True, False, True, False]
