"""The `Scope` an answer type sees: one item of a report, with the report's answers and certificates."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.outlines.loader import Item, LaidOut
from bot.domain.outlines.models import Numbers
from bot.domain.walk.figures import Table, numbers_table
from bot.domain.walk.rules import Answers, Finding, RateLine, Row, check_row, earlier_figures, rates, rows_for
from messages import zh


@dataclass(frozen=True, slots=True)
class ItemScope:
    laid: LaidOut
    item: Item
    answers: Answers
    certificates: list[Row]

    def _table(self) -> Numbers:
        table = self.item.point.answer.as_table() if self.item.point is not None else None
        if table is None:
            raise TypeError(f"{self.item.key} is not a table")
        return table

    def rows(self) -> list[Row]:
        return rows_for(self._table(), self.certificates)

    def rates(self) -> list[RateLine]:
        return rates(self.laid, self.item, self.answers, self.rows())

    def table(self, label: str) -> Table:
        return numbers_table(self.laid, self.item, self.answers, self.certificates, label=label, scale=zh.SCALE_LABEL)

    def check(self, row: Row, values: dict[str, int]) -> list[Finding]:
        return check_row(self.laid, self.item, self.answers, row, values)

    def earlier(self, row: Row) -> list[tuple[str, int]]:
        return earlier_figures(self.laid, self.item, self.answers, row)
