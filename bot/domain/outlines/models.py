"""Pydantic models of an outline file. Loading validates wording, flags, answer types and formulas."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

# The answer types are classes of their own (bot/domain/answers/types); they are named here too, where the outline is.
from bot.domain.answers.types import Answer as Answer
from bot.domain.answers.types import Check as Check
from bot.domain.answers.types import Choice as Choice
from bot.domain.answers.types import Number as Number
from bot.domain.answers.types import NumberField as NumberField
from bot.domain.answers.types import Numbers as Numbers
from bot.domain.answers.types import Rate as Rate
from bot.domain.answers.types import Text as Text
from bot.domain.answers.types import YesNo as YesNo
from bot.domain.answers.types.base import Strict as _Strict

LEVELS = ("初级", "中级", "高级")

# The completion rates the office reads for every report, in the order they are shown.
RateRole = Literal["registration", "assessment", "pass"]
RATE_ROLES: tuple[RateRole, ...] = ("registration", "assessment", "pass")


class Point(_Strict):
    no: int = Field(ge=1)
    core: bool
    text: str = Field(min_length=4)
    hint: str = ""
    evidence: bool = False  # the point expects 佐证材料
    # An answer that leaves nothing to prove (★17 否: there is no incentive scheme to show) waives the file.
    evidence_waived_by: Literal["yes", "no"] | None = None
    note: str = ""  # an editorial note on the wording, shown to the office only
    answer: Answer
    # Roles the office's checks read from the data, never from point numbers in code:
    # rate: this numbers point's (single) rate is the outline's 报考率 / 考核率 / 合格率 for flags and summaries;
    # compare: fields of this point set beside the other outline's same field in 交叉核对;
    # alert: a 是 on this violation question is flagged on /flags as ★N + this label.
    rate: RateRole | None = None
    compare: list[str] = Field(default_factory=list)
    alert: str | None = Field(default=None, min_length=2)

    @model_validator(mode="after")
    def _waiver(self) -> Point:
        if self.evidence_waived_by is not None and not (self.evidence and self.answer.waives_evidence):
            raise ValueError(f"point {self.no}: evidence_waived_by needs evidence and a yes/no answer")
        return self

    @model_validator(mode="after")
    def _roles(self) -> Point:
        answer = self.answer
        table = answer.as_table()
        if self.rate is not None and not (table is not None and len(table.rates) == 1):
            raise ValueError(f"point {self.no}: rate {self.rate!r} needs a numbers answer with exactly one rate")
        if self.compare:
            own = [f.id for f in answer.number_fields()]
            for fid in self.compare:
                if fid not in own:
                    raise ValueError(f"point {self.no}: compare names {fid!r}, which this point does not ask")
            if len(set(self.compare)) != len(self.compare):
                raise ValueError(f"point {self.no}: compare names a field twice: {self.compare}")
        if self.alert is not None and not answer.signals_breach():
            raise ValueError(f"point {self.no}: alert is only for a yes/no question of flavour violation")
        return self


class Narrative(_Strict):
    key: Literal["practice", "problems"]
    label: str
    required: bool = True


class Section(_Strict):
    no: int = Field(ge=1)
    title: str
    indicator: str
    points: list[Point] = Field(min_length=1)
    narratives: list[Narrative] | None = None  # None: the outline's default narratives


class Outline(_Strict):
    id: Literal["institution", "training_org"]
    source: str
    title: str
    subject: Literal["institution", "certificate"]
    narratives: list[Narrative]
    sections: list[Section]

    @model_validator(mode="after")
    def _consistent(self) -> Outline:
        secs = [s.no for s in self.sections]
        if secs != list(range(1, len(secs) + 1)):
            raise ValueError(f"sections must be numbered 1..n in order, got {secs}")
        points = [p for s in self.sections for p in s.points]
        nos = [p.no for p in points]
        if nos != list(range(1, len(nos) + 1)):
            raise ValueError(f"monitoring points must be numbered 1..n in order, got {nos}")
        fields: dict[str, int] = {}
        for p in points:
            for f in p.answer.number_fields():
                if f.id in fields or f.id == "scale":
                    raise ValueError(f"point {p.no}: field id {f.id!r} used twice")
                fields[f.id] = p.no
        for p in points:
            table = p.answer.as_table()
            if table is None:
                continue
            known = set(fields) | ({"scale"} if table.shows_scale else set())
            for rate in table.rates:
                for ref in (rate.numerator, rate.denominator):
                    if ref not in known or fields.get(ref, 0) > p.no:
                        raise ValueError(f"point {p.no}: rate {rate.label} uses {ref!r}, not asked by then")
            for chk in table.checks:
                own = {f.id for f in table.fields}
                if chk.field not in own:
                    raise ValueError(f"point {p.no}: check on {chk.field!r}, which this point does not ask")
                if isinstance(chk.other, str) and (chk.other not in known or fields.get(chk.other, 0) > p.no):
                    raise ValueError(f"point {p.no}: check compares with {chk.other!r}, not asked by then")
        # A compared field is compared once per outline: it is one of its point's own fields (Point._roles),
        # named once there, and field ids are unique above.
        rated: dict[str, int] = {}
        for p in points:
            if p.rate is not None:
                if p.rate in rated:
                    raise ValueError(f"rate {p.rate!r} is given by points {rated[p.rate]} and {p.no}; one only")
                rated[p.rate] = p.no
        return self
