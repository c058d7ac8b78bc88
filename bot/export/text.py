"""Answers as plain text and numbers for documents (the chat renders its own HTML)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.domain.answers.parsers import printable
from bot.domain.answers.types.scope import ItemScope
from bot.domain.outlines.loader import Item
from bot.domain.walk.figures import Table
from bot.export.data import ReportData
from messages import zh


@dataclass(frozen=True, slots=True)
class _ReportScope(ItemScope):
    """An item of a report being exported: its tables are the report's, computed once (ReportData.table)
    for the text here, the sheets' tables and the summary alike."""

    unit: ReportData

    def table(self, label: str) -> Table:
        return self.unit.table(self.item, label)


def answer_plain(unit: ReportData, item: Item) -> str | None:
    value = unit.answers.get(item.key)
    if not isinstance(value, dict) or not value:
        return None
    if value.get("skipped"):
        return zh.SKIPPED
    if item.narrative is not None or "text" in value:
        return printable(str(value.get("text", "")))
    assert item.point is not None
    shown = item.point.answer.export_text(value, _ReportScope(unit.laid, item, unit.answers, unit.rows, unit))
    return printable(shown) if shown is not None else None


def core_value(unit: ReportData, item: Item) -> Any:
    """For the summary sheet: a rate as a number where the point has one, else the answer's text."""
    if item.point is not None and item.point.answer.as_table() is not None and unit.answers.get(item.key):
        lines = unit.rate_lines(item)
        if lines:
            return lines[0].total
    return answer_plain(unit, item)
