"""Evidence uploads and a report's life: review, submit, receipt, return for revision, versions, accept."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from bench.standin import Shown
from messages import zh
from storage import evidence as evidence_store
from storage import reports, versions
from tests.support import files
from tests.support.helpers import Chat, Harness

SCHOOL = "安徽工商职业学院"
CERTS = {"Web前端开发": ("腾讯云计算（北京）有限责任公司", SCHOOL)}


@pytest.fixture
async def coordinator(harness: Harness) -> Chat:
    await harness.certify(CERTS, {SCHOOL: [("Web前端开发", 150)], "合肥学院": [("Web前端开发", 50)]})
    await harness.bind(600, "coordinator", SCHOOL)
    chat = harness.chat(600)
    await chat.say("/menu")  # creates the report
    return chat


async def _at_point(chat: Chat, section: str, point: str) -> Shown:
    shown = await chat.say("/menu")
    shown = await chat.tap(shown, "选择部分")
    shown = await chat.tap(shown, section)
    return await chat.tap(shown, point)


def _blobs(harness: Harness) -> list[Path]:
    root = harness.settings.evidence_dir
    return [p for p in root.rglob("*") if p.is_file() and p.parent.name != "tmp"] if root.exists() else []


async def _alert(harness: Harness, user: int, shown: Shown, data: str) -> str:
    n = len(harness.standin.calls_to("answerCallbackQuery"))
    harness.standin.press(user, shown, data)
    await harness.standin.wait_for(lambda: len(harness.standin.calls_to("answerCallbackQuery")) > n)
    return str(harness.standin.calls_to("answerCallbackQuery")[-1].params.get("text", ""))


# --- evidence ------------------------------------------------------------------------------------------
async def test_every_accepted_type_is_stored_by_checksum(harness: Harness, coordinator: Chat) -> None:
    await _at_point(coordinator, "2. 健全", "监测点 4")
    for name, (data, mime, _kind) in files.ACCEPTED.items():
        shown = await coordinator.upload(data, name, mime)
        assert "已保存为<b>监测点 4</b>的佐证材料" in shown.text, (name, shown.text)
        digest = hashlib.sha256(data).hexdigest()
        stored = harness.settings.evidence_dir / digest[:2] / digest
        assert stored.read_bytes() == data
    shown = await coordinator.photo(files.jpeg() + b"photo")
    assert "图片" in shown.text
    rows = await evidence_store.of_report(harness.deps.db.read, 1, "p4")
    assert [r.kind for r in rows] == [k for _, _, k in files.ACCEPTED.values()] + ["jpeg"]
    assert all(r.uploaded_by == 600 and r.tg_file_id for r in rows)
    count = len(files.ACCEPTED) + 1
    listing = await coordinator.tap(shown, f"佐证材料 ({count})")
    assert "方案.pdf" in listing.text and f"{count} 份" in listing.text


async def test_the_same_file_twice_is_stored_once(harness: Harness, coordinator: Chat) -> None:
    await _at_point(coordinator, "2. 健全", "监测点 4")
    await coordinator.upload(files.pdf("same"), "a.pdf", "application/pdf")
    await _at_point(coordinator, "2. 健全", "监测点 5")
    await coordinator.upload(files.pdf("same"), "b.pdf", "application/pdf")
    assert len(_blobs(harness)) == 1
    await _at_point(coordinator, "2. 健全", "监测点 5")
    assert "无需重复上传" in (await coordinator.upload(files.pdf("same"), "c.pdf", "application/pdf")).text
    assert len(await evidence_store.of_report(harness.deps.db.read, 1)) == 2


async def test_an_executable_renamed_pdf_is_refused(harness: Harness, coordinator: Chat) -> None:
    await _at_point(coordinator, "2. 健全", "监测点 4")
    shown = await coordinator.upload(files.windows_exe(), "报告.pdf", "application/pdf")
    assert "无法识别该文件的内容" in shown.text
    assert await evidence_store.of_report(harness.deps.db.read, 1) == [] and _blobs(harness) == []


async def test_an_oversized_file_is_refused_before_any_download(harness: Harness, coordinator: Chat) -> None:
    await _at_point(coordinator, "2. 健全", "监测点 4")
    shown = await coordinator.upload(files.pdf(), "大文件.pdf", "application/pdf", claimed_size=25 * 1024 * 1024)
    assert "超过 20 MB" in shown.text and "拆分" in shown.text
    assert harness.standin.calls_to("getFile") == []
    assert await evidence_store.of_report(harness.deps.db.read, 1) == []


async def test_an_interrupted_download_leaves_no_row_and_no_partial_file(harness: Harness, coordinator: Chat) -> None:
    await _at_point(coordinator, "2. 健全", "监测点 4")
    harness.standin.fail("download", 500, times=10)  # every download attempt cut, retries included
    shown = await coordinator.upload(files.pdf("cut"), "方案.pdf", "application/pdf")
    assert "接收失败" in shown.text and "重新发送" in shown.text
    assert await evidence_store.of_report(harness.deps.db.read, 1) == [] and _blobs(harness) == []
    tmp = harness.settings.evidence_dir / "tmp"
    assert not tmp.exists() or list(tmp.iterdir()) == []
    harness.standin.heal()
    assert "已保存" in (await coordinator.upload(files.pdf("cut"), "方案.pdf", "application/pdf")).text


async def test_file_names_are_sanitized(harness: Harness, coordinator: Chat) -> None:
    await _at_point(coordinator, "2. 健全", "监测点 4")
    await coordinator.upload(files.pdf("x"), "../../etc/<b>passwd</b>.exe", "application/pdf")
    (row,) = await evidence_store.of_report(harness.deps.db.read, 1)
    assert "/" not in row.name and row.name.endswith(".pdf") and not row.name.startswith(".")


async def test_remove_evidence(harness: Harness, coordinator: Chat) -> None:
    await _at_point(coordinator, "2. 健全", "监测点 4")
    shown = await coordinator.upload(files.pdf("rm"), "方案.pdf", "application/pdf")
    shown = await coordinator.tap(shown, "佐证材料 (1)")
    shown = await coordinator.tap(shown, "🗑 1")
    assert "确定删除" in shown.text
    shown = await coordinator.tap(shown, "确认删除")
    assert "暂无佐证材料" in shown.text
    assert await evidence_store.of_report(harness.deps.db.read, 1) == []


async def test_files_without_a_point_and_strangers_are_refused(harness: Harness, coordinator: Chat) -> None:
    stranger = harness.chat(650)
    assert "尚未绑定" in (await stranger.upload(files.pdf(), "a.pdf", "application/pdf")).text
    await harness.bind(651, "coordinator", "合肥学院")
    other = harness.chat(651)
    # Sent before opening any point: not dropped, the bot asks which point it supports.
    assert "它是哪个监测点的佐证材料" in (await other.upload(files.pdf(), "a.pdf", "application/pdf")).text


async def test_forged_buttons_cannot_reach_another_institutions_report(harness: Harness, coordinator: Chat) -> None:
    await _at_point(coordinator, "2. 健全", "监测点 4")
    await coordinator.upload(files.pdf("mine"), "方案.pdf", "application/pdf")
    await harness.bind(651, "coordinator", "合肥学院")
    other = harness.chat(651)
    menu = await other.say("/menu")
    (mine,) = await evidence_store.of_report(harness.deps.db.read, 1)
    for data in (
        "e:1:p4:list:",
        f"e:1:p4:rm:{mine.id}",
        "r:1:sum:",
        "r:1:page:2",
        "s:1:go:",
        "w:1:p4:yn:0",
        "m:secs:1:",
    ):
        assert "没有权限" in await _alert(harness, 651, menu, data), data
    for data, refusal in (
        ("e:x:p4:list:", zh.STALE_BUTTON),
        ("w:1:p4", zh.STALE_BUTTON),
        ("o:1:card:", zh.NOT_ALLOWED),
        ("zz", zh.STALE_BUTTON),
        ("r:1:page:99", zh.NOT_ALLOWED),
    ):
        assert await _alert(harness, 651, menu, data) == refusal, data
    assert len(await evidence_store.of_report(harness.deps.db.read, 1)) == 1
    assert "p4" not in await reports.answers(harness.deps.db.read, 1)


# --- review, submit, return, accept --------------------------------------------------------------------------
async def test_submit_is_refused_while_something_is_missing(harness: Harness, coordinator: Chat) -> None:
    await harness.fill(1, evidence=False, skip=("p8",))
    shown = await coordinator.say("/menu")
    shown = await coordinator.tap(shown, "预览并提交")
    assert "尚未完成（1 项）：监测点 8 ★" in shown.text and "缺少佐证材料" in shown.text
    shown = await coordinator.tap(shown, "提交报告")
    assert "暂不能提交" in shown.text and "监测点 8 ★" in shown.text and "监测点 4 ★" in shown.text
    report = await reports.get(harness.deps.db.read, 1)
    assert report is not None and report.status == "draft"


async def _submit(harness: Harness, chat: Chat) -> Shown:
    shown = await chat.say("/menu")
    shown = await chat.tap(shown, "预览并提交")
    assert "可以提交" in shown.text, shown.text
    shown = await chat.tap(shown, "提交报告")
    before = {u: len(harness.standin.events[u]) for u in (1, 2)}
    receipt = await chat.tap(shown, "确认提交")
    # The office hears of it in its own chats; wait so later steps there see their own replies.
    offices = [u for u in (1, 2) if u == 1 or harness.standin.events[2]]
    await harness.standin.wait_for(lambda: all(len(harness.standin.events[u]) > before[u] for u in offices))
    # The Word self-report follows the receipt; let it arrive before the next step.
    await harness.standin.wait_for(lambda: chat.last.document is not None)
    return receipt


async def test_submit_locks_gives_a_receipt_and_tells_the_office(harness: Harness, coordinator: Chat) -> None:
    await harness.fill(1)
    receipt = await _submit(harness, coordinator)
    assert "提交成功" in receipt.text and "XC2020-024-V1" in receipt.text
    (v1,) = await versions.versions(harness.deps.db.read, 1)
    assert v1.checksum[:16] in receipt.text and hashlib.sha256(v1.content.encode()).hexdigest() == v1.checksum
    office = await harness.standin.next_shown(1, 0)
    assert "安徽工商职业学院" in office.text and "第 1 版" in office.text
    shown = await _at_point(coordinator, "2. 健全", "监测点 4")
    # Read-only: the answer, and nothing that offers to change it; a forged press is refused all the same.
    assert "当前答案：是" in shown.text and "只读" in shown.text
    assert [label for label, _ in shown.buttons] == ["◀ 上一项", "下一项 ▶", "☰ 菜单"]
    assert "不能再修改" in await _alert(harness, 600, shown, "w:1:p4:yn:0")
    assert "不能再修改" in (await coordinator.upload(files.pdf("late"), "x.pdf", "application/pdf")).text


async def test_return_two_points_revise_resubmit_diff_and_accept(harness: Harness, coordinator: Chat) -> None:
    await harness.bind(2, "office")
    await harness.fill(1)
    await _submit(harness, coordinator)
    office = harness.chat(2)
    card = await office.say("/review 24")
    assert "已提交" in card.text
    shown = await office.tap(card, "退回部分项目")
    shown = await office.say("4 领导小组文件未附\n监测点 9 请说明课程互通情况\n99 不存在")
    assert "无法识别" in shown.text and "99" in shown.text
    assert (await reports.get(harness.deps.db.read, 1)).status == "submitted"  # type: ignore[union-attr]
    shown = await office.say("4 领导小组文件未附\n监测点 9 请说明课程互通情况")
    assert "监测点 4" in shown.text and "监测点 9" in shown.text
    n = len(coordinator.seen)
    shown = await office.tap(shown, "确认退回")
    assert "已退回" in shown.text
    notice = await harness.standin.next_shown(600, n)
    assert "领导小组文件未附" in notice.text and "请说明课程互通情况" in notice.text
    # Only the returned points reopen.
    p5 = await _at_point(coordinator, "2. 健全", "监测点 5")
    assert "此项未被退回" in p5.text and "是" not in [label for label, _ in p5.buttons]
    assert "未被退回" in await _alert(harness, 600, p5, "w:1:p5:yn:0")
    shown = await coordinator.tap(notice, "开始修改")
    assert "监测点 4" in shown.text and "退回意见：领导小组文件未附" in shown.text
    shown = await coordinator.tap(shown, "否")
    shown = await coordinator.say("文件正在印发中")
    assert "监测点 9" in shown.text
    shown = await coordinator.tap(shown, "否")
    shown = await coordinator.say("已在新方案中实现互通")
    assert "全部项目均已填写" in shown.text
    # A file after the last answer is not dropped: the bot asks which point it supports.
    shown = await coordinator.upload(files.pdf("new"), "新方案.pdf", "application/pdf")
    assert "它是哪个监测点的佐证材料" in shown.text
    shown = await coordinator.tap(shown, "第3部分")
    shown = await coordinator.tap(shown, "监测点 9")
    assert "已保存为<b>监测点 9</b>的佐证材料：新方案.pdf" in shown.text
    receipt = await _submit(harness, coordinator)
    assert "V2" in receipt.text
    assert [v.version for v in await versions.versions(harness.deps.db.read, 1)] == [1, 2]
    card = await office.say("/review 24")
    shown = await office.tap(card, "比较版本")
    assert "第 1 版 → 第 2 版" in shown.text
    assert "监测点 4" in shown.text and "文件正在印发中" in shown.text and "监测点 9" in shown.text
    assert "监测点 5" not in shown.text and "新增材料：新方案.pdf" in shown.text
    card = await office.tap(shown, "返回报告")
    shown = await office.tap(card, "通过")
    shown = await office.tap(shown, "确认通过")
    assert "已通过" in shown.text
    assert (await reports.get(harness.deps.db.read, 1)).status == "accepted"  # type: ignore[union-attr]
    card = await office.say("/review 24")
    assert "退回" not in str(card.buttons)
    assert "已通过审核" in await _alert(harness, 2, card, "o:1:retall:")


async def test_return_the_whole_report(harness: Harness, coordinator: Chat) -> None:
    await harness.fill(1)
    await _submit(harness, coordinator)
    office = harness.chat(1)
    card = await office.say("/review 24")
    shown = await office.tap(card, "退回整份")
    shown = await office.say("请按新模板重新整理")
    n = len(coordinator.seen)
    shown = await office.tap(shown, "确认退回")
    assert "整份报告" in (await harness.standin.next_shown(600, n)).text
    report = await reports.get(harness.deps.db.read, 1)
    assert report is not None and report.status == "returned"
    p5 = await _at_point(coordinator, "2. 健全", "监测点 5")
    assert "整份" not in p5.text and "退回意见：请按新模板重新整理" in p5.text
    shown = await coordinator.tap(p5, "否")
    assert "请说明原因" in shown.text


async def test_non_office_cannot_review(harness: Harness, coordinator: Chat) -> None:
    assert "没有权限" in (await coordinator.say("/review 24")).text


# --- city bureaus and lead institutions -----------------------------------------------------------------------
async def test_city_bureau_sees_its_zhongzhi_and_completes_the_package(harness: Harness) -> None:
    school = "合肥工业学校"  # 附件3 No. 97, in 合肥
    await harness.bind(660, "coordinator", school)
    await harness.chat(660).say("/menu")
    await harness.bind(670, "city", city="合肥")
    city = harness.chat(670)
    overview = await city.say("/menu")
    assert "合肥市" in overview.text and "合肥工业学校" in overview.text
    assert "尚未提交" in await _alert(harness, 670, overview, "c:complete")
    report = await reports.find(harness.deps.db.read, 97, None)
    assert report is not None
    summary = await city.tap(overview, "合肥工业学校")
    assert "自查报告预览" in summary.text and "提交报告" not in str(summary.buttons)
    await harness.bind(671, "city", city="芜湖")
    assert "没有权限" in await _alert(harness, 671, overview, f"r:{report.id}:sum:")
    # Every 合肥 中职 submits, then the bureau can confirm.
    for inst in [i for i in await _zhongzhi(harness) if i[1] == "合肥"]:
        found = await reports.find(harness.deps.db.read, inst[0], None)
        if found is None:
            async with harness.deps.db.transaction() as conn:
                found = await reports.ensure(
                    conn, institution_id=inst[0], certificate_id=None, outline="institution", at="t"
                )
        async with harness.deps.db.transaction() as conn:
            await versions.set_status(conn, found.id, status="submitted", at="t", expect=("draft",))
    overview = await city.say("/menu")
    shown = await city.tap(overview, "确认本市材料汇总完成")
    assert "已确认汇总完成" in shown.text
    assert await versions.city_completed(harness.deps.db.read, "合肥")


async def _zhongzhi(harness: Harness) -> list[tuple[int, str | None]]:
    from storage import roster

    return [(i.id, i.city) for i in await roster.institutions(harness.deps.db.read, kind="中职")]


async def test_lead_institution_reads_its_organizations_report(harness: Harness, coordinator: Chat) -> None:
    await harness.bind(680, "org", "腾讯云计算（北京）有限责任公司")
    await harness.chat(680).say("/menu")
    menu = await coordinator.say("/menu")
    shown = await coordinator.tap(menu, "牵头证书")
    assert "Web前端开发" in shown.text and "腾讯云计算" in shown.text
    summary = await coordinator.tap(shown, "Web前端开发")
    assert "自查报告预览" in summary.text and "提交报告" not in str(summary.buttons)
