"""Conversation stages as enums per flow, and the cursor's pending state as typed models: what a stored row
names is read strictly, and a pending state an older version wrote that does not validate is no pending
state (the step is asked again), never a crash."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from pydantic import BaseModel

from bot.core import stages
from bot.core.stages import (
    AsideStage,
    BroadcastPending,
    BroadcastStage,
    EvidenceStage,
    GradePending,
    GradeStage,
    PlacePending,
    ResumePending,
    ReturnPending,
    ReturnStage,
    WalkStage,
    WarnPending,
    pending,
    stage_of,
)
from storage import cursors, reports
from storage.models import Cursor
from tests.support.helpers import Harness


def _cursor(stage: str, raw: str) -> Cursor:
    return Cursor(user_id=7, report_id=1, item="p5", row=0, stage=stage, pending=raw)


def test_every_stage_name_belongs_to_exactly_one_flow() -> None:
    names = [member.value for flow in stages.FLOWS for member in flow]
    assert len(names) == len(set(names))
    assert {name: stage_of(name) for name in names} == {
        member.value: member for flow in stages.FLOWS for member in flow
    }
    # The names storage/cursors.py writes in SQL are stages of the walk and of the screens beside it.
    assert (stage_of("ask"), stage_of("menu"), stage_of("submit")) == (
        WalkStage.ASK,
        AsideStage.MENU,
        AsideStage.SUBMIT,
    )
    assert stage_of("teleport") is None and stage_of("") is None


PENDINGS: list[tuple[type[BaseModel], Any]] = [
    (ResumePending, ResumePending(stage=WalkStage.CONFIRM)),
    (
        WarnPending,
        WarnPending.model_validate(
            {
                "rows": {"c1": {"students": 80}},
                "findings": [{"severity": "warn", "message": "m", "row": "证书甲", "read": [["学生", 80], [None, 40]]}],
            }
        ),
    ),
    (PlacePending, PlacePending(file_id="AgAD", name="a.pdf", size=12, caption="")),
    (BroadcastPending, BroadcastPending(text="通知", audience="city", arg="合肥")),
    (GradePending, GradePending(institution=24, certificate=None, grade="合格")),
    (ReturnPending, ReturnPending({"p5": "请补充", "*": "整体"})),
]


@pytest.mark.parametrize(("model", "value"), PENDINGS, ids=[m.__name__ for m, _ in PENDINGS])
def test_each_pending_state_is_stored_as_json_and_read_back_equal(model: type[BaseModel], value: Any) -> None:
    stored = json.dumps(value.dump(), ensure_ascii=False)  # as storage/cursors.put writes it
    assert pending(_cursor("x", stored), model) == value


@pytest.mark.parametrize(
    ("model", "raw"),
    [
        (WarnPending, '{"rows": "c1"}'),  # not a table
        (WarnPending, '{"rows": {"c1": {"students": "many"}}}'),
        (PlacePending, '{"name": "a.pdf"}'),  # no file id
        (BroadcastPending, '{"txt": "通知"}'),  # an unknown key
        (GradePending, '{"institution": 24, "grade": "极好"}'),  # not one of the grades
        (GradePending, '{"institution": "二十四", "grade": "合格"}'),
        (ReturnPending, '{"p5": 3}'),
        (ResumePending, '{"stage": "teleport"}'),
        (PlacePending, "not json"),
        (PlacePending, "[1, 2]"),
    ],
)
def test_a_pending_state_that_does_not_validate_is_no_pending_state(
    model: type[BaseModel], raw: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, "xcheck.stages"):
        assert pending(_cursor("x", raw), model) is None
    assert [r.levelno for r in caplog.records] == [logging.WARNING]


def test_no_pending_state_is_none_without_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, "xcheck.stages"):
        assert pending(_cursor("ask", "{}"), WarnPending) is None
        assert pending(None, WarnPending) is None
    assert caplog.records == []


def test_a_warning_saved_before_whole_tables_reads_as_one_row() -> None:
    legacy = '{"row": "c1", "values": {"students": 80}, "findings": []}'
    assert pending(_cursor("warn", legacy), WarnPending) == WarnPending(rows={"c1": {"students": 80}}, findings=[])


# --- end to end: rows written by an older version --------------------------------------------------------
SCHOOL = "安徽工商职业学院"


async def _raw_cursor(harness: Harness, user_id: int, report_id: int | None, stage: str, raw: str) -> None:
    async with harness.deps.db.transaction() as conn:
        await cursors.put(conn, user_id=user_id, report_id=report_id, item="p5", stage=stage, at="t")
        await conn.execute("UPDATE cursors SET pending = ? WHERE user_id = ?", (raw, user_id))


def _expected_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "xcheck.stages"]


async def test_a_warning_with_unreadable_figures_asks_the_point_again(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await harness.bind(600, "coordinator", SCHOOL)
    async with harness.deps.db.transaction() as conn:
        report = await reports.ensure(conn, institution_id=24, certificate_id=None, outline="institution", at="t")
    await _raw_cursor(harness, 600, report.id, WalkStage.WARN, '{"rows": {"c1": {"students": "many"}}}')
    chat = harness.chat(600)
    shown = await chat.tap(await chat.say("/menu"), "继续填报")
    assert "监测点 5" in shown.text and "仍然保存" not in [label for label, _ in shown.buttons]
    assert _expected_warnings(caplog) != []
    cursor = await cursors.get(harness.deps.db.read, 600)
    assert cursor is not None and (cursor.stage, cursor.item, cursor.pending) == ("ask", "p5", "{}")


async def test_a_return_whose_comments_do_not_validate_is_stale_and_returns_nothing(harness: Harness) -> None:
    await harness.bind(600, "coordinator", SCHOOL)
    async with harness.deps.db.transaction() as conn:
        report = await reports.ensure(conn, institution_id=24, certificate_id=None, outline="institution", at="t")
    await harness.fill(report.id)
    async with harness.deps.db.transaction() as conn:
        await conn.execute("UPDATE reports SET status = 'submitted', version = 1 WHERE id = ?", (report.id,))
    await _raw_cursor(harness, 1, report.id, ReturnStage.CONFIRM, '{"p5": ["请补充"]}')
    office = harness.chat(1)
    shown = await office.say("/menu")
    harness.standin.press(1, shown, f"o:{report.id}:retgo:")
    await harness.standin.wait_for(lambda: bool(harness.standin.calls_to("answerCallbackQuery")))
    answered = harness.standin.calls_to("answerCallbackQuery")[-1].params
    assert answered.get("show_alert") is True
    found = await reports.get(harness.deps.db.read, report.id)
    assert found is not None and found.status == "submitted"


async def test_a_grade_comment_without_a_valid_grade_shows_the_expert_menu(harness: Harness) -> None:
    await harness.bind(620, "expert")
    await _raw_cursor(harness, 620, None, GradeStage.COMMENT, '{"institution": 24, "grade": "极好"}')
    shown = await harness.chat(620).say("经费管理规范。")
    from storage import oversight

    assert await oversight.grades(harness.deps.db.read) == []
    assert "评定为" not in shown.text


async def test_a_broadcast_draft_without_its_text_is_stale(harness: Harness) -> None:
    await _raw_cursor(harness, 1, None, BroadcastStage.AUDIENCE, '{"body": "旧版本"}')
    office = harness.chat(1)
    shown = await office.say("/menu")
    harness.standin.press(1, shown, "b:aud:all:")
    await harness.standin.wait_for(lambda: bool(harness.standin.calls_to("answerCallbackQuery")))
    assert harness.standin.calls_to("answerCallbackQuery")[-1].params.get("show_alert") is True
    from storage import campaign

    assert await campaign.running_broadcasts(harness.deps.db.read) == []


async def test_a_file_waiting_for_its_point_without_a_file_id_is_stale(harness: Harness) -> None:
    await harness.bind(600, "coordinator", SCHOOL)
    async with harness.deps.db.transaction() as conn:
        report = await reports.ensure(conn, institution_id=24, certificate_id=None, outline="institution", at="t")
    await _raw_cursor(harness, 600, report.id, EvidenceStage.PLACE, '{"name": "a.pdf"}')
    chat = harness.chat(600)
    shown = await chat.say("/menu")
    harness.standin.press(600, shown, f"e:{report.id}:p5:put:")
    await harness.standin.wait_for(lambda: bool(harness.standin.calls_to("answerCallbackQuery")))
    assert harness.standin.calls_to("answerCallbackQuery")[-1].params.get("show_alert") is True
    from storage import evidence

    assert await evidence.of_report(harness.deps.db.read, report.id) == []
