"""A report's answers are kept in memory between walk steps (storage/reports.py) and read again whenever any
writer changed them: the walk's own committed writes are applied, anything else (a rolled-back write, a
deletion, another process) makes the next step read them from the database."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from storage import Database, reports, roster
from storage.models import Report
from tests.support.helpers import Harness

SCHOOL = "安徽工商职业学院"


async def _report(db: Database, at: str) -> Report:
    inst = await roster.find_institution(db.read, SCHOOL)
    assert inst is not None
    async with db.transaction() as conn:
        return await reports.ensure(conn, institution_id=inst.id, certificate_id=None, outline="institution", at=at)


async def _answers(db: Database, report: Report, trace: list[str] | None = None) -> dict[str, Any]:
    """The answers a walk step sees (the context is read inside its transaction, on the writer)."""
    if trace is not None:
        db.writer.raw.set_trace_callback(trace.append)
    try:
        async with db.transaction() as conn:
            return (await reports.context(conn, report)).answers
    finally:
        db.writer.raw.set_trace_callback(None)


async def _put(db: Database, report: Report, item: str, value: object, at: str) -> None:
    async with db.transaction() as conn:
        await reports.put_answer(conn, report_id=report.id, item=item, value=value, user_id=600, at=at)


def _read_answers(trace: list[str]) -> list[str]:
    return [sql for sql in trace if "FROM answers" in sql]


async def test_kept_answers_follow_every_writer(harness: Harness) -> None:
    db = harness.deps.db
    at = harness.clock.now().isoformat()
    report = await _report(db, at)
    assert await _answers(db, report) == {}
    await _put(db, report, "p1", {"yes": True, "note": None}, at)
    await _put(db, report, "p2", {"n": 3}, at)
    # The walk's own writes were applied to what is kept: the next step reads no answer from the database.
    trace: list[str] = []
    assert await _answers(db, report, trace) == {"p1": {"yes": True, "note": None}, "p2": {"n": 3}}
    assert _read_answers(trace) == []

    # A walk step reads the context, then writes (the generation it makes is counted, not read back).
    trace = []
    db.writer.raw.set_trace_callback(trace.append)
    try:
        async with db.transaction() as conn:
            await reports.context(conn, report)
            await reports.put_answer(conn, report_id=report.id, item="p2", value={"n": 4}, user_id=600, at=at)
            await reports.put_answer(conn, report_id=report.id, item="p4", value={"text": "甲"}, user_id=600, at=at)
    finally:
        db.writer.raw.set_trace_callback(None)
    assert [sql for sql in trace if "answers_gen FROM reports WHERE id" in sql and "UNION" not in sql] == []
    trace = []
    assert await _answers(db, report, trace) == {
        "p1": {"yes": True, "note": None},
        "p2": {"n": 4},
        "p4": {"text": "甲"},
    }
    assert _read_answers(trace) == []
    async with db.transaction() as conn:
        await reports.delete_answer(conn, report_id=report.id, item="p4")
        await reports.put_answer(conn, report_id=report.id, item="p2", value={"n": 3}, user_id=600, at=at)

    # A write that rolls back leaves nothing behind, in the database or in memory.
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await reports.put_answer(conn, report_id=report.id, item="p2", value={"n": 9}, user_id=600, at=at)
            raise RuntimeError("stop")
    assert await _answers(db, report) == {"p1": {"yes": True, "note": None}, "p2": {"n": 3}}

    # Another process changes an answer and adds one: seen on the next step.
    other = sqlite3.connect(db.path, isolation_level=None)
    try:
        other.execute("UPDATE answers SET value = '{\"n\": 5}' WHERE report_id = ? AND item = 'p2'", (report.id,))
        other.execute(
            "INSERT INTO answers (report_id, item, value, answered_by, answered_at) VALUES (?, 'p3', ?, 7, ?)",
            (report.id, '{"n": 1}', at),
        )
    finally:
        other.close()
    trace = []
    assert await _answers(db, report, trace) == {"p1": {"yes": True, "note": None}, "p2": {"n": 5}, "p3": {"n": 1}}
    assert _read_answers(trace) != []

    # A deletion through any path, too.
    async with db.transaction() as conn:
        await reports.delete_answer(conn, report_id=report.id, item="p1")
    assert await _answers(db, report) == {"p2": {"n": 5}, "p3": {"n": 1}}

    # What a step was handed is its own: changing it changes nothing kept.
    seen = await _answers(db, report)
    seen["p2"] = {"n": 100}
    del seen["p3"]
    assert await _answers(db, report) == {"p2": {"n": 5}, "p3": {"n": 1}}


async def test_answers_are_refused_after_the_close_whether_inserted_or_changed(harness: Harness) -> None:
    db = harness.deps.db
    at = harness.clock.now().isoformat()
    report = await _report(db, at)
    await _put(db, report, "p1", {"n": 1}, at)
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO campaign_close (id, closes_at, set_by, set_at) VALUES (1, ?, 'test', ?)", (at, at)
        )
    audit_before = await db.read.execute_fetchall("SELECT COUNT(*) FROM audit_log")
    for item in ("p1", "p2"):  # an upsert that would change an answer, and one that would add it
        with pytest.raises(sqlite3.IntegrityError, match="xcheck: campaign closed"):
            await _put(db, report, item, {"n": 2}, at)
    rows = await db.read.execute_fetchall("SELECT item, value FROM answers WHERE report_id = ?", (report.id,))
    assert [tuple(r) for r in rows] == [("p1", '{"n": 1}')]
    assert list(map(tuple, await db.read.execute_fetchall("SELECT COUNT(*) FROM audit_log"))) == list(
        map(tuple, audit_before)
    )
    assert await _answers(db, report) == {"p1": {"n": 1}}


async def test_only_the_reports_walked_last_are_kept(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    db = harness.deps.db
    at = harness.clock.now().isoformat()
    monkeypatch.setattr(reports, "KEEP_REPORTS", 2)
    names = [i.name for i in await roster.institutions(db.read)][:3]
    walked = []
    for name in names:
        inst = await roster.find_institution(db.read, name)
        assert inst is not None
        async with db.transaction() as conn:
            report = await reports.ensure(
                conn, institution_id=inst.id, certificate_id=None, outline="institution", at=at
            )
        await _put(db, report, "p1", {"n": inst.id}, at)
        assert await _answers(db, report) == {"p1": {"n": inst.id}}
        walked.append(report)
    assert db.writer.memo is not None
    assert list(db.writer.memo["answers"]) == [walked[1].id, walked[2].id]
    trace: list[str] = []
    assert await _answers(db, walked[0], trace) == {"p1": {"n": walked[0].institution_id}}
    assert _read_answers(trace) != []  # read again: it had been let go
