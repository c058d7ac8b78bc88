"""A numbers point as a table: one row per certificate (or level), then a 合计 row with the summed counts
beside the overall rates (sum of numerators / sum of denominators, as the seed's formulas give them).
Shared by the chat, the workbook and the Word report so the three always agree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.domain.outlines.loader import Item, LaidOut
from bot.domain.outlines.models import Numbers
from bot.domain.walk.rules import Row, rates, rows_for


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    kind: str  # 'label' | 'count' | 'rate'


@dataclass(frozen=True, slots=True)
class Table:
    columns: list[Column]
    body: list[list[Any]]  # labels as str, counts as int (None when not given), rates as float (None: no rate)
    total: list[Any] | None  # the 合计 row, when there is more than one row; its label cell is filled by the caller

    @property
    def head(self) -> list[str]:
        return [c.label for c in self.columns]


def _sum(values: list[int | None]) -> int | None:
    given = [v for v in values if isinstance(v, int)]
    return sum(given) if given else None


def numbers_table(
    laid: LaidOut, item: Item, answers: dict[str, Any], certificates: list[Row], *, label: str, scale: str
) -> Table:
    """`label` heads the row-label column (证书 / 级别), `scale` the 试点规模 column."""
    assert item.point is not None and isinstance(item.point.answer, Numbers)
    answer = item.point.answer
    rows = rows_for(answer, certificates)
    lines = rates(laid, item, answers, rows)
    columns: list[Column] = [Column(label, "label")] if answer.rows != "once" else []
    if answer.shows_scale:
        columns.append(Column(scale, "count"))
    columns += [Column(f.label, "count") for f in answer.fields] + [Column(x.label, "rate") for x in lines]
    filled = (answers.get(item.key) or {}).get("rows", {})
    body: list[list[Any]] = []
    for n, r in enumerate(rows):
        cells: list[Any] = [r.label] if answer.rows != "once" else []
        if answer.shows_scale:
            cells.append(r.scale)
        for f in answer.fields:
            got = filled.get(r.key, {}).get(f.id)
            cells.append(got if isinstance(got, int) else None)
        cells += [x.per_row[n][1] for x in lines]
        body.append(cells)
    total: list[Any] | None = None
    if len(rows) > 1:
        total = []
        for col, column in enumerate(columns):
            if column.kind == "label":
                total.append(None)
            elif column.kind == "count":
                total.append(_sum([row[col] for row in body]))
        total += [x.total for x in lines]
    return Table(columns, body, total)


def rate_parts(laid: LaidOut, item: Item, answers: dict[str, Any], certificates: list[Row]) -> list[tuple[int, int]]:
    """For each rate of the point: (sum of numerators, sum of denominators) over the rows that have both, so
    rates over many reports are formed the same way as over one report's certificates."""
    assert item.point is not None and isinstance(item.point.answer, Numbers)
    from bot.domain.walk.rules import field_value

    rows = rows_for(item.point.answer, certificates)
    out = []
    for rate in item.point.answer.rates:
        num = den = 0
        for row in rows:
            n = field_value(laid, answers, rate.numerator, row)
            d = field_value(laid, answers, rate.denominator, row)
            if n is not None and d is not None:
                num += n
                den += d
        out.append((num, den))
    return out
