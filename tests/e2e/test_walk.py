"""The guided walk, end to end through the stand-in."""

from __future__ import annotations

import pytest

from bot.domain.walk.state import State
from storage import audit, cursors, reports
from tests.support.helpers import Chat, Harness
from tests.support.walkdriver import walk_all

SCHOOL = "安徽工商职业学院"
CERTS = {
    "Web前端开发": ("腾讯云计算（北京）有限责任公司", SCHOOL),
    "物流管理": ("北京中物联物流采购培训中心", "合肥学院"),
}


@pytest.fixture
async def coordinator(harness: Harness) -> Chat:
    await harness.certify(CERTS, {SCHOOL: [("Web前端开发", 150), ("物流管理", 80)], "合肥学院": [("物流管理", 60)]})
    await harness.bind(600, "coordinator", SCHOOL)
    return harness.chat(600)


async def _start(chat: Chat) -> object:
    menu = await chat.say("/menu")
    assert "安徽工商职业学院" in menu.text and "已完成 0/10 部分" in menu.text
    return await chat.tap(menu, "继续填报")


async def _state(harness: Harness, institution_seq: str = "24") -> State:
    from bot.domain.walk.reporting import load_ctx

    found = await reports.find(harness.deps.db.read, 24, None) if institution_seq == "24" else None
    assert found is not None
    return (await load_ctx(harness.deps.db.read, found, harness.deps.outlines)).state


async def test_whole_institution_outline_end_to_end(harness: Harness, coordinator: Chat) -> None:
    first = await _start(coordinator)
    laid = harness.deps.outlines.institution
    last = await walk_all(coordinator, first, laid, certificates=2)
    assert "全部项目均已填写" in last.text
    state = await _state(harness)
    assert state.missing() == []
    p1 = state.answers["p1"]
    assert p1["confirmed"] and set(p1["rows"]) == {"c1", "c2"}
    assert state.answers["p4"] == {"yes": True, "note": None}
    menu = await coordinator.say("/menu")
    assert "已完成 10/10 部分" in menu.text


async def test_whole_training_org_outline_end_to_end(harness: Harness) -> None:
    await harness.certify(CERTS, {SCHOOL: [("Web前端开发", 150)]})
    await harness.bind(610, "org", "腾讯云计算（北京）有限责任公司")
    chat = harness.chat(610)
    menu = await chat.say("/menu")
    assert "Web前端开发" in menu.text
    first = await chat.tap(menu, "继续填报")
    last = await walk_all(chat, first, harness.deps.outlines.training_org, certificates=0)
    assert "全部项目均已填写" in last.text


async def test_org_with_two_certificates_picks_one(harness: Harness) -> None:
    org = "某培训评价组织"
    await harness.certify({"证书甲": (org, SCHOOL), "证书乙": (org, SCHOOL)}, {})
    await harness.bind(611, "org", org)
    chat = harness.chat(611)
    pick = await chat.say("/menu")
    assert "请选择要填写的证书" in pick.text
    menu = await chat.tap(pick, "证书乙")
    assert "证书乙" in menu.text and "切换证书" in str(menu.buttons)


async def test_rates_are_computed_and_shown_for_confirmation(harness: Harness, coordinator: Chat) -> None:
    shown = await _start(coordinator)
    assert "试点规模 150" in shown.text and "第 1/2 个" in shown.text
    shown = await coordinator.say("120")
    assert "物流管理" in shown.text and "试点规模 80" in shown.text
    shown = await coordinator.say("40")
    assert "报考率 80.00%" in shown.text and "报考率 50.00%" in shown.text
    # The total travels with its counts: (120 + 40) / (150 + 80), two decimals as the formulas give.
    assert "<b>合计：试点规模 230、已报名人数 160 → 报考率 69.57%</b>" in shown.text.splitlines()
    shown = await coordinator.tap(shown, "确认无误")
    assert "需要上传佐证材料" in shown.text  # ★1 asks for its file right after the answer
    shown = await coordinator.tap(shown, "稍后上传")
    assert "监测点 2" in shown.text
    shown = await coordinator.say("100")
    shown = await coordinator.say("40")
    assert "考核率 83.33%" in shown.text and "考核率 100.00%" in shown.text


async def test_impossible_numbers_are_refused_and_nothing_is_stored(harness: Harness, coordinator: Chat) -> None:
    shown = await _start(coordinator)
    await coordinator.say("120")
    shown = await coordinator.say("40")
    shown = await coordinator.tap(shown, "确认无误")
    shown = await coordinator.tap(shown, "稍后上传")
    shown = await coordinator.say("121")  # 已完成考核 > 已报名
    assert "不能超过已报名人数（120）" in shown.text and "数据未保存" in shown.text
    state = await _state(harness)
    assert "p2" not in state.answers
    for bad, why in (("-5", "小于允许的最小值"), ("abc", "不是数字"), ("12.5", "不是整数"), ("1 2", "需要 1 个数")):
        shown = await coordinator.say(bad)
        assert why in shown.text, (bad, shown.text)
    assert "p2" not in (await _state(harness)).answers


async def test_unusual_numbers_need_a_confirmed_warning(harness: Harness, coordinator: Chat) -> None:
    shown = await _start(coordinator)
    shown = await coordinator.say("200")  # 报名 > 试点规模 150
    assert "超过试点规模" in shown.text and "仍要保存" in shown.text
    assert "p1" not in (await _state(harness)).answers
    shown = await coordinator.tap(shown, "重新输入")
    assert "第 1/2 个" in shown.text
    shown = await coordinator.say("0")  # a rate of 0
    assert "报考率将为 0" in shown.text
    shown = await coordinator.tap(shown, "仍然保存")
    assert "物流管理" in shown.text
    assert (await _state(harness)).answers["p1"]["rows"]["c1"] == {"registered": 0}


async def test_yes_no_follow_ups_and_typed_answers(harness: Harness, coordinator: Chat) -> None:
    shown = await coordinator.say("/menu")
    shown = await coordinator.tap(shown, "选择部分")
    shown = await coordinator.tap(shown, "2. 健全")
    shown = await coordinator.tap(shown, "监测点 4")
    assert "领导小组" in shown.text and "★" in shown.text
    shown = await coordinator.say("否")
    assert "您选择了“否”" in shown.text and "请说明原因" in shown.text
    shown = await coordinator.say("正在筹建，预计下月成立。")
    assert "监测点 5" in shown.text
    state = await _state(harness)
    assert state.answers["p4"] == {"yes": False, "note": "正在筹建，预计下月成立。"}
    shown = await coordinator.say("也许")
    assert "请点“是”或“否”" in shown.text
    # Violation questions ask for the case when answered 是.
    shown = await coordinator.say("/menu")
    shown = await coordinator.tap(shown, "选择部分")
    shown = await coordinator.tap(shown, "10. 试点")
    shown = await coordinator.tap(shown, "监测点 24")
    shown = await coordinator.tap(shown, "是")
    assert "请说明具体情况" in shown.text


async def test_back_skip_and_core_points_cannot_be_skipped(harness: Harness, coordinator: Chat) -> None:
    shown = await coordinator.say("/menu")
    shown = await coordinator.tap(shown, "选择部分")
    shown = await coordinator.tap(shown, "2. 健全")
    shown = await coordinator.tap(shown, "监测点 4")
    assert "跳过" not in str(shown.buttons) and "稍后填写" in str(shown.buttons)
    # A forged skip of a core point is refused on the server.
    n_alerts = len(harness.standin.calls_to("answerCallbackQuery"))
    harness.standin.press(600, shown, shown.button("稍后填写").replace(":later:", ":skip:"))
    await harness.standin.wait_for(lambda: len(harness.standin.calls_to("answerCallbackQuery")) > n_alerts)
    alert = harness.standin.calls_to("answerCallbackQuery")[-1].params
    assert "不能跳过" in alert["text"]
    assert "p4" not in (await _state(harness)).answers
    shown = await coordinator.tap(shown, "稍后填写")
    assert "监测点 5" in shown.text and "已暂缓" in shown.text
    shown = await coordinator.tap(shown, "跳过")
    assert "监测点 6" in shown.text
    assert (await _state(harness)).answers["p5"] == {"skipped": True}
    shown = await coordinator.tap(shown, "上一项")
    assert "监测点 5" in shown.text and "已跳过" in shown.text
    shown = await coordinator.tap(shown, "是")  # change an earlier answer
    assert (await _state(harness)).answers["p5"]["yes"] is True


async def test_resume_after_restart_returns_to_the_same_point(harness: Harness, coordinator: Chat) -> None:
    shown = await _start(coordinator)
    shown = await coordinator.say("120")
    assert "物流管理" in shown.text
    await harness.restart()
    shown = await coordinator.say("/menu")
    shown = await coordinator.tap(shown, "继续填报")
    assert "物流管理" in shown.text and "第 2/2 个" in shown.text
    shown = await coordinator.say("40")
    assert "合计：试点规模 230、已报名人数 160 → 报考率 69.57%" in shown.text
    assert (await _state(harness)).answers["p1"]["rows"] == {"c1": {"registered": 120}, "c2": {"registered": 40}}


async def test_two_coordinators_share_one_report_and_both_writes_are_audited(
    harness: Harness, coordinator: Chat
) -> None:
    await harness.bind(601, "coordinator", SCHOOL)
    other = harness.chat(601)
    for chat, answer in ((coordinator, "是"), (other, "否")):
        shown = await chat.say("/menu")
        shown = await chat.tap(shown, "选择部分")
        shown = await chat.tap(shown, "3. 职业")
        shown = await chat.tap(shown, "监测点 8")
        await chat.tap(shown, answer)
    assert (await _state(harness)).answers["p8"]["yes"] is False  # the later one wins
    log = await audit.entries(harness.deps.db.read, action="answer.put", subject="report:1:p8")
    assert [e.actor for e in log] == ["tg:600", "tg:601"]


async def test_long_text_is_refused_beyond_the_limit(harness: Harness, coordinator: Chat) -> None:
    shown = await coordinator.say("/menu")
    shown = await coordinator.tap(shown, "选择部分")
    shown = await coordinator.tap(shown, "5. 实施")
    shown = await coordinator.tap(shown, "主要做法与成效")
    shown = await coordinator.say("很" * 2001)
    assert "内容过长（2001 字）" in shown.text and "2000" in shown.text
    assert "s5.practice" not in (await _state(harness)).answers
    shown = await coordinator.say("做法：" + "很" * 100)
    assert "存在问题与改进措施" in shown.text


async def test_a_stranger_cannot_touch_a_report(harness: Harness, coordinator: Chat) -> None:
    shown = await _start(coordinator)
    await harness.bind(620, "coordinator", "合肥学院")
    intruder = harness.chat(620)
    n = len(harness.standin.calls_to("answerCallbackQuery"))
    harness.standin.press(620, shown, "w:1:p4:yn:1")
    await harness.standin.wait_for(lambda: len(harness.standin.calls_to("answerCallbackQuery")) > n)
    assert "没有权限" in harness.standin.calls_to("answerCallbackQuery")[-1].params["text"]
    assert "p4" not in (await _state(harness)).answers
    assert intruder.seen[-1].text.startswith("绑定成功")


async def test_cursor_is_a_row(harness: Harness, coordinator: Chat) -> None:
    await _start(coordinator)
    cursor = await cursors.get(harness.deps.db.read, 600)
    assert cursor is not None and cursor.item == "p1" and cursor.stage == "ask"
