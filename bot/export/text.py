"""Answers as plain text and numbers for documents (the chat renders its own HTML)."""

from __future__ import annotations

from typing import Any

from bot.export.data import ReportData
from bot.figures import numbers_table
from bot.outlines.loader import Item
from bot.outlines.models import Choice, Number, Numbers, YesNo
from messages import documents as words
from messages import zh


def answer_plain(unit: ReportData, item: Item) -> str | None:
    value = unit.answers.get(item.key)
    if not isinstance(value, dict) or not value:
        return None
    if value.get("skipped"):
        return zh.SKIPPED
    if item.narrative is not None or "text" in value:
        return str(value.get("text", ""))
    assert item.point is not None
    answer = item.point.answer
    if isinstance(answer, YesNo):
        text = zh.EXPORT_YES if value.get("yes") else zh.EXPORT_NO
        return text + (f"；{value['note']}" if value.get("note") else "")
    if isinstance(answer, Choice):
        return str(value.get("choice", ""))
    if isinstance(answer, Number):
        return f"{value.get('n')}{answer.unit}"
    if isinstance(answer, Numbers):
        label = zh.CERT_COLUMN if answer.rows == "certificates" else zh.LEVEL_COLUMN
        table = numbers_table(unit.laid, item, unit.answers, unit.rows, label=label, scale=zh.SCALE_LABEL)
        row = table.total if table.total is not None else (table.body[0] if len(table.body) == 1 else None)
        if row is None:
            return zh.NO_ROWS_HINT
        counts = [(c.label, v) for c, v in zip(table.columns, row, strict=True) if c.kind == "count"]
        rates = [(c.label, zh.percent(v)) for c, v in zip(table.columns, row, strict=True) if c.kind == "rate"]
        return words.counts_plain(counts, rates, total=table.total is not None)
    return None


def core_value(unit: ReportData, item: Item) -> Any:
    """For the summary sheet: a rate as a number where the point has one, else the answer's text."""
    if item.point is not None and isinstance(item.point.answer, Numbers) and unit.answers.get(item.key):
        lines = unit.rate_lines(item)
        if lines:
            return lines[0].total
    return answer_plain(unit, item)
