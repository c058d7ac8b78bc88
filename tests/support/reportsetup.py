"""A small province with real submissions (through the chat or bot.domain.reports.lifecycle), for the document tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.standin import Shown
from bot.domain.reports.lifecycle import submit
from bot.export.meta import ExportMeta
from bot.export.run import Exported, export
from storage import people, reports
from tests.support.helpers import Harness

SCHOOL = "安徽工商职业学院"  # 附件3 No. 24, 高职, no city in the roster
SECOND = "合肥学院"
ORG = "腾讯云计算（北京）有限责任公司"
SCALES = {SCHOOL: [("Web前端开发", 150), ("物流管理", 80)], SECOND: [("Web前端开发", 40)]}
SUBMIT_AT = datetime(2020, 12, 14, 8, 5, tzinfo=UTC)  # 16:05 in Anhui
SUBMITTED_LOCAL = "2020年12月14日 16:05"
CAMPAIGN = "“1+X”证书制度试点工作自查"
DEADLINE = datetime(2020, 12, 15).date()


async def province(harness: Harness, *, chat_submit: bool = False) -> dict[str, int]:
    """Two schools and one organization, filled and submitted at SUBMIT_AT by their coordinators (王老师 for
    the first school). Returns report ids by name."""
    await harness.certify({"Web前端开发": (ORG, SCHOOL), "物流管理": ("中物联", SECOND)}, SCALES)
    harness.standin.names[600] = "王老师"
    await harness.bind(600, "coordinator", SCHOOL)
    await harness.bind(601, "coordinator", SECOND)
    await harness.bind(700, "org", ORG)
    db = harness.deps.db
    found: dict[str, int] = {}
    async with db.transaction() as conn:
        for name in (SCHOOL, SECOND):
            inst_id = (await conn.execute_fetchall("SELECT id FROM institutions WHERE name = ?", (name,)))[0][0]
            found[name] = (
                await reports.ensure(conn, institution_id=inst_id, certificate_id=None, outline="institution", at="t")
            ).id
        org_id = (await conn.execute_fetchall("SELECT id FROM institutions WHERE name = ?", (ORG,)))[0][0]
        found[ORG] = (
            await reports.ensure(conn, institution_id=org_id, certificate_id=1, outline="training_org", at="t")
        ).id
    for rid in found.values():
        await harness.fill(rid)
    harness.clock.set(SUBMIT_AT)
    for user, name in ((600, SCHOOL), (601, SECOND), (700, ORG)):
        if chat_submit and user == 600:
            continue
        who = await people.get(db.read, user)
        assert who is not None
        await submit(
            db, harness.deps.outlines, who, found[name], year=2020, at=harness.clock.now().isoformat(), update_id=None
        )
    return found


async def submit_in_chat(harness: Harness) -> Shown:
    """The first school's coordinator submits through the menu; returns the receipt."""
    chat = harness.chat(600)
    shown = await chat.say("/menu")
    shown = await chat.tap(shown, "预览并提交")
    shown = await chat.tap(shown, "提交报告")
    receipt = await chat.tap(shown, "确认提交")
    # After the receipt the Word self-report follows, with a caption saying what to do with it.
    await harness.standin.wait_for(
        lambda: chat.last.document is not None and "请核对、打印并加盖公章" in chat.last.text
    )
    return receipt


def meta() -> ExportMeta:
    from zoneinfo import ZoneInfo

    return ExportMeta(campaign=CAMPAIGN, year=2020, tz=ZoneInfo("Asia/Shanghai"), made_at=SUBMIT_AT, deadline=DEADLINE)


async def exported(harness: Harness, tmp_path: Path, **kw: Any) -> Exported:
    kw.setdefault("meta", meta())
    return await export(
        harness.deps.db,
        harness.deps.outlines,
        year=2020,
        evidence_root=harness.settings.evidence_dir,
        out=tmp_path / "out" / "汇总.xlsx",
        docx_dir=tmp_path / "docx",
        **kw,
    )
