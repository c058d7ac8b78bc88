"""Every time shown to a person is local (XCHECK_TIMEZONE) and reads 2020年12月14日 16:05: the chat's receipts,
cards, invitations and city packages, and every cell and paragraph of the exported files."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from docx import Document
from openpyxl import load_workbook

from bot.domain.oversight.oversight import draw_sample, grade
from bot.tg.senders import tick
from messages.when import local_date, local_time
from storage import versions
from tests.support.helpers import Harness
from tests.support.reportsetup import SCHOOL, SUBMITTED_LOCAL, exported, province, submit_in_chat

ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\d{2}:\d{2}:\d{2}|[+-]\d{2}:\d{2}\b|\bUTC\b|\d{4}-\d{2}-\d{2}T")
LOCAL = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}")


def test_the_format() -> None:
    tz = ZoneInfo("Asia/Shanghai")
    assert local_time("2020-12-14T08:05:31.123456+00:00", tz) == "2020年12月14日 16:05"
    assert local_time(datetime(2020, 12, 14, 20, 5, tzinfo=UTC), tz) == "2020年12月15日 04:05"  # the next day there
    assert local_time("2020-12-14T08:05:00", tz) == "2020年12月14日 16:05"  # stored without a zone: UTC
    assert local_time(None, tz) == "—" and local_time("not a time", tz) == "—"
    assert local_date("2020-12-14T17:00:00+00:00", tz) == "2020年12月15日"
    assert local_time("2020-12-14T08:05:00+00:00", ZoneInfo("Europe/Berlin")) == "2020年12月14日 09:05"


async def test_no_iso_time_anywhere_a_person_looks(harness: Harness, tmp_path: Path) -> None:
    await province(harness, chat_submit=True)
    receipt = await submit_in_chat(harness)
    db = harness.deps.db
    at = harness.clock.now().isoformat()
    await draw_sample(db, seed="s", actor="tg:1", at=at)
    await grade(db, expert=1, institution_id=24, value="优秀", comment="好", at=at, update_id=None)
    async with db.transaction() as conn:
        await versions.complete_city(conn, "合肥", user_id=1, at=at)
    office = harness.chat(1)
    # The clock is past the day's digest time: the digest goes out now, not between a command and its reply.
    assert harness.app is not None
    await tick(harness.app.bot, harness.deps)
    await harness.standin.wait_for(
        lambda: any("每日进度" in e.text for e in office.seen) and any(e.photo for e in office.seen)
    )
    card = await office.say(f"/review {SCHOOL}")
    invite = await office.say("/invite coordinator 24")
    city = await harness.bind(670, "city", city="合肥")
    city_menu = await harness.chat(670).say("/menu")

    assert f"提交时间：{SUBMITTED_LOCAL}" in receipt.text.splitlines()
    assert f"最近提交：{SUBMITTED_LOCAL}" in card.text.splitlines()
    assert "2020年12月28日 16:05" in invite.text  # 14 days later
    assert f"已于 {SUBMITTED_LOCAL} 确认汇总完成" in city_menu.text
    chat_texts = [e.text for user in (1, 600, 670) for e in harness.standin.events[user]]
    assert [t for t in chat_texts if ISO.search(t)] == [] and city is not None

    result = await exported(harness, tmp_path)
    cells = [
        (ws.title, c.coordinate, c.value)
        for ws in load_workbook(result.workbook).worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, (str, datetime))
    ]
    assert [c for c in cells if isinstance(c[2], datetime) or ISO.search(str(c[2]))] == []
    shown = {str(v) for _, _, v in cells if LOCAL.search(str(v))}
    assert SUBMITTED_LOCAL in shown  # 汇总's 提交时间
    assert any(v.startswith("样本 #1") and SUBMITTED_LOCAL in v for v in shown)  # the sample's time
    for path in result.documents:
        doc = Document(str(path))
        texts = [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]
        texts += [p.text for s in doc.sections for p in s.header.paragraphs]
        assert [t for t in texts if ISO.search(t)] == [], path.name
