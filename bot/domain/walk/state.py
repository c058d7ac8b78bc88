"""Where a report stands: which items are done, each section's progress, and what to ask next."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.domain.answers.types.scope import ItemScope
from bot.domain.outlines.loader import Item, LaidOut
from bot.domain.walk.rules import Answers, Row


def is_complete(item: Item, value: Any, certificates: list[Row], laid: LaidOut, answers: Answers) -> bool:
    if not isinstance(value, dict):
        return False
    if value.get("skipped"):
        return item.skippable
    if item.narrative is not None:
        return bool(value.get("text"))
    assert item.point is not None
    return item.point.answer.complete(value, ItemScope(laid, item, answers, certificates))


def evidence_required(item: Item, value: Any) -> bool:
    """Whether submitting needs a file on this item: a ★ point that expects evidence, unless its answer
    waives it (the outline's evidence_waived_by, e.g. ★17 否: there is no incentive scheme to prove)."""
    if item.point is None or not (item.point.core and item.point.evidence):
        return False
    waiver = item.point.evidence_waived_by
    return not (waiver is not None and isinstance(value, dict) and item.point.answer.waived(value, waiver))


@dataclass(frozen=True, slots=True)
class SectionProgress:
    no: int
    title: str
    done: int
    total: int


@dataclass(frozen=True)
class State:
    laid: LaidOut
    answers: Answers
    certificates: list[Row]

    def complete(self, item: Item) -> bool:
        return is_complete(item, self.answers.get(item.key), self.certificates, self.laid, self.answers)

    def missing(self) -> list[Item]:
        return [i for i in self.laid.items if not self.complete(i)]

    def needs_evidence(self, item: Item) -> bool:
        return evidence_required(item, self.answers.get(item.key))

    def lacking(self, evidence_counts: dict[str, int]) -> list[Item]:
        """Items that need a file to submit and have none."""
        return [i for i in self.laid.items if self.needs_evidence(i) and not evidence_counts.get(i.key)]

    def sections(self) -> list[SectionProgress]:
        out = []
        for s in self.laid.sections:
            items = self.laid.section_items(s.no)
            out.append(SectionProgress(s.no, s.title, sum(self.complete(i) for i in items), len(items)))
        return out

    def next_open(self, after: Item | None = None) -> Item | None:
        """The first unfinished item after `after`, wrapping to the start; None when all are done."""
        items = self.laid.items
        start = after.index + 1 if after is not None else 0
        for item in items[start:] + items[:start]:
            if not self.complete(item):
                return item
        return None

    def previous(self, item: Item) -> Item | None:
        return self.laid.items[item.index - 1] if item.index > 0 else None

    def following(self, item: Item) -> Item | None:
        return self.laid.items[item.index + 1] if item.index + 1 < len(self.laid.items) else None
