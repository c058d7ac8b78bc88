"""The revision loop, read-only reports, preview wording, reminders around the submit flow and the
post-submit message, end to end through the stand-in."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bench.standin import Shown
from bot.tg.senders import tick
from storage import evidence as evidence_store
from storage import reports
from tests.support import files
from tests.support.helpers import Chat, Harness

SCHOOL = "安徽工商职业学院"
CERTS = {"Web前端开发": ("腾讯云计算（北京）有限责任公司", SCHOOL)}


@pytest.fixture
async def coordinator(harness: Harness) -> Chat:
    await harness.certify(CERTS, {SCHOOL: [("Web前端开发", 150)]})
    await harness.bind(600, "coordinator", SCHOOL)
    chat = harness.chat(600)
    await chat.say("/menu")  # the report is made on first use
    return chat


def _labels(shown: Shown) -> list[str]:
    return [label for label, _ in shown.buttons]


async def _submit(harness: Harness, chat: Chat) -> Shown:
    shown = await chat.tap(await chat.say("/menu"), "预览并提交")
    shown = await chat.tap(shown, "提交报告")
    receipt = await chat.tap(shown, "确认提交")
    await harness.standin.wait_for(lambda: chat.last.document is not None)
    return receipt


async def _return_p4(harness: Harness) -> Shown:
    await harness.bind(2, "office")
    office = harness.chat(2)
    shown = await office.tap(await office.say("/review 24"), "退回部分项目")
    shown = await office.say("4 领导小组文件未附")
    n = len(harness.chat(600).seen)
    await office.tap(shown, "确认退回")
    return await harness.standin.next_shown(600, n)


async def test_the_coordinator_answers_a_returned_point_and_the_office_sees_the_reply(
    harness: Harness, coordinator: Chat
) -> None:
    await harness.fill(1)
    await _submit(harness, coordinator)
    notice = await _return_p4(harness)
    shown = await coordinator.tap(notice, "开始修改")
    assert "监测点 4 ★" in shown.text and "退回意见：领导小组文件未附" in shown.text
    assert _labels(shown)[0] == "💬 回复意见"
    shown = await coordinator.tap(shown, "回复意见")
    assert "请发送您对上述退回意见的答复" in shown.text
    shown = await coordinator.say("文件已于11月印发，现补传。")
    assert shown.text.splitlines()[0] == "✅ 已将您的答复发送给省办公室（重新提交后一并审核）。"
    assert "💬 您的答复：文件已于11月印发，现补传。" in shown.text and "监测点 4 ★" in shown.text
    # The file goes to the returned point, and the point's section narratives reopen with it.
    shown = await coordinator.upload(files.pdf("group"), "领导小组文件.pdf", "application/pdf")
    assert "已保存为<b>监测点 4</b>的佐证材料" in shown.text
    assert [e.name for e in await evidence_store.of_report(harness.deps.db.read, 1, "p4")][-1] == "领导小组文件.pdf"
    shown = await coordinator.tap(await coordinator.say("/menu"), "选择部分")
    shown = await coordinator.tap(await coordinator.tap(shown, "2. 健全"), "主要做法与成效")
    shown = await coordinator.say("补充：领导小组文件已印发。")
    assert shown.text.splitlines()[0] == "✅ 已保存为 第2部分 · 主要做法与成效（13 字）"
    shown = await coordinator.tap(await coordinator.say("/menu"), "选择部分")
    shown = await coordinator.tap(await coordinator.tap(shown, "3. 职业"), "监测点 8")
    assert "此项未被退回" in shown.text  # other sections stay as submitted
    await _submit(harness, coordinator)
    card = await harness.chat(2).say("/review 24")
    reply = (
        "<b>第 1 版的退回意见与答复：</b>\n↩️ <b>监测点 4</b>：领导小组文件未附\n　💬 答复：文件已于11月印发，现补传。"
    )
    assert card.text.endswith(reply)


async def test_a_submitted_report_is_read_only_everywhere(harness: Harness, coordinator: Chat) -> None:
    await harness.fill(1)
    await _submit(harness, coordinator)
    shown = await coordinator.tap(await coordinator.say("/menu"), "选择部分")
    shown = await coordinator.tap(await coordinator.tap(shown, "1. 2020"), "监测点 1")
    assert "• Web前端开发" in shown.text and "只读" in shown.text
    assert "确认无误" not in str(shown.buttons) and "重新填写" not in str(shown.buttons)
    listing = await coordinator.press(shown, "e:1:p1:list:")
    assert "报告已锁定，不能再添加或删除" in listing.text and "🗑" not in str(listing.buttons)
    preview = await coordinator.tap(await coordinator.say("/menu"), "预览并提交")
    assert "第 1 版" in preview.text and "可以提交" not in preview.text and "提交报告" not in str(preview.buttons)
    # An expert reading it is never told what only the author may do.
    invite = await harness.chat(1).say("/invite expert 24")
    expert = harness.chat(700)
    await expert.say("/start " + invite.text.split("start=")[1].split("<")[0])
    card = await expert.tap(await expert.say("/menu"), SCHOOL)
    shown = await expert.press(card, "r:1:sum:")
    assert "所有必填项目均已完成。" in shown.text and "可以提交" not in shown.text


async def test_a_never_submitted_report_is_not_version_0(harness: Harness, coordinator: Chat) -> None:
    preview = await coordinator.tap(await coordinator.say("/menu"), "预览并提交")
    assert "第 0 版" not in preview.text and "尚未提交过" in preview.text


def _local(day: int, hour: int, minute: int) -> datetime:
    return datetime(2020, 12, day, hour - 8, minute, tzinfo=UTC)


async def test_reminders_at_10_of_10_say_submit_and_wait_for_the_submit_flow(
    harness: Harness, coordinator: Chat
) -> None:
    await harness.fill(1)
    harness.clock.set(_local(8, 8, 55))  # before the day's reminder time
    shown = await coordinator.tap(await coordinator.say("/menu"), "预览并提交")
    confirm = await coordinator.tap(shown, "提交报告")
    assert "确认提交吗" in confirm.text
    harness.clock.set(_local(8, 9, 5))
    assert harness.app is not None
    await tick(harness.app.bot, harness.deps)
    assert not [e for e in coordinator.seen if "自查报告提醒" in e.text]  # held between 提交报告 and 确认提交
    await coordinator.tap(confirm, "取消")
    await tick(harness.app.bot, harness.deps)
    (reminder,) = [e.text for e in coordinator.seen if "自查报告提醒" in e.text]
    assert "已完成 10/10 部分，已全部填写，尚未提交" in reminder
    assert "点“📝 预览并提交”完成提交" in reminder and "继续填报" not in reminder


async def test_the_post_submit_message_is_the_receipt_and_the_word_report(harness: Harness, coordinator: Chat) -> None:
    await harness.fill(1)
    n = len(coordinator.seen)
    receipt = await _submit(harness, coordinator)
    assert "提交成功" in receipt.text
    after = coordinator.seen[n:]
    documents = [e for e in after if e.document]
    assert len(documents) == 1 and documents[0].document is not None
    assert documents[0].document[0].endswith("_自查报告.docx") and "请核对、打印并加盖公章" in documents[0].text
    assert not any("导出完成" in e.text or "佐证材料 0 份" in e.text for e in after)
    report = await reports.get(harness.deps.db.read, 1)
    assert report is not None and report.status == "submitted"


async def test_the_city_bureau_reading_a_submitted_report_is_not_told_to_submit(harness: Harness) -> None:
    school = "合肥工业学校"  # 附件3 No. 97, in 合肥
    await harness.certify(CERTS, {school: [("Web前端开发", 50)]})
    await harness.bind(660, "coordinator", school)
    chat = harness.chat(660)
    await chat.say("/menu")
    report = await reports.find(harness.deps.db.read, 97, None)
    assert report is not None
    await harness.fill(report.id)
    await _submit(harness, chat)
    await harness.bind(670, "city", city="合肥")
    city = harness.chat(670)
    summary = await city.tap(await city.say("/menu"), school)
    # What a reader is told, whole: no "可以提交", nothing meant for the author.
    assert (
        summary.text
        == "🏫 合肥工业学校\n<b>自查报告预览</b> · 已提交 · 第 1 版\n📎 佐证材料共 11 份\n✅ 所有必填项目均已完成。"
    )
