"""Buttons: old answer buttons change nothing, forged data never reaches the error handler, every press is
answered exactly once, pop-ups are plain text."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.standin import Shown
from messages import zh
from storage import cursors, reports
from tests.support.helpers import Chat, Harness

SCHOOL = "安徽工商职业学院"
COORD = 600


async def pop_up(harness: Harness, user: int, shown: Shown, data: str) -> dict[str, Any]:
    """Presses a button and returns the parameters of the one answerCallbackQuery it got."""
    update_id = harness.standin.press(user, shown, data)
    query_id = next(u for u in harness.standin.updates if u["update_id"] == update_id)["callback_query"]["id"]

    def answers() -> list[dict[str, Any]]:
        return [
            c.params
            for c in harness.standin.calls_to("answerCallbackQuery")
            if c.params["callback_query_id"] == query_id
        ]

    await harness.standin.wait_for(lambda: bool(answers()))
    return answers()[0]


@pytest.fixture
async def at_point_5(harness: Harness) -> tuple[Chat, Shown]:
    await harness.bind(COORD, "coordinator", SCHOOL)
    async with harness.deps.db.transaction() as conn:
        report = await reports.ensure(conn, institution_id=24, certificate_id=None, outline="institution", at="t")
        await cursors.put(conn, user_id=COORD, report_id=report.id, item="p5", at="t")
    chat = harness.chat(COORD)
    menu = await chat.say("/menu")
    shown = await chat.tap(menu, "继续填报")
    assert "监测点 5" in shown.text
    return chat, shown


async def test_an_old_skip_or_yes_no_changes_nothing(harness: Harness, at_point_5: tuple[Chat, Shown]) -> None:
    chat, p5 = at_point_5
    p6 = await chat.say("是")  # typed, so the p5 screen's buttons are now old
    assert "监测点 6" in p6.text
    for label in ("跳过", "否"):
        answered = await pop_up(harness, COORD, p5, p5.button(label))
        assert (answered.get("text"), answered.get("show_alert")) == (zh.STALE_BUTTON, True)
    assert (await reports.answers(harness.deps.db.read, 1))["p5"] == {"yes": True, "note": None}
    cursor = await cursors.get(harness.deps.db.read, COORD)
    assert cursor is not None and cursor.item == "p6"
    # The button of the point the walk is on still works.
    asked = await chat.tap(p6, "是")  # ★6 needs evidence: the walk asks for the file first
    assert "监测点 6" in asked.text and "稍后上传 ▶" in [label for label, _ in asked.buttons]
    p7 = await chat.tap(asked, "稍后上传")
    assert "监测点 7" in p7.text
    assert (await reports.answers(harness.deps.db.read, 1))["p6"] == {"yes": True, "note": None}


# --- forged and garbled button data --------------------------------------------------------------------
PREFIXES = ["w", "m", "e", "r", "s", "o", "p", "x", "c", "b", "ofc", "zz", ""]
WORDS = [
    "home", "cont", "secs", "sec", "prog", "evid", "quest", "questfill", "help", "pick", "go", "yn", "ch",
    "skip", "back", "next", "later", "keep", "retype", "confirm", "redo", "ask", "rm", "list", "sum", "page",
    "files", "file", "card", "aud", "cities", "certs", "cancel", "g", "lead", "p1", "p5", "s1.practice", "all",
]  # fmt: skip
NUMBERS = st.one_of(
    st.integers(0, 5).map(str),
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["²", "١٢", "0x10", "1e3", " 1", "1 ", "9223372036854775807", "9223372036854775808", "１"]),
)
PART = st.one_of(st.sampled_from(WORDS), NUMBERS, st.text(max_size=6))
FORGED = st.one_of(
    st.builds(lambda p, rest: ":".join([p, *rest]), st.sampled_from(PREFIXES), st.lists(PART, max_size=5)),
    st.text(min_size=0, max_size=40),
).filter(lambda s: len(s.encode()) <= 64)

ROLES = {"stranger": 900, "coordinator": COORD, "city": 610, "expert": 620, "office": 1}


@pytest.fixture
async def everyone(harness: Harness) -> Harness:
    """A coordinator with a report, a city bureau, an expert assigned to that school, and the office."""
    await harness.bind(COORD, "coordinator", SCHOOL)
    await harness.bind(610, "city", city="合肥")
    await harness.bind(620, "expert")
    async with harness.deps.db.transaction() as conn:
        report = await reports.ensure(conn, institution_id=24, certificate_id=None, outline="institution", at="t")
        await cursors.put(conn, user_id=COORD, report_id=report.id, item="p5", at="t")
        from storage import oversight

        await oversight.assign(conn, 620, 24, at="t")
    # Random presses may redraw the screen they were pressed on unchanged; show() expects and skips that.
    harness.standin.expect_refusal("message is not modified")
    return harness


@pytest.mark.parametrize("role", list(ROLES))
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=FORGED)
async def test_any_button_data_is_answered_once_and_never_reaches_the_error_handler(
    everyone: Harness, role: str, data: str
) -> None:
    user = ROLES[role]
    anchor = everyone.standin.place(Shown(1, user, "旧消息", None))
    answered = await pop_up(everyone, user, anchor, data)
    text = answered.get("text") or ""
    assert "<" not in text and "&lt;" not in text  # pop-ups are plain text
    alerts = [
        c for c in everyone.standin.calls_to("sendMessage") if c.params["chat_id"] == 1 and "出错" in c.params["text"]
    ]
    assert alerts == []


@pytest.mark.parametrize(
    "data", ["w:1:p5:yn:²", "w:²:p5:yn:1", "m:home:99999999999999999999:", "e:1:p5:rm:١٢", "r:9223372036854775808:sum:"]
)
async def test_malformed_numbers_get_a_pop_up(everyone: Harness, data: str) -> None:
    anchor = everyone.standin.place(Shown(1, COORD, "旧消息", None))
    answered = await pop_up(everyone, COORD, anchor, data)
    assert (answered.get("text"), answered.get("show_alert")) == (zh.STALE_BUTTON, True)
    assert (await reports.answers(everyone.deps.db.read, 1)) == {}


async def test_office_menu_export_refusal_is_not_lost(everyone: Harness) -> None:
    anchor = everyone.standin.place(Shown(1, COORD, "旧消息", None))
    answered = await pop_up(everyone, COORD, anchor, "ofc:export")
    assert (answered.get("text"), answered.get("show_alert")) == (zh.NOT_ALLOWED, True)
    office = everyone.standin.place(Shown(1, 1, "旧消息", None))
    answered = await pop_up(everyone, 1, office, "ofc:export")
    assert answered.get("text") is None  # acknowledged once, silently; the export follows as messages
    await everyone.standin.wait_for(
        lambda: any(c.files.get("document") for c in everyone.standin.calls_to("sendDocument"))
    )


def test_pop_up_text_is_plain() -> None:
    from handlers.screen import plain

    assert plain("<b>第 3 项</b> 缺少 &lt;佐证&gt;") == "第 3 项 缺少 <佐证>"
    assert len(plain("很长" * 200)) == 200
