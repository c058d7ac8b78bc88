"""Rules over numbers: checks between fields, and derived rates. Pure functions over answer values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.domain.outlines.loader import Item, LaidOut
from bot.domain.outlines.models import LEVELS, Check, Numbers


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a numbers point: a certificate (with its 试点规模), a level, or the single row."""

    key: str
    label: str
    scale: int | None = None


ONCE = Row("_", "")


def rows_for(answer: Numbers, certificates: list[Row]) -> list[Row]:
    if answer.rows == "certificates":
        return certificates
    if answer.rows == "levels":
        return [Row(level, level) for level in LEVELS]
    return [ONCE]


Answers = dict[str, Any]


def field_value(laid: LaidOut, answers: Answers, field: str, row: Row) -> int | None:
    if field == "scale":
        return row.scale
    owner = laid.field_owner.get(field)
    value = answers.get(owner or "")
    if not isinstance(value, dict):
        return None
    found = value.get("rows", {}).get(row.key, {}).get(field)
    return int(found) if isinstance(found, int) else None


@dataclass(frozen=True, slots=True)
class Finding:
    severity: str  # 'error' | 'warn'
    message: str
    # What was read, so a misread shows before it is saved: the row's label and (field label, value)
    # pairs of the two numbers compared; a label of None is the roster's 试点规模.
    row: str = ""
    read: tuple[tuple[str | None, int], ...] = ()


def field_label(laid: LaidOut, field: str) -> str | None:
    """The outline's label of a number field; None for 'scale' (试点规模, from the roster)."""
    owner = laid.by_key.get(laid.field_owner.get(field, ""))
    if owner is None or owner.point is None:
        return None
    return next((f.label for f in owner.point.answer.number_fields() if f.id == field), None)


def _holds(check: Check, mine: int, other: int) -> bool:
    if check.op == "le":
        return mine <= other
    if check.op == "eq":
        return mine == other
    return mine > other


def check_row(laid: LaidOut, item: Item, answers: Answers, row: Row, values: dict[str, int]) -> list[Finding]:
    """Errors first: an input with any error is refused; warnings need the coordinator's confirmation."""
    assert item.point is not None and isinstance(item.point.answer, Numbers)
    found: list[Finding] = []
    for check in item.point.answer.checks:
        mine = values[check.field]
        if isinstance(check.other, int):
            other: int | None = check.other
        elif check.other in values:
            other = values[check.other]
        else:
            other = field_value(laid, answers, check.other, row)
        if other is None or _holds(check, mine, other):
            continue
        read: list[tuple[str | None, int]] = [(field_label(laid, check.field), mine)]
        if isinstance(check.other, str):
            read.append((field_label(laid, check.other), other))
        message = check.message.replace("{other}", str(other))
        found.append(Finding(check.severity, message, row.label, tuple(read)))
    return sorted(found, key=lambda f: f.severity != "error")


@dataclass(frozen=True, slots=True)
class RateLine:
    label: str
    per_row: list[tuple[Row, float | None]]
    total: float | None


def _ratio(numerator: int | None, denominator: int | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def earlier_figures(laid: LaidOut, item: Item, answers: Answers, row: Row) -> list[tuple[str, int]]:
    """Figures of this row that earlier points asked and this point builds on (报名 when 考核 is asked)."""
    assert item.point is not None and isinstance(item.point.answer, Numbers)
    answer = item.point.answer
    own = {f.id for f in answer.fields}
    refs: list[str] = []
    for ref in [r.denominator for r in answer.rates] + [c.other for c in answer.checks if isinstance(c.other, str)]:
        if ref not in own and ref != "scale" and ref not in refs:
            refs.append(ref)
    out = []
    for ref in refs:
        value = field_value(laid, answers, ref, row)
        label = field_label(laid, ref)
        if value is not None and label is not None:
            out.append((label, value))
    return out


def rates(laid: LaidOut, item: Item, answers: Answers, rows: list[Row]) -> list[RateLine]:
    """Per row and over all rows (sum of numerators / sum of denominators), as the seed's formulas say."""
    assert item.point is not None and isinstance(item.point.answer, Numbers)
    out = []
    for rate in item.point.answer.rates:
        per_row = []
        num_sum = den_sum = 0
        for row in rows:
            n = field_value(laid, answers, rate.numerator, row)
            d = field_value(laid, answers, rate.denominator, row)
            per_row.append((row, _ratio(n, d)))
            if n is not None and d is not None:
                num_sum += n
                den_sum += d
        out.append(RateLine(rate.label, per_row, _ratio(num_sum, den_sum) if per_row else None))
    return out
