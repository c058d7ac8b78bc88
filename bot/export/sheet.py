"""The office workbook in openpyxl's write-only mode: each sheet is laid out in memory as plain values and
style flags (the layout writes out of order, merges, and sizes columns from what it wrote), then streamed
into the file in one pass and closed before the next sheet starts, so only one sheet's cells are ever held.

Write-only mode keeps everything the layout uses: merged ranges, column widths and row heights (written
before the rows, so they are set before the sheet is streamed), frozen panes, filters, print set-up, print
titles, footers and native charts. What it cannot do, reading cells back, the layout never needs: widths are
measured from the plain values held here."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bot.domain.answers.parsers import printable
from bot.export.cells import FORMULA_START, PERCENT, display_width

# Style flags of a cell; each combination becomes one openpyxl style, built once per workbook.
QUOTE, PERCENT_FMT, BOLD, WRAP, TITLE = 1, 2, 4, 8, 16
STYLES = QUOTE | PERCENT_FMT | BOLD | WRAP | TITLE
# Not a style: text openpyxl would store as a formula (=…) or an error code (#N/A) is forced to stay text.
TEXT = 32

TITLE_FONT = Font(bold=True, size=14)
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def coordinate(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


class Sheet:
    """One sheet of a `Book`: cells held as (value, style flags) by row and column until `close`. The
    openpyxl settings the layout makes (freeze panes, filters, widths, print set-up, charts) go straight to
    the underlying write-only worksheet, `xl`, which takes them at any time before it is closed."""

    __slots__ = ("book", "cells", "xl")

    def __init__(self, book: Book, title: str) -> None:
        self.book = book
        self.xl: Any = book.wb.create_sheet(title)
        self.cells: dict[int, dict[int, tuple[Any, int]]] = {}

    @property
    def title(self) -> str:
        return str(self.xl.title)

    def merge(self, start_row: int, start_column: int, end_row: int, end_column: int) -> None:
        self.xl.merged_cells.add(f"{coordinate(start_row, start_column)}:{coordinate(end_row, end_column)}")

    def fit_columns(self, *, minimum: int = 6, maximum: int = 60, skip_rows: int = 0) -> None:
        """Widths from the cells' text; `skip_rows` title rows (merged across the sheet) do not count."""
        widths: dict[int, int] = {}
        measured: dict[str, int] = {}  # the same texts recur down a column (names, sections, points)
        for r, row in self.cells.items():
            if r <= skip_rows:
                continue
            for col, (value, flags) in row.items():
                if value is None:
                    continue
                text = f"{value:.2%}" if flags & PERCENT_FMT and isinstance(value, float) else str(value)
                longest = measured.get(text)
                if longest is None:
                    longest = measured[text] = max(map(display_width, text.splitlines()), default=0)
                if longest > widths.get(col, 0):
                    widths[col] = longest
        for col, width in widths.items():
            self.xl.column_dimensions[get_column_letter(col)].width = max(minimum, min(maximum, width + 2))

    def close(self) -> None:
        """Streams the rows in order into the file and closes the sheet."""
        ws = self.xl
        styles = self.book.styles
        last = max(self.cells, default=0)
        empty: list[Any] = []
        for r in range(1, last + 1):
            row = self.cells.get(r)
            if not row:
                ws.append(empty)
                continue
            values: list[Any] = [None] * max(row)
            for col, (value, flags) in row.items():
                if not flags:  # a plain value: openpyxl makes the cell
                    values[col - 1] = value
                    continue
                cell = WriteOnlyCell(ws, value)
                if flags & TEXT:
                    cell.data_type = "s"
                style = flags & STYLES
                if style:
                    # One style array per combination, shared by its cells: a write-only cell is written out
                    # at once and its array only read (the workbook indexes it by value), so no copy.
                    known = styles.get(style)
                    cell._style = known if known is not None else self.book.style(style, ws)
                values[col - 1] = cell
            ws.append(values)
        self.cells = {}
        ws.close()


class Book:
    """A write-only workbook of `Sheet`s: opening a sheet closes the one before it."""

    def __init__(self) -> None:
        self.wb = Workbook(write_only=True)
        self.styles: dict[int, Any] = {}
        self._open: Sheet | None = None

    def sheet(self, title: str) -> Sheet:
        if self._open is not None:
            self._open.close()
        self._open = Sheet(self, title)
        return self._open

    def style(self, flags: int, ws: Any) -> Any:
        """openpyxl's style array for a combination of flags, built once per workbook on a scratch cell."""
        cell = WriteOnlyCell(ws)
        if flags & TITLE:
            cell.font = TITLE_FONT
        elif flags & BOLD:
            cell.font = _BOLD
        if flags & QUOTE:
            cell.quotePrefix = True
        if flags & PERCENT_FMT:
            cell.number_format = PERCENT
        if flags & WRAP:
            cell.alignment = _WRAP
        self.styles[flags] = cell._style
        return cell._style

    @property
    def sheets(self) -> int:
        return len(self.wb.sheetnames)

    def discard(self) -> None:
        """After a failure: removes the temporary files openpyxl streamed the closed sheets into, which it
        would otherwise keep until the process ends."""
        for ws in self.wb.worksheets:
            writer = ws._writer
            if writer is None:
                continue
            with suppress(Exception):  # a sheet that failed half-way may not close cleanly
                writer.close()
            with suppress(OSError, ValueError):
                writer.cleanup()

    def save(self, path: Path) -> None:
        if self._open is not None:
            self._open.close()
            self._open = None
        self.wb.save(path)


def put(
    ws: Sheet,
    row: int,
    col: int,
    value: Any,
    *,
    percent: bool = False,
    bold: bool = False,
    wrap: bool = False,
    title: bool = False,
) -> None:
    """As `cells.put` on a worksheet: text stays text (quote-prefixed where editing could make it a formula),
    numbers are numbers, rates percentages; nothing is written where there is nothing to show (a bold
    empty cell keeps its format)."""
    if isinstance(value, str):
        value = printable(value)  # a control character stored by an older version would fail the whole file
        if not value:
            if not bold:
                return
            value = None
        flags = 0
        if value is None:
            pass
        elif value.startswith(FORMULA_START):
            flags = QUOTE | TEXT if value[0] == "=" else QUOTE
        elif value[0] == "#" and value in ERROR_CODES:
            flags = TEXT
        if percent:
            flags |= PERCENT_FMT
    elif value is None:
        if not bold:
            return
        flags = 0
    else:
        flags = PERCENT_FMT if percent else 0
    if bold:
        flags |= BOLD
    if wrap:
        flags |= WRAP
    if title:
        flags |= TITLE
    cells = ws.cells.get(row)
    if cells is None:
        cells = ws.cells[row] = {}
    cells[col] = (value, flags)


def merge(ws: Sheet, start_row: int, start_column: int, end_row: int, end_column: int) -> None:
    ws.merge(start_row, start_column, end_row, end_column)


def fit_columns(ws: Sheet, *, minimum: int = 6, maximum: int = 60, skip_rows: int = 0) -> None:
    ws.fit_columns(minimum=minimum, maximum=maximum, skip_rows=skip_rows)
