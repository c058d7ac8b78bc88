"""Loads the outline files, fills in the campaign year, and lays out the items a coordinator walks."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from typing import Literal

from bot.domain.outlines.models import RATE_ROLES, Narrative, Outline, Point, RateRole, Section

OutlineId = Literal["institution", "training_org"]


@dataclass(frozen=True, slots=True)
class Item:
    """One thing a coordinator answers: a monitoring point, or a section's narrative."""

    key: str
    index: int
    section: Section
    point: Point | None = None
    narrative: Narrative | None = None

    @property
    def core(self) -> bool:
        return self.point is not None and self.point.core

    @property
    def skippable(self) -> bool:
        """Non-core points may be dropped; core points and required narratives can only be put off."""
        if self.point is not None:
            return not self.point.core
        return self.narrative is not None and not self.narrative.required


def _render(raw: str, year: int) -> str:
    return raw.replace("{year}", str(year))


def load_outline(outline_id: OutlineId, *, year: int) -> Outline:
    text = (resources.files("bot.domain.outlines") / f"{outline_id}.json").read_text(encoding="utf-8")
    return Outline.model_validate(json.loads(_render(text, year)))


class LaidOut:
    """An outline with its items in walking order and lookups the walk needs."""

    def __init__(self, outline: Outline) -> None:
        self.outline = outline
        items: list[Item] = []
        for section in outline.sections:
            for point in section.points:
                items.append(Item(f"p{point.no}", len(items), section, point=point))
            for narrative in section.narratives if section.narratives is not None else outline.narratives:
                items.append(Item(f"s{section.no}.{narrative.key}", len(items), section, narrative=narrative))
        self.items = items
        self.by_key = {i.key: i for i in items}

    @cached_property
    def field_owner(self) -> dict[str, str]:
        """Which item asks each number field, for rules that compare across points."""
        out: dict[str, str] = {}
        for item in self.items:
            for f in item.point.answer.number_fields() if item.point is not None else []:
                out[f.id] = item.key
        return out

    @cached_property
    def by_rate(self) -> dict[RateRole, Item]:
        """The numbers point whose rate is each completion rate (报考率, 考核率, 合格率), in that order."""
        tagged = {i.point.rate: i for i in self.items if i.point is not None and i.point.rate is not None}
        return {role: tagged[role] for role in RATE_ROLES if role in tagged}

    @cached_property
    def compared(self) -> dict[str, Item]:
        """Each field set beside the other outline's same field in 交叉核对, and the point that asks it,
        in walking order."""
        return {f: i for i in self.items if i.point is not None for f in i.point.compare}

    @cached_property
    def alerts(self) -> list[tuple[Item, str]]:
        """The violation questions whose 是 needs the office's attention, with their short labels."""
        return [(i, i.point.alert) for i in self.items if i.point is not None and i.point.alert is not None]

    def section_items(self, section_no: int) -> list[Item]:
        return [i for i in self.items if i.section.no == section_no]

    @property
    def sections(self) -> list[Section]:
        return self.outline.sections


@dataclass(frozen=True)
class Outlines:
    institution: LaidOut
    training_org: LaidOut

    def get(self, outline_id: str) -> LaidOut:
        if outline_id == "institution":
            return self.institution
        if outline_id == "training_org":
            return self.training_org
        raise KeyError(outline_id)


def check_pair(institution: LaidOut, training_org: LaidOut) -> None:
    """The two outlines are cross-checked field by field, so both must compare the same fields."""
    mine, theirs = list(institution.compared), list(training_org.compared)
    if set(mine) != set(theirs):
        raise ValueError(f"the outlines compare different fields: institution {mine}, training_org {theirs}")


def load_outlines(*, year: int) -> Outlines:
    institution = LaidOut(load_outline("institution", year=year))
    training_org = LaidOut(load_outline("training_org", year=year))
    check_pair(institution, training_org)
    return Outlines(institution=institution, training_org=training_org)
