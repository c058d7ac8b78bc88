"""The office's first day in chat (issue 15): /whoami, Chinese role words and partial names, /export 合肥,
temporary chat exports, the dashboard's missing cities, and the campaign's close."""

from __future__ import annotations

import asyncio
import io
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.core.exports import deliver
from bot.domain.campaign.reminders import pending
from handlers.adapter import TelegramOut
from storage import closing, people
from storage.models import Invitation
from tests.support import files
from tests.support.helpers import Harness
from tests.support.walkdriver import numbers_for

SCHOOL = "安徽工商职业学院"
CERTS = {
    "Web前端开发": ("腾讯云计算（北京）有限责任公司", SCHOOL),
    "物流管理": ("北京中物联物流采购培训中心", "合肥学院"),
}


async def test_whoami_answers_strangers_and_bound_people(harness: Harness) -> None:
    assert (await harness.chat(777).say("/whoami")).text == (
        "您的 Telegram id：<code>777</code>\n尚未绑定。请把这个 id 发给省办公室，或使用办公室发给您的邀请链接。"
    )
    await harness.bind(778, "coordinator", "24")
    assert (await harness.chat(778).say("/whoami")).text == (
        "您的 Telegram id：<code>778</code>\n身份：安徽工商职业学院 · 试点院校联络人"
    )
    await harness.bind(779, "city", city="合肥")
    assert (
        await harness.chat(779).say("/whoami")
    ).text == "您的 Telegram id：<code>779</code>\n身份：合肥市 · 地市教育主管部门"


async def test_invite_takes_chinese_role_words_and_parts_of_names(harness: Harness) -> None:
    office = harness.chat(1)
    for command in ("/invite 院校 24", "/invite 院校 安徽工商", "/invite coordinator 工商"):
        shown = await office.say(command)
        assert SCHOOL in shown.text and "t.me/xcheck_test_bot?start=" in shown.text, command
    assert [i.institution_id for i in await _invitations(harness)] == [24, 24, 24]
    shown = await office.say("/invite 院校 宿州")
    assert shown.text == (
        "“宿州”对应多个单位，请写得更具体，例如完整名称或附件3序号：\n"
        "· 宿州学院\n· 宿州职业技术学院\n· 宿州应用技术学校\n· 宿州环保工程学校\n· 宿州中原航空中等专业学校"
    )
    assert (await office.say("/invite 院校 火星学院")).text == (
        "找不到“火星学院”。请使用附件3中的序号、完整名称或名称中的一段（如：工商）。"
    )
    assert "合肥" in (await office.say("/invite 市 合肥")).text
    assert "专家" in (await office.say("/invite 专家 24 97")).text
    assert len(await _invitations(harness)) == 5


async def test_invite_org_matches_organizations_in_the_roster(harness: Harness) -> None:
    office = harness.chat(1)
    assert (await office.say("/invite 机构 中物联")).text == (
        "名册中没有名称包含“中物联”的培训评价组织。请先导入名册，或核对名称。"
    )
    await harness.certify(CERTS, {SCHOOL: [("Web前端开发", 150)]})
    shown = await office.say("/invite 机构 中物联")
    assert "北京中物联物流采购培训中心" in shown.text and "start=" in shown.text
    assert (await office.say("/invite org 某协会")).text == (
        "“某协会”对应多个单位，请写得更具体，例如完整名称或附件3序号：\n"
        "· 北京中物联物流采购培训中心\n· 腾讯云计算（北京）有限责任公司"
    )
    assert (await office.say("/invite org 24")).text == "该单位不是培训评价组织。"


async def test_review_finds_a_report_by_part_of_its_name(harness: Harness) -> None:
    await harness.certify(CERTS, {SCHOOL: [("Web前端开发", 150)]})
    await harness.bind(600, "coordinator", SCHOOL)
    await harness.chat(600).say("/menu")  # the report exists once its coordinator opens the menu
    office = harness.chat(1)
    card = await office.say("/review 安徽工商")
    assert SCHOOL in card.text.splitlines()[0] and ("📄 逐部分查看", "r:1:page:1") in card.buttons
    assert (await office.say("/review 安徽")).text.startswith("“安徽”对应多个单位")


async def test_export_city_sends_that_citys_package_and_keeps_nothing(harness: Harness) -> None:
    office = harness.chat(1)
    before = len(harness.standin.calls_to("sendDocument"))
    await office.say("/export 合肥")
    await harness.standin.wait_for(
        lambda: any("导出完成" in s.text or "已完成" in s.text for s in harness.chat(1).seen[-2:]), timeout=30
    )
    sent = harness.standin.calls_to("sendDocument")[before:]
    names = [next(iter(c.files.values()))[0] for c in sent]
    assert names == ["合肥市中职自查汇总.xlsx"]
    wb = load_workbook(io.BytesIO(next(iter(sent[0].files.values()))[1]))
    ws = wb["汇总"]  # data rows: below the frozen header, without the 合计 row at the end
    rows = [r for r in ws.iter_rows(min_row=ws[ws.freeze_panes].row, values_only=True) if "合计" not in r[:3]]
    assert len(rows) == 15 and {(r[1], r[3]) for r in rows} == {("中职", "合肥")}
    exports = harness.settings.exports_dir
    await harness.standin.wait_for(lambda: not any(exports.iterdir()), timeout=10)
    assert (await office.say("/export 北京")).text == (
        "“北京”不是安徽省的地级市。请发送 /export 合肥 这样的地市名，或只发送 /export 导出全省。"
    )


async def test_two_chat_exports_in_the_same_second_never_share_a_folder(harness: Harness) -> None:
    d = harness.deps
    folders: list[Path] = []
    real = d.settings.exports_dir
    real.mkdir(parents=True, exist_ok=True)

    async def watch() -> None:
        while True:
            folders.extend(p for p in real.iterdir() if p not in folders)
            await asyncio.sleep(0)

    watcher = asyncio.create_task(watch())
    assert harness.app is not None
    bot = harness.app.bot
    await asyncio.gather(
        deliver(d, 1, TelegramOut.to_chat(bot, 1), city="合肥", bundle=False),
        deliver(d, 1, TelegramOut.to_chat(bot, 1), city="合肥", bundle=False),
    )
    watcher.cancel()
    assert len(folders) == 2 and folders[0] != folders[1]
    sent = [next(iter(c.files.values()))[0] for c in harness.standin.calls_to("sendDocument")]
    assert sent == ["合肥市中职自查汇总.xlsx", "合肥市中职自查汇总.xlsx"]
    assert list(real.iterdir()) == []


async def test_exports_left_by_a_crash_are_removed_at_start_up(harness: Harness) -> None:
    leftover = harness.settings.exports_dir / "20201120-080000-1-abc"
    leftover.mkdir(parents=True)
    (leftover / "汇总.xlsx").write_bytes(b"half")
    await harness.restart()
    assert list(harness.settings.exports_dir.iterdir()) == []


async def test_office_dashboard_lists_institutions_without_a_city(harness: Harness) -> None:
    menu = await harness.chat(1).say("/menu")
    assert menu.text.endswith(
        "\n⚠️ 19 所院校尚未填写所在市（安徽科技贸易学校、安徽省汽车工业学校、安徽电子工程学校、安徽机械工业学校、"
        "皖北电子信息工程学校等），所在市教育局看不到它们；请导入名册补全。"
    )
    async with harness.deps.db.transaction() as conn:
        await conn.execute("UPDATE institutions SET city = '合肥' WHERE city IS NULL")
    menu = await harness.chat(1).say("/menu")
    assert "尚未填写所在市" not in menu.text


# --- the campaign's end -----------------------------------------------------------------------------------
async def test_after_close_reports_are_read_only_and_nothing_is_sent(harness: Harness) -> None:
    await harness.certify(CERTS, {SCHOOL: [("Web前端开发", 150), ("物流管理", 80)]})
    await harness.bind(600, "coordinator", SCHOOL)
    chat = harness.chat(600)
    menu = await chat.say("/menu")
    first = await chat.tap(menu, "继续填报")
    assert "监测点 1" in first.text
    d = harness.deps
    # Reminders are due a week before the deadline; closing stops them.
    week_before = datetime(2020, 12, 8, 1, 30, tzinfo=UTC)
    assert await pending(d, week_before)
    async with d.db.transaction() as conn:
        await closing.set_close(conn, d.now_iso(), by="test", now=d.now_iso())
    assert await pending(d, week_before) == []
    laid = d.outlines.get("institution")
    item = laid.items[0]
    assert item.point is not None
    refused = await chat.say(numbers_for(item, item.point.answer, 0))  # type: ignore[arg-type]
    assert refused.text == "本次自查已结束，报告只读，不能再修改。"
    rows = await d.db.read.execute_fetchall("SELECT COUNT(*) FROM answers")
    assert next(iter(rows))[0] == 0
    # Evidence is refused by the database; the coordinator is told why, and nothing is logged as an error.
    shown = await chat.upload(files.pdf("late"), "late.pdf", "application/pdf")
    assert shown.text == "本次自查已结束，报告只读，不能再修改。"
    rows = await d.db.read.execute_fetchall("SELECT COUNT(*) FROM evidence")
    assert next(iter(rows))[0] == 0
    # The database itself refuses, whatever path writes.
    with pytest.raises(sqlite3.IntegrityError, match="campaign closed"):
        async with d.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO answers (report_id, item, value, answered_by, answered_at) VALUES (1, 'p1', '{}', 600, ?)",
                (d.now_iso(),),
            )


async def test_a_close_set_for_a_date_takes_effect_then(harness: Harness) -> None:
    d = harness.deps
    async with d.db.transaction() as conn:
        await closing.set_close(conn, "2020-12-31T16:00:00+00:00", by="test", now=d.now_iso())
    assert await pending(d, datetime(2020, 12, 8, 1, 30, tzinfo=UTC))  # still open: reminders go out
    assert await pending(d, datetime(2021, 1, 2, 1, 30, tzinfo=UTC)) == []


async def test_digest_of_a_long_past_deadline_states_it_without_urging(harness: Harness) -> None:
    await harness.bind(600, "coordinator", SCHOOL)
    years_later = datetime(2026, 11, 27, 1, 30, tzinfo=UTC)  # 09:30 in Anhui, after the digest time
    due = await pending(harness.deps, years_later)
    digests = [r for r in due if r.slot.startswith("digest:")]
    assert len(digests) == 1 and len(due) == 1  # and no coordinator is told, years later, to hurry
    assert (
        "（11月27日，截止日期已过 2173 天；如本次自查已结束，请运行 xcheck campaign close，如需延期请用 /deadline）"
        in digests[0].text
    )
    assert "尽快" not in digests[0].text
    days_after = datetime(2020, 12, 18, 1, 30, tzinfo=UTC)
    digest = next(r for r in await pending(harness.deps, days_after) if r.slot.startswith("digest:"))
    assert "（12月18日，截止日期已过 3 天）" in digest.text


async def _invitations(harness: Harness) -> list[Invitation]:
    rows = await harness.deps.db.read.execute_fetchall("SELECT code_hash FROM invitations ORDER BY id")
    found = [await people.invitation_by_hash(harness.deps.db.read, str(r[0])) for r in rows]
    return [i for i in found if i is not None]
