"""Every report's answers read at once (the export's load): SQLite assembles each report's answers into one
JSON object; what comes out must be exactly what was stored, value by value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from storage import Database, reports, roster

AWKWARD: dict[str, Any] = {
    "p1": 0.1,
    "p2": 1e-7,
    "p3": 2**60 + 1,
    "p4": -0.0,
    "p5": 12.500,
    "p6": '院校年度总报考率\n第二行\t制表 "引号" \\ 反斜杠 😀',
    "p7": None,
    "p8": True,
    "p9": {"rows": {"1": {"报名": 12, "通过": None}}, "text": ["甲", "乙"]},
    "p10": [],
    "p11": {},
    "p12": "",
    "p13": 3,
}


async def test_every_value_reads_back_as_stored(tmp_path: Path) -> None:
    db = Database(tmp_path / "a.sqlite3")
    await db.connect()
    try:
        async with db.transaction() as conn:
            await roster.upsert_institutions(
                conn,
                [roster.RosterRow(None, "高职", "甲学院", "合肥"), roster.RosterRow(None, "中职", "乙学校", "芜湖")],
            )
            ids = []
            for name in ("甲学院", "乙学校"):
                found = await roster.find_institution(conn, name)
                assert found is not None
                report = await reports.ensure(
                    conn, institution_id=found.id, certificate_id=None, outline="institution", at="t"
                )
                ids.append(report.id)
            for item, value in AWKWARD.items():
                await reports.put_answer(conn, report_id=ids[0], item=item, value=value, user_id=1, at="t")
            await reports.put_answer(conn, report_id=ids[1], item="p1", value="只有一项", user_id=1, at="t")
        everything = await reports.all_answers(db.read)
        assert everything == {ids[0]: AWKWARD, ids[1]: {"p1": "只有一项"}}
        assert everything[ids[0]] == await reports.answers(db.read, ids[0])  # the per-report read agrees
        assert {k: type(v) for k, v in everything[ids[0]].items()} == {k: type(v) for k, v in AWKWARD.items()}
    finally:
        await db.close()
