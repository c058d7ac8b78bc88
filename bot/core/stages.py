"""Conversation stages, one enum per flow, and the typed state a stage keeps while it waits (the cursor's
`pending`). Storage keeps both as text (cursors.stage, cursors.pending as JSON); the code reads and writes
them only through these types. A `pending` written by an older version that does not validate is read as
no pending state: the step is simply asked again, nothing crashes."""

from __future__ import annotations

import json
import logging
from enum import StrEnum
from typing import Any, TypeAlias, TypeVar

from pydantic import BaseModel, ConfigDict, RootModel, ValidationError, field_validator, model_validator

from bot.domain.oversight.oversight import GRADES
from storage.models import Cursor

log = logging.getLogger("xcheck.stages")


class WalkStage(StrEnum):
    """Where a person is on the item the walk shows."""

    ASK = "ask"  # the question
    FOLLOWUP = "followup"  # the explanation after a 否
    WARN = "warn"  # figures read with a warning: keep them or type again (WarnPending)
    CONFIRM = "confirm"  # a whole table read: confirm it or change a row
    PICK = "pick"  # which row of the table to type again
    EVID = "evid"  # the evidence the answer needs
    REPLY = "reply"  # a reply to the office's comment on a returned point
    DONE = "done"  # every item answered


class AsideStage(StrEnum):
    """Screens beside the walk; the walk's own stage waits in ResumePending."""

    MENU = "menu"
    SUBMIT = "submit"  # between 提交报告 and 确认提交: reminders wait


class QuestStage(StrEnum):
    ROW = "quest"  # typing a row of the questionnaire table


class EvidenceStage(StrEnum):
    PLACE = "place"  # a file arrived from the menu: which point does it support? (PlacePending)


class BroadcastStage(StrEnum):
    TEXT = "bc_text"
    AUDIENCE = "bc_audience"  # (BroadcastPending)
    CONFIRM = "bc_confirm"  # (BroadcastPending with the audience)


class ReturnStage(StrEnum):
    """The office returning a report for revision."""

    POINTS = "return_points"
    ALL = "return_all"
    CONFIRM = "return_confirm"  # (ReturnPending)


class GradeStage(StrEnum):
    COMMENT = "grade_comment"  # an expert typing the comment of the grade just chosen (GradePending)


Stage: TypeAlias = WalkStage | AsideStage | QuestStage | EvidenceStage | BroadcastStage | ReturnStage | GradeStage
FLOWS: tuple[type[StrEnum], ...] = (
    WalkStage,
    AsideStage,
    QuestStage,
    EvidenceStage,
    BroadcastStage,
    ReturnStage,
    GradeStage,
)


# Every stage by its stored name, the first flow's if two flows shared one (a look-up per walk step, where
# trying each flow in turn raised and caught a ValueError per flow before the right one).
_BY_NAME: dict[str, Stage] = {}
for _flow in reversed(FLOWS):
    _BY_NAME.update({str(member.value): member for member in _flow})  # type: ignore[misc]


def stage_of(text: str) -> Stage | None:
    """The stage a stored cursor names, or None for a name no flow has (a row from a newer version)."""
    return _BY_NAME.get(text)


# --- pending state ----------------------------------------------------------------------------------------
class _Pending(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class ResumePending(_Pending):
    """menu / submit: the walk's stage to go back to."""

    stage: WalkStage = WalkStage.ASK


class FindingRow(_Pending):
    severity: str  # 'error' | 'warn' (the outline's rule severities)
    message: str
    row: str = ""
    read: list[tuple[str | None, int]] = []  # a label of None is the roster's 试点规模


class WarnPending(_Pending):
    """warn: the figures as read (row key → field → value) and what was found in them."""

    rows: dict[str, dict[str, int]]
    findings: list[FindingRow] = []

    @model_validator(mode="before")
    @classmethod
    def _one_row(cls, data: Any) -> Any:
        # A warning saved before whole tables were read at once: {"row": key, "values": {...}}.
        if isinstance(data, dict) and "rows" not in data and "row" in data:
            rest = {k: v for k, v in data.items() if k not in ("row", "values")}
            return {**rest, "rows": {data["row"]: data.get("values", {})}}
        return data


class PlacePending(_Pending):
    """place: the file waiting for its point (nothing downloaded yet)."""

    file_id: str
    name: str | None = None
    size: int | None = None
    caption: str = ""


class BroadcastPending(_Pending):
    """bc_audience / bc_confirm: the text, then the audience chosen."""

    text: str
    audience: str | None = None
    arg: str = ""


class GradePending(_Pending):
    """grade_comment: the unit and the grade chosen."""

    institution: int
    certificate: int | None = None
    grade: str

    @field_validator("grade")
    @classmethod
    def _known(cls, grade: str) -> str:
        if grade not in GRADES:
            raise ValueError(f"not a grade: {grade!r}")
        return grade


class ReturnPending(RootModel[dict[str, str]]):
    """return_confirm: the office's comment per item key ('*' for the whole report)."""

    model_config = ConfigDict(frozen=True)

    def dump(self) -> dict[str, str]:
        return dict(self.root)


M = TypeVar("M", bound=BaseModel)


def pending(cursor: Cursor | None, model: type[M]) -> M | None:
    """The cursor's pending state as `model`, or None when there is none or it does not validate (written
    by an older version, or hand-edited): that step is then asked again."""
    if cursor is None or not cursor.pending or cursor.pending == "{}":
        return None
    try:
        return model.model_validate(json.loads(cursor.pending))
    except (ValueError, ValidationError):  # JSONDecodeError is a ValueError
        log.warning("pending state of user %s at %r ignored: not a %s", cursor.user_id, cursor.stage, model.__name__)
        return None
