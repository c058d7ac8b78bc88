"""Writing cells safely: text Excel will never evaluate, numbers as numbers, rates as percentages. `put` writes
into an openpyxl worksheet (the roster workbook); the office workbook lays its sheets out with
bot/export/sheet.py, which follows the same rules."""

from __future__ import annotations

import re
from copy import copy
from typing import Any
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PERCENT = "0.00%"
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
_WIDE = re.compile("[\u2e81-\U0010ffff]")


BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


# Per workbook, each combination of our styles as openpyxl's style array, built once: assigning fonts and
# alignments one attribute at a time made openpyxl look each style up again for every cell.
_STYLES: WeakKeyDictionary[Workbook, dict[tuple[bool, bool, bool, bool], StyleArray]] = WeakKeyDictionary()


def _style(cell: Cell, key: tuple[bool, bool, bool, bool]) -> None:
    styles = _STYLES.setdefault(cell.parent.parent, {})
    known = styles.get(key)
    if known is not None:
        cell._style = copy(known)
        return
    quote, percent, bold, wrap = key
    if quote:
        cell.quotePrefix = True
    if percent:
        cell.number_format = PERCENT
    if bold:
        cell.font = BOLD
    if wrap:
        cell.alignment = WRAP
    styles[key] = copy(cell._style)


def put(
    ws: Worksheet, row: int, col: int, value: Any, *, percent: bool = False, bold: bool = False, wrap: bool = False
) -> Cell:
    if (value is None or value == "") and not bold:
        # Nothing to show: no cell in the file (a detached one is returned, so callers need not care).
        return Cell(ws, row=row, column=col)
    cell: Cell = ws.cell(row=row, column=col)
    quote = False
    if isinstance(value, str):
        if value:
            cell.value = value
            # Whatever it starts with, it is text (not a formula, not an error code like #N/A): a string
            # cell, quote-prefixed where editing could turn it into a formula.
            if cell.data_type != "s":
                cell.data_type = "s"
            quote = value.startswith(FORMULA_START)
    else:
        cell.value = value
        percent = percent and value is not None
    if quote or percent or bold or wrap:
        _style(cell, (quote, percent, bold, wrap))
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
    """Columns Excel needs: CJK characters (from U+2E81 on) take two."""
    return len(text) if text.isascii() else len(text) + len(_WIDE.findall(text))
