"""Evidence asked for where it belongs, end to end through the stand-in: the 📎 mark while answering, the
file asked for right after the answer, waivers from the outline data, the submit check's jump buttons, files
sent from the menu, photo names, and file types by content."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bench.standin import Shown
from bot.domain.outlines import load_outlines
from bot.domain.outlines.models import Point
from storage import evidence as evidence_store
from tests.support import files
from tests.support.helpers import Chat, Harness
from tests.support.walkdriver import go_to, school_answers

SCHOOL = "安徽工商职业学院"
CERTS = {"Web前端开发": ("腾讯云计算（北京）有限责任公司", SCHOOL)}


@pytest.fixture
async def coordinator(harness: Harness) -> Chat:
    await harness.certify(CERTS, {SCHOOL: [("Web前端开发", 150)]})
    await harness.bind(900, "coordinator", SCHOOL)
    return harness.chat(900)


def _labels(shown: Shown) -> list[str]:
    return [label for label, _ in shown.buttons]


async def test_a_point_needing_evidence_says_so_and_asks_for_the_file_right_after(
    harness: Harness, coordinator: Chat
) -> None:
    shown = await go_to(coordinator, "2. 健全", "监测点 4")
    assert "📎 需上传佐证材料（尚未上传）" in shown.text
    shown = await coordinator.tap(shown, "是")
    assert "监测点 4 ★" in shown.text and "需要上传佐证材料才能提交" in shown.text
    assert _labels(shown) == ["📎 佐证材料 (0)", "稍后上传 ▶", "◀ 上一项", "☰ 菜单"]
    # A typed word here does not answer anything: the screen waits for a file.
    shown = await coordinator.say("是")
    assert "这里需要的是文件" in shown.text and "p5" not in await school_answers(harness)
    # The file sent now belongs to ★4; the question and its buttons stay on screen with it.
    shown = await coordinator.upload(files.pdf("group"), "领导小组文件.pdf", "application/pdf")
    assert shown.text.startswith("📎 已保存为<b>监测点 4</b>的佐证材料：领导小组文件.pdf（PDF，1 KB）。")
    assert "第2部分 / 共10部分 · 监测点 4 ★" in shown.text and "已有 1 份佐证材料" in shown.text
    assert "返回本项" not in str(shown.buttons) and "下一项 ▶" in _labels(shown)
    shown = await coordinator.tap(shown, "下一项")
    assert "监测点 5" in shown.text
    # 稍后上传 moves on and leaves the point marked in its section's list.
    shown = await go_to(coordinator, "2. 健全", "监测点 6")
    shown = await coordinator.tap(shown, "是")
    shown = await coordinator.tap(shown, "稍后上传")
    assert "监测点 7" in shown.text
    shown = await coordinator.say("/menu")
    shown = await coordinator.tap(shown, "选择部分")
    shown = await coordinator.tap(shown, "2. 健全")
    assert "✅ 监测点 6 ★ 📎" in _labels(shown) and "✅ 监测点 4 ★" in _labels(shown)
    assert "📎 需上传佐证材料，尚未上传" in shown.text


async def test_an_answer_that_waives_evidence_asks_for_no_file(harness: Harness, coordinator: Chat) -> None:
    shown = await go_to(coordinator, "7. 参与", "监测点 17")
    assert "📎 需上传佐证材料" in shown.text
    shown = await coordinator.tap(shown, "否")
    shown = await coordinator.say("激励办法正在起草。")
    assert shown.text.splitlines()[0] == "✅ 已保存：监测点 17 否，说明 9 字"
    assert "监测点 18" in shown.text and "需要上传佐证材料" not in shown.text
    shown = await go_to(coordinator, "7. 参与", "监测点 17")
    assert "需上传佐证材料" not in shown.text  # 否: there is no scheme to prove


def test_waivers_are_outline_data_checked_at_load() -> None:
    point = {"no": 1, "core": True, "text": "是否建立机制？", "answer": {"type": "yesno", "flavour": "practice"}}
    point["answer"]["followup"] = "请说明。"  # type: ignore[index]
    with pytest.raises(ValidationError, match="evidence_waived_by needs evidence"):
        Point.model_validate({**point, "evidence_waived_by": "no"})
    assert Point.model_validate({**point, "evidence": True, "evidence_waived_by": "no"}).evidence_waived_by == "no"
    laid = load_outlines(year=2020).institution
    assert laid.by_key["p17"].point.evidence_waived_by == "no"  # type: ignore[union-attr]


async def test_the_submit_check_lists_what_is_missing_as_jump_buttons(harness: Harness, coordinator: Chat) -> None:
    await coordinator.say("/menu")  # the report is made on first use
    await harness.fill(1, evidence=False, skip=("p9",))
    shown = await coordinator.tap(await coordinator.say("/menu"), "预览并提交")
    shown = await coordinator.tap(shown, "提交报告")
    assert "暂不能提交" in shown.text
    jumps = [(label, data) for label, data in shown.buttons if data.startswith("w:")]
    assert [label for label, _ in jumps] == [
        "📎 监测点 1 ★",
        "📎 监测点 2 ★",
        "📎 监测点 4 ★",
        "📎 监测点 6 ★",
        "📎 监测点 8 ★",
        "✏️ 监测点 9",
        "📎 监测点 12 ★",
        "📎 监测点 15 ★",
        "📎 监测点 17 ★",
        "📎 监测点 20 ★",
        "📎 监测点 23 ★",
    ]
    shown = await coordinator.tap(shown, "监测点 9")
    assert "第3部分 / 共10部分 · 监测点 10" not in shown.text and "监测点 9" in shown.text


async def test_a_file_sent_from_the_menu_asks_which_point_it_supports(harness: Harness, coordinator: Chat) -> None:
    shown = await go_to(coordinator, "2. 健全", "监测点 5")
    await coordinator.tap(shown, "是")
    await coordinator.say("/menu")
    shown = await coordinator.upload(files.pdf("menu"), "实施方案.pdf", "application/pdf")
    assert "收到“实施方案.pdf”。它是哪个监测点的佐证材料" in shown.text
    points = [label for label, data in shown.buttons if ":put:" in data]
    assert points[0] == "监测点 6 ★ 📎" and points[1] == "监测点 5"  # where the walk stands, then the latest answer
    assert await evidence_store.of_report(harness.deps.db.read, 1) == []
    shown = await coordinator.tap(shown, "监测点 5")
    assert "已保存为<b>监测点 5</b>的佐证材料：实施方案.pdf" in shown.text and "监测点 5" in shown.text
    (stored,) = await evidence_store.of_report(harness.deps.db.read, 1)
    assert (stored.item, stored.name) == ("p5", "实施方案.pdf")


async def test_photos_are_named_after_the_point_and_caption_or_local_time(harness: Harness, coordinator: Chat) -> None:
    await go_to(coordinator, "2. 健全", "监测点 4")
    await coordinator.photo(files.jpeg() + b"1", caption="领导小组会议")
    await coordinator.photo(files.jpeg() + b"2")
    names = [e.name for e in await evidence_store.of_report(harness.deps.db.read, 1, "p4")]
    # T0 is 2020-11-20 00:00 UTC: 08:00 in Anhui.
    assert names == ["监测点 4_领导小组会议.jpg", "监测点 4_照片_2020年11月20日 08时00分.jpg"]


async def test_installers_renamed_doc_are_refused_and_real_legacy_office_files_accepted(
    harness: Harness, coordinator: Chat
) -> None:
    await go_to(coordinator, "2. 健全", "监测点 4")
    shown = await coordinator.upload(files.msi(), "制度.doc", "application/msword")
    assert "无法识别该文件的内容" in shown.text and "安装程序" in shown.text
    shown = await coordinator.upload(files.windows_exe(), "方案.doc", "application/msword")
    assert "无法识别该文件的内容" in shown.text
    assert await evidence_store.of_report(harness.deps.db.read, 1) == []
    shown = await coordinator.upload(files.legacy_doc(), "制度.doc", "application/msword")
    assert "制度.doc（Word" in shown.text
    for name, maker, kind in (
        ("会议.rar", files.rar, "RAR"),
        ("材料.7z", files.seven_z, "7z"),
        ("发票.ofd", files.ofd, "OFD"),
        ("现场.heic", files.heic, "图片"),
        ("培训.mp4", files.mp4, "视频"),
    ):
        shown = await coordinator.upload(maker(), name, "application/octet-stream")
        assert f"{name}（{kind}" in shown.text, shown.text
    kinds = [e.kind for e in await evidence_store.of_report(harness.deps.db.read, 1, "p4")]
    assert kinds == ["doc", "rar", "7z", "ofd", "heic", "mp4"]
