"""Answers as plain text and numbers for documents (the chat renders its own HTML)."""

from __future__ import annotations

from typing import Any

from bot.export.data import ReportData
from bot.outlines.loader import Item
from bot.outlines.models import Choice, Number, Numbers, YesNo
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
        lines = unit.rate_lines(item)
        if lines and len(unit.item_rows(item)) > 0:
            return "；".join(zh.export_total(line.label, zh.percent(line.total)) for line in lines)
        filled = value.get("rows", {})
        parts = []
        for row in unit.item_rows(item):
            got = filled.get(row.key, {})
            nums = "、".join(f"{f.label} {got.get(f.id, '—')}" for f in answer.fields)
            parts.append(f"{row.label}：{nums}" if row.label else nums)
        return "；".join(parts)
    return None


def core_value(unit: ReportData, item: Item) -> Any:
    """For the summary sheet: a rate as a number where the point has one, else the answer's text."""
    if item.point is not None and isinstance(item.point.answer, Numbers) and unit.answers.get(item.key):
        lines = unit.rate_lines(item)
        if lines:
            return lines[0].total
    return answer_plain(unit, item)


def overall(unit: ReportData, key: str) -> float | None:
    item = unit.laid.by_key.get(key)
    if item is None or not unit.answers.get(key):
        return None
    lines = unit.rate_lines(item)
    return lines[0].total if lines else None
