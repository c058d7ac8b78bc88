"""A typed answer reads the report's context once; the person and the cursor come from memory (storage.db.Kept:
read once, then kept by the one writer process)."""

from __future__ import annotations

from collections import Counter

from bench.standin import Shown
from tests.support.helpers import Harness

SCHOOL = "安徽工商职业学院"
CERTS = {"Web前端开发": ("腾讯云计算（北京）有限责任公司", SCHOOL)}


def _kind(sql: str) -> str | None:
    text = " ".join(sql.split())
    if text.startswith("SELECT user_id, name, role") and "FROM people" in text:
        return "person"
    if text.startswith("SELECT user_id, report_id, item") and "FROM cursors" in text:
        return "cursor"
    if text.startswith("SELECT 'R', id, institution_id"):  # the report's row, then its context
        return "context"
    return None


async def test_a_typed_answer_reads_the_context_once_and_the_person_and_cursor_from_memory(harness: Harness) -> None:
    await harness.certify(CERTS, {SCHOOL: [("Web前端开发", 150)]})
    await harness.bind(600, "coordinator", SCHOOL)
    chat = harness.chat(600)
    await chat.tap(await chat.say("/menu"), "继续填报")
    seen: list[str] = []
    db = harness.deps.db
    for conn in (db.read.raw, db.writer.raw):
        conn.set_trace_callback(seen.append)
    try:
        shown: Shown = await chat.say("120")
    finally:
        for conn in (db.read.raw, db.writer.raw):
            conn.set_trace_callback(None)
    assert "请核对" in shown.text
    reads = Counter(k for k in map(_kind, seen) if k is not None)
    assert reads == Counter({"context": 1}), seen
