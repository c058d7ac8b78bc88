"""openpyxl alone: a finished workbook described as plain data, and that description written back with nothing
but openpyxl, in the normal or the write-only mode.

The export benchmark describes the workbook xcheck wrote (every cell's value, type and style; merged ranges,
column widths and row heights, frozen panes, filters, print set-up and footers, charts) and then times openpyxl
writing exactly that from the description: the floor of writing those cells, which the export's ratio is
measured against. `describe` of both files must then be equal (the benchmark says so), so the floor cannot
quietly write less than the export. Writing uses the fastest openpyxl usage we know for each mode: every
distinct style is built once and shared by its cells (as the export itself does), merged ranges are recorded
without openpyxl's per-cell placeholders, and in write-only mode rows are appended in order.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import MergedCell
from openpyxl.chart._chart import ChartBase
from openpyxl.styles import Alignment, Border, Fill, Font, Protection
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.numbers import BUILTIN_FORMATS

Style = tuple[Font, Alignment, str, bool, Protection, Border, Fill]


@dataclass
class SheetSpec:
    title: str
    # row number, then (column, value, data type, style number) of each cell in the file, in column order
    rows: list[tuple[int, list[tuple[int, Any, str, int]]]]
    merges: list[str]
    widths: dict[str, float]
    heights: dict[int, float]
    freeze: str | None
    auto_filter: str | None
    print_rows: str | None
    page: tuple[Any, ...]
    footer: str | None
    centered: bool | None
    charts: list[ChartBase] = field(default_factory=list)

    def shape(self, styles: list[Style]) -> tuple[Any, ...]:
        """Everything, styles by what they are; charts as their kinds, anchors and series references."""
        charts = [
            (
                type(c).__name__,
                c.anchor._from.row,
                c.anchor._from.col,
                [s.val.numRef.f for s in c.series],
                [type(x).__name__ for x in c._charts],
            )
            for c in self.charts
        ]
        return (
            self.title,
            [(r, [(c, v, t, styles[s]) for c, v, t, s in cells]) for r, cells in self.rows],
            sorted(self.merges),
            self.widths,
            self.heights,
            self.freeze,
            self.auto_filter,
            self.print_rows,
            self.page,
            self.footer,
            self.centered,
            charts,
        )


@dataclass
class Described:
    sheets: list[SheetSpec]
    styles: list[Style]  # style number 0 is an unstyled cell's

    def shape(self) -> list[tuple[Any, ...]]:
        return [s.shape(self.styles) for s in self.sheets]


def describe(path: Path) -> Described:
    """The workbook as plain data (openpyxl's normal mode reads every part of it back, charts included)."""
    out: list[SheetSpec] = []
    wb = load_workbook(path)
    numbers: dict[tuple[int, ...], int] = {}
    styles: list[Style] = []

    def style_of(ids: Any) -> int:
        key = tuple(ids) if ids is not None else (0,) * 9
        known = numbers.get(key)
        if known is None:
            ids = ids if ids is not None else StyleArray()
            style = (
                wb._fonts[ids.fontId],
                wb._alignments[ids.alignmentId],
                BUILTIN_FORMATS.get(ids.numFmtId) or wb._number_formats[ids.numFmtId - 164],
                bool(ids.quotePrefix),
                wb._protections[ids.protectionId],
                wb._borders[ids.borderId],
                wb._fills[ids.fillId],
            )
            if style not in styles:
                styles.append(style)
            known = numbers[key] = styles.index(style)
        return known

    style_of(None)
    for ws in wb:
        rows: dict[int, list[tuple[int, Any, str, int]]] = {}
        for (r, c), cell in sorted(ws._cells.items()):
            if isinstance(cell, MergedCell):
                continue  # the reader's placeholder for a covered cell of a merged range: not in the file
            rows.setdefault(r, []).append((c, cell.value, cell.data_type, style_of(cell._style)))
        setup = ws.page_setup
        out.append(
            SheetSpec(
                title=ws.title,
                rows=sorted(rows.items()),
                merges=[str(r) for r in ws.merged_cells.ranges],
                widths={k: d.width for k, d in ws.column_dimensions.items() if d.customWidth},
                heights={k: d.height for k, d in ws.row_dimensions.items() if d.height is not None},
                freeze=ws.freeze_panes,
                auto_filter=ws.auto_filter.ref,
                print_rows=ws.print_title_rows,
                page=(
                    setup.orientation,
                    setup.paperSize,
                    setup.fitToWidth,
                    setup.fitToHeight,
                    ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None,
                ),
                footer=ws.oddFooter.center.text,
                centered=ws.print_options.horizontalCentered,
                charts=list(ws._charts),
            )
        )
    return Described(out, styles)


def fresh_charts(book: Described) -> list[list[ChartBase]]:
    """Copies of the charts for one write (openpyxl sets ids and anchors on a chart as it writes it)."""
    return [[copy.deepcopy(c) for c in s.charts] for s in book.sheets]


def _setup(ws: Any, spec: SheetSpec, charts: list[ChartBase]) -> None:
    for letter, width in spec.widths.items():
        ws.column_dimensions[letter].width = width
    for r, height in spec.heights.items():
        ws.row_dimensions[r].height = height
    if spec.freeze:
        ws.freeze_panes = spec.freeze
    if spec.auto_filter:
        ws.auto_filter.ref = spec.auto_filter
    orientation, paper, wide, high, fit = spec.page
    ws.page_setup.orientation = orientation
    ws.page_setup.paperSize = paper
    ws.page_setup.fitToWidth = wide
    ws.page_setup.fitToHeight = high
    if fit is not None:
        ws.sheet_properties.pageSetUpPr.fitToPage = fit
    if spec.print_rows:
        ws.print_title_rows = spec.print_rows.replace("$", "")
    if spec.footer:
        ws.oddFooter.center.text = spec.footer
    if spec.centered is not None:
        ws.print_options.horizontalCentered = spec.centered
    for r in spec.merges:
        ws.merged_cells.add(r)
    for chart in charts:
        ws.add_chart(chart)


class _Styles:
    """Each distinct style built once on its first cell (openpyxl registers the font, alignment and format in
    the workbook); every later cell of that style takes a copy of the prepared style array."""

    def __init__(self, styles: list[Style]) -> None:
        self.styles = styles
        self.arrays: dict[int, Any] = {}

    def first(self, cell: Any, number: int) -> None:
        font, alignment, number_format, quote, protection, border, fill = self.styles[number]
        cell.font = font
        cell.alignment = alignment
        cell.number_format = number_format
        cell.quotePrefix = quote
        cell.protection = protection
        cell.border = border
        cell.fill = fill
        self.arrays[number] = copy.copy(cell._style)


# Per sheet, its rows ready to write: (row number, width, cells as (column index from 0, value, the data type
# to force where openpyxl would infer another one from the value or None, style number)).
Plan = list[list[tuple[int, int, list[tuple[int, Any, str | None, int]]]]]


def plan(book: Described) -> Plan:
    """The description's rows in the shape a writer loops over, prepared before any timing starts."""
    probe = WriteOnlyCell()
    out: Plan = []
    for spec in book.sheets:
        rows = []
        for r, cells in spec.rows:
            ready = []
            for c, value, data_type, style in cells:
                probe.value = value
                ready.append((c - 1, value, data_type if probe.data_type != data_type else None, style))
            rows.append((r, cells[-1][0], ready))
        out.append(rows)
    return out


def write(book: Described, rows: Plan, target: Path, *, write_only: bool, charts: list[list[ChartBase]]) -> None:
    """The described workbook written with openpyxl alone, in the given mode."""
    wb = Workbook(write_only=write_only)
    if not write_only:
        wb.remove(wb.active)
    styles = _Styles(book.styles)
    arrays = styles.arrays
    empty: list[Any] = []
    for spec, sheet_rows, sheet_charts in zip(book.sheets, rows, charts, strict=True):
        ws = wb.create_sheet(spec.title)
        _setup(ws, spec, sheet_charts)
        if write_only:
            last = 0
            for r, width, cells in sheet_rows:
                while last < r - 1:
                    ws.append(empty)
                    last += 1
                values: list[Any] = [None] * width
                for i, value, forced, style in cells:
                    if style or forced:
                        cell = WriteOnlyCell(ws, value)
                        if forced:
                            cell.data_type = forced
                        if style:
                            known = arrays.get(style)
                            if known is None:
                                styles.first(cell, style)
                            else:
                                cell._style = copy.copy(known)
                        values[i] = cell
                    else:
                        values[i] = value
                ws.append(values)
                last = r
            ws.close()
        else:
            for r, _width, cells in sheet_rows:
                for i, value, forced, style in cells:
                    cell = ws.cell(row=r, column=i + 1, value=value)
                    if forced:
                        cell.data_type = forced
                    if style:
                        known = arrays.get(style)
                        if known is None:
                            styles.first(cell, style)
                        else:
                            cell._style = copy.copy(known)
    wb.save(target)
