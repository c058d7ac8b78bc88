"""What a walk update runs in SQL, statement by statement, and why the rows kept in memory stay true.

A typed answer and a button press each run: one look at whether another process committed anything (PRAGMA
data_version: the person asking, their cursor and who their report is for are then read from memory,
storage.db.Kept), and one short transaction that records the update id, reads the report with its context in
one statement, writes the answer (if any) and the cursor. Counted with sqlite3's trace callback on both
on-loop connections."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.standin import Shown
from messages import signin as texts
from messages import zh
from storage import Database, cursors, people, reports
from storage.models import Cursor
from tests.support.helpers import Harness

SCHOOL = "安徽工商职业学院"
CERTS = {"Web前端开发": ("腾讯云计算（北京）有限责任公司", SCHOOL)}
USER = 600

# The statements of one walk step that writes an answer, in order.
ANSWER_STEP = [
    "PRAGMA data_version",  # another process's commit? (then what is kept is read again)
    "BEGIN IMMEDIATE",
    "INSERT processed_updates",  # exactly once: the update id commits with the change
    "SELECT report and context",  # the report, the campaign's close, a waiting text part, answers, files
    "INSERT answers",  # (its triggers: the audit entry, the report's generation)
    "INSERT cursors",
    "COMMIT",
]


def _label(sql: str) -> str:
    text = " ".join(sql.split())
    if text.startswith("SELECT 'R', id, institution_id"):
        # Who the report is for (its unit, certificate and pilots) is read once, then kept.
        return "SELECT report, unit and context" if "FROM pilots" in text else "SELECT report and context"
    words = text.replace("OR IGNORE ", "").split()
    if words[0] in ("INSERT", "DELETE") and len(words) > 2:
        return f"{words[0]} {words[2]}"
    if words[0] in ("SELECT", "UPDATE"):
        table = next((w for w in words if w in ("people", "cursors", "reports", "answers")), "?")
        return f"{words[0]} {table}"
    return text


def statements(traced: list[str]) -> list[str]:
    """The statements the bot ran, labelled. A trigger's statements are traced with the text of the statement
    that fired them, so a run of identical texts is one statement. The inbox's own transaction (updates are
    stored as they are fetched, in batches, before any is handled) is not the update's work: left out."""
    out: list[str] = []
    previous = None
    skip_commit = False
    for sql in traced:
        if sql == previous:
            continue
        previous = sql
        label = _label(sql)
        if label.endswith(" inbox"):
            if out and out[-1] == "BEGIN IMMEDIATE":
                out.pop()
                skip_commit = True
            continue
        if label == "COMMIT" and skip_commit:
            skip_commit = False
            continue
        out.append(label)
    return out


@contextmanager
def traced(harness: Harness) -> Iterator[list[str]]:
    seen: list[str] = []
    db = harness.deps.db
    conns = (db.read.raw, db.writer.raw)
    for conn in conns:
        conn.set_trace_callback(seen.append)
    try:
        yield seen
    finally:
        for conn in conns:
            conn.set_trace_callback(None)


async def _walking(harness: Harness) -> Shown:
    await harness.certify(CERTS, {SCHOOL: [("Web前端开发", 150)]})
    await harness.bind(USER, "coordinator", SCHOOL)
    chat = harness.chat(USER)
    return await chat.tap(await chat.say("/menu"), "继续填报")


async def test_a_typed_answer_and_a_press_each_run_seven_statements(harness: Harness) -> None:
    await _walking(harness)
    chat = harness.chat(USER)
    with traced(harness) as seen:
        table = await chat.say("120")
    assert "请核对" in table.text
    assert statements(seen) == ANSWER_STEP, seen
    with traced(harness) as seen:
        confirmed = await chat.tap(table, "确认无误")
    assert "请核对" not in confirmed.text
    assert statements(seen) == ANSWER_STEP, seen


async def test_a_press_that_only_moves_the_cursor_writes_no_answer(harness: Harness) -> None:
    await _walking(harness)
    chat = harness.chat(USER)
    table = await chat.say("120")
    with traced(harness) as seen:
        again = await chat.tap(table, "重新填写")  # one row: asked again, nothing stored changes
    assert "请核对" not in again.text
    assert statements(seen) == [s for s in ANSWER_STEP if s != "INSERT answers"], seen


async def test_a_role_changed_in_the_bot_counts_from_the_next_update(harness: Harness) -> None:
    """The person asking is kept in memory: re-binding to another role (the office's new invitation)
    forgets them, so the very next update is handled for the new role."""
    shown = await _walking(harness)
    chat = harness.chat(USER)
    code = await harness.invite("city", city="合肥")
    done = await chat.tap(await chat.say(f"/start {code}"), texts.BTN_REBIND_YES)
    assert done.text == zh.welcome("city", "合肥")
    assert (await chat.say("120")).text == zh.UNKNOWN_COMMAND  # no longer a coordinator's answer
    # Nor is their report's button theirs any more.
    n = len(harness.standin.calls_to("answerCallbackQuery"))
    harness.standin.press(USER, shown, shown.button("稍后填写"))
    await harness.standin.wait_for(lambda: len(harness.standin.calls_to("answerCallbackQuery")) > n)
    assert harness.standin.calls_to("answerCallbackQuery")[-1].params["text"] == zh.NOT_ALLOWED
    assert await reports.answers(harness.deps.db.read, 1) == {}


async def test_unbinding_by_another_process_counts_from_the_next_update(harness: Harness) -> None:
    """A commit by another process (the CLI, a hand edit) is seen by SQLite's data_version: what is kept
    is read again."""
    await _walking(harness)
    chat = harness.chat(USER)
    other = sqlite3.connect(harness.settings.db_path)
    try:
        with other:
            other.execute("DELETE FROM people WHERE user_id = ?", (USER,))
    finally:
        other.close()
    assert (await chat.say("120")).text == zh.NOT_BOUND
    assert await reports.answers(harness.deps.db.read, 1) == {}


async def test_a_cursor_moved_by_another_process_counts_from_the_next_update(harness: Harness) -> None:
    await _walking(harness)
    chat = harness.chat(USER)
    db = harness.deps.db
    here = await cursors.get(db.read, USER)
    assert here is not None and here.item == "p1"
    laid = harness.deps.outlines.get("institution")
    target = next(i for i in laid.items if i.narrative is not None)  # any text answers it
    other = sqlite3.connect(harness.settings.db_path)
    try:
        with other:
            other.execute("UPDATE cursors SET item = ?, row = 0, stage = 'ask' WHERE user_id = ?", (target.key, USER))
    finally:
        other.close()
    assert await cursors.get(db.read, USER) == here  # still kept: nothing has looked since
    await chat.say("本部分已按提纲开展工作。")
    assert await reports.answers(db.read, 1) == {target.key: {"text": "本部分已按提纲开展工作。"}}


@pytest.fixture
async def db(tmp_path: Path) -> Database:
    database = Database(tmp_path / "x.sqlite3")
    await database.connect()
    async with database.transaction() as conn:
        await conn.execute("INSERT INTO institutions (id, name, kind) VALUES (1, '某学院', '高职')")
        await conn.execute(
            "INSERT INTO reports (id, institution_id, outline, started_at, updated_at) "
            "VALUES (1, 1, 'institution', 't', 't')"
        )
        await people.bind(
            conn, user_id=USER, name="甲", role="coordinator", institution_id=1, city=None, chat_id=USER, at="t"
        )
        await cursors.put(conn, user_id=USER, report_id=1, item="p1", at="t")
    return database


def _stored(database: Database) -> Cursor | None:
    row = database.writer.raw.execute(
        "SELECT user_id, report_id, item, row, stage, pending FROM cursors WHERE user_id = ?", (USER,)
    ).fetchone()
    return Cursor(*row) if row else None


async def test_the_kept_cursor_is_the_committed_row(db: Database) -> None:
    kept = await cursors.get(db.read, USER)
    assert kept == _stored(db) == Cursor(USER, 1, "p1", 0, "ask", "{}")
    async with db.transaction() as conn:
        await cursors.put(conn, user_id=USER, report_id=1, item="p2", row=1, stage="warn", pending={"a": 1}, at="t")
        # Inside the transaction its own write is read (from SQL, not the kept row).
        assert await cursors.get(conn, USER) == Cursor(USER, 1, "p2", 1, "warn", '{"a": 1}')
    assert db.kept.cursors[USER] == _stored(db) == Cursor(USER, 1, "p2", 1, "warn", '{"a": 1}')
    async with db.transaction() as conn:
        await cursors.put(conn, user_id=USER, report_id=1, item="p2", row=1, stage="confirm", at="t")
    assert db.kept.cursors[USER] == _stored(db) == Cursor(USER, 1, "p2", 1, "confirm", "{}")
    async with db.transaction() as conn:
        await cursors.mark_menu(conn, USER, 1, at="t")
    assert USER not in db.kept.cursors  # computed in SQL: read again
    assert await cursors.get(db.read, USER) == _stored(db) == Cursor(USER, 1, "p2", 1, "menu", '{"stage":"confirm"}')


async def test_a_rolled_back_write_leaves_the_committed_row_kept(db: Database) -> None:
    before = await cursors.get(db.read, USER)
    who = await people.get(db.read, USER)
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await cursors.put(conn, user_id=USER, report_id=1, item="p9", at="t")
            await people.bind(
                conn, user_id=USER, name="乙", role="city", institution_id=None, city="合肥", chat_id=1, at="t"
            )
            raise RuntimeError("rolled back")
    assert await cursors.get(db.read, USER) == before == _stored(db)
    assert await people.get(db.read, USER) == who
    assert who is not None and who.role == "coordinator"


def _scale(shown: Shown) -> str:
    return shown.text.split("试点规模 ")[1].split("）")[0]


async def test_a_pilot_scale_changed_by_the_roster_counts_from_the_next_update(harness: Harness) -> None:
    """Who a report is for is kept in memory: a roster import in this process forgets it."""
    shown = await _walking(harness)
    assert _scale(shown) == "150"
    # ◀ 上一项 on the first point shows it again.
    await harness.certify(CERTS, {SCHOOL: [("Web前端开发", 90)]})
    assert _scale(await harness.chat(USER).tap(shown, "上一项")) == "90"


async def test_a_pilot_scale_changed_by_another_process_counts_from_the_next_update(harness: Harness) -> None:
    shown = await _walking(harness)
    other = sqlite3.connect(harness.settings.db_path)
    try:
        with other:
            other.execute("UPDATE pilots SET scale = 80")
    finally:
        other.close()
    assert _scale(await harness.chat(USER).tap(shown, "上一项")) == "80"


async def test_a_refused_answer_writes_only_the_update_id(harness: Harness) -> None:
    """Nothing changes but the update being applied: no cursor write (it would write what is stored)."""
    await _walking(harness)
    chat = harness.chat(USER)
    before = await cursors.get(harness.deps.db.read, USER)
    with traced(harness) as seen:
        refused = await chat.say("很多")
    assert "监测点 1" in refused.text
    assert statements(seen) == [s for s in ANSWER_STEP if s not in ("INSERT answers", "INSERT cursors")], seen
    assert await cursors.get(harness.deps.db.read, USER) == before == _stored(harness.deps.db)
    assert await reports.answers(harness.deps.db.read, 1) == {}


async def test_a_cursor_read_beside_a_transaction_is_not_kept(db: Database) -> None:
    """A read while another task's transaction is open sees the committed row, which that transaction may be
    changing: keeping it would let a later write of the same value be skipped wrongly."""
    committed = await cursors.get(db.read, USER)
    assert committed == Cursor(USER, 1, "p1", 0, "ask", "{}")
    async with db.transaction() as conn:
        await cursors.put(conn, user_id=USER, report_id=1, item="p2", at="t")
        assert await cursors.get(db.read, USER) == committed  # the reader's view: still the committed row
        await cursors.put(conn, user_id=USER, report_id=1, item="p1", at="t")  # back to it
    assert _stored(db) == committed
    assert await cursors.get(db.read, USER) == committed
