"""Writing cells safely: text Excel will never evaluate, numbers as numbers, rates as percentages."""

from __future__ import annotations

import re
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PERCENT = "0.00%"
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def put(ws: Worksheet, row: int, col: int, value: Any, *, percent: bool = False, bold: bool = False) -> Cell:
    cell: Cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = value
        # Whatever it starts with, it is text: a string cell, quote-prefixed so editing keeps it text.
        cell.data_type = "s"
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
    else:
        cell.value = value
        if percent and value is not None:
            cell.number_format = PERCENT
    if bold:
        cell.font = BOLD
    return cell


def sheet_name(title: str, used: set[str]) -> str:
    """Valid in Excel: no []:*?/\\, no quote at either end, at most 31 characters, unique (case-insensitive)."""
    base = _BAD_SHEET.sub("_", title).strip("'") or "Sheet"
    name = base[:31]
    n = 2
    while name.lower() in used:
        suffix = f"~{n}"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def display_width(text: str) -> int:
    """Columns Excel needs: CJK characters take two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def fit_columns(ws: Worksheet, *, minimum: int = 6, maximum: int = 60, skip_rows: int = 0) -> None:
    """Widths from the cells' text; `skip_rows` title rows (merged across the sheet) do not count."""
    widths: dict[str, int] = {}
    for row in ws.iter_rows(min_row=skip_rows + 1):
        for cell in row:
            if cell.value is None:
                continue
            text = (
                f"{cell.value:.2%}"
                if cell.number_format == PERCENT and isinstance(cell.value, float)
                else str(cell.value)
            )
            longest = max((display_width(line) for line in text.splitlines()), default=0)
            letter = cell.column_letter
            widths[letter] = max(widths.get(letter, 0), longest)
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = max(minimum, min(maximum, width + 2))
