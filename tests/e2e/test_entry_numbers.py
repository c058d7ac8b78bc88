"""Numbers as people type them, and whole per-certificate tables, end to end through the stand-in."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.answers.parsers import Invalid, parse_whole_numbers
from bot.domain.answers.tables import parse_table
from bot.domain.walk.rules import Row
from tests.support.helpers import Chat, Harness
from tests.support.walkdriver import go_to, school_answers

SCHOOL = "安徽工商职业学院"
CERTS = {
    "建筑信息模型(BIM)": ("廊坊市中科建筑产业化创新研究中心", SCHOOL),
    "Web前端开发": ("腾讯云计算（北京）有限责任公司", SCHOOL),
    "物流管理": ("北京中物联物流采购培训中心", "合肥学院"),
}
SCALES = [("建筑信息模型(BIM)", 1500), ("Web前端开发", 150), ("物流管理", 80)]


@pytest.fixture
async def school(harness: Harness) -> Chat:
    await harness.certify(CERTS, {SCHOOL: SCALES})
    await harness.bind(700, "coordinator", SCHOOL)
    return harness.chat(700)


def _rows(answers: dict[str, Any], key: str) -> dict[str, dict[str, int]]:
    return dict(answers[key]["rows"])


# --- parsing (pure) ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["1,000", "1，000", "1 000", "１，０００", "1000.0", "1,000人", "\u200b1,000"])
def test_thousands_separators_and_zero_fractions_are_one_number(text: str) -> None:
    assert parse_whole_numbers(text, count=1) == [1000]


def test_a_group_of_zeros_is_never_split_into_two_numbers() -> None:
    with pytest.raises(Invalid) as err:
        parse_whole_numbers("1,000", count=2)
    assert (err.value.code, err.value.params) == ("count", {"expected": 2, "got": 1, "read": "1000"})
    assert parse_whole_numbers("1,000 800", count=2) == [1000, 800]
    assert parse_whole_numbers("120 100", count=2) == [120, 100]  # two numbers, as the prompt asks
    assert parse_whole_numbers("120,100", count=2) == [120, 100]


def test_tables_by_order_or_by_name_prefix() -> None:
    rows = [Row("c1", "建筑信息模型(BIM)", 10), Row("c2", "Web前端开发", 10), Row("c3", "物流管理", 10)]
    assert parse_table("1,000\n100\n40", rows, count=1, maximum=10**6) == {0: [1000], 1: [100], 2: [40]}
    assert parse_table("物流 40\n建筑信息模型(BIM) 1 000", rows, count=1, maximum=10**6) == {2: [40], 0: [1000]}
    assert parse_table("web前端：100", rows, count=1, maximum=10**6) == {1: [100]}
    assert parse_table("100\n40", rows, count=1, maximum=10**6, start=1) == {1: [100], 2: [40]}
    for text, code in (
        ("物流 40\n100", "table_mixed"),
        ("1\n2\n3\n4", "table_lines"),
        ("会计 40", "table_unknown_name"),
        ("物流 40\n物流管理 41", "table_twice"),
        ("物流 四十", "table_line"),
    ):
        with pytest.raises(Invalid) as err:
            parse_table(text, rows, count=1, maximum=10**6)
        assert err.value.code == code, text
    two = [Row("c1", "物流管理", 1), Row("c2", "物流服务", 1)]
    with pytest.raises(Invalid) as err:
        parse_table("物流 40", two, count=1, maximum=10**6)
    assert err.value.params == {"name": "物流", "matches": "物流管理、物流服务"}


# --- end to end -------------------------------------------------------------------------------------------
async def test_thousands_are_read_right_at_one_number_and_two_number_prompts(harness: Harness, school: Chat) -> None:
    shown = await go_to(school, "2. 健全", "监测点 7")
    shown = await school.say("1,000")  # one number asked, max 100: read as 1000, refused for being too big
    assert "1000 超出允许的最大值 100" in shown.text
    shown = await school.say("80.0")
    assert shown.text.splitlines()[0] == "✅ 已保存：监测点 7 工作动态周报填报率 80%"
    assert (await school_answers(harness))["p7"] == {"n": 80}

    shown = await go_to(school, "8. 统筹", "监测点 20")
    shown = await school.say("1,000")  # two numbers asked: never 已考核 1, 已支付 0
    assert "需要 2 个数，读到 1 个：1000" in shown.text
    assert "p20" not in await school_answers(harness)
    shown = await school.say("1,000 1，000")
    assert "已考核人数 1000、已支付考核费用人数 1000" in shown.text
    assert _rows(await school_answers(harness), "p20") == {"c1": {"fee_assessed": 1000, "fee_paid": 1000}}


async def test_chinese_numerals_are_refused_with_the_reason_and_an_example(harness: Harness, school: Chat) -> None:
    await school.tap(await school.say("/menu"), "继续填报")
    shown = await school.say("四百二十一")
    assert "“四百二十一”是中文数字" in shown.text and "例如：四百二十一 → 421" in shown.text
    assert "p1" not in await school_answers(harness)
    shown = await school.say("1 000")
    assert "Web前端开发" in shown.text and "第 2/3 个" in shown.text
    assert _rows(await school_answers(harness), "p1") == {"c1": {"registered": 1000}}


async def test_the_scale_warning_names_the_certificate_and_both_numbers_and_keeps_buttons(
    harness: Harness, school: Chat
) -> None:
    shown = await school.tap(await school.say("/menu"), "继续填报")
    shown = await school.say("1,000")
    shown = await school.say("200")  # Web前端开发: 200 > 试点规模 150
    assert "⚠️ Web前端开发：已报名人数 200，试点规模 150。已报名人数超过试点规模" in shown.text
    labels = [label for label, _ in shown.buttons]
    assert labels == ["仍然保存", "重新输入", "📎 佐证材料 (0)", "◀ 上一项", "稍后填写 ▶", "☰ 菜单"]
    assert _rows(await school_answers(harness), "p1") == {"c1": {"registered": 1000}}
    shown = await school.tap(shown, "仍然保存")
    assert "物流管理" in shown.text
    assert _rows(await school_answers(harness), "p1")["c2"] == {"registered": 200}


async def test_a_whole_table_in_one_message_by_order(harness: Harness, school: Chat) -> None:
    shown = await school.tap(await school.say("/menu"), "继续填报")
    assert "也可一次发送整张表" in shown.text
    shown = await school.say("1,000\n120\n60")
    assert "请核对" in shown.text
    assert "• 建筑信息模型(BIM)（规模 1500）：已报名人数 1000" in shown.text
    assert "• Web前端开发（规模 150）：已报名人数 120" in shown.text
    assert _rows(await school_answers(harness), "p1") == {
        "c1": {"registered": 1000},
        "c2": {"registered": 120},
        "c3": {"registered": 60},
    }
    shown = await school.tap(shown, "确认无误")
    shown = await school.tap(shown, "稍后上传")
    assert "监测点 2" in shown.text and "此前填写：已报名人数 1000" in shown.text
    # 完成考核 over 报名 in one row refuses the whole table: nothing of it is stored.
    shown = await school.say("900\n121\n60")
    assert "Web前端开发：已完成考核人数 121，已报名人数 120。" in shown.text and "数据未保存" in shown.text
    assert "p2" not in await school_answers(harness)
    shown = await school.say("物流 50\n建筑 900\nWeb 100")
    assert "请核对" in shown.text
    assert _rows(await school_answers(harness), "p2") == {
        "c1": {"assessed": 900},
        "c2": {"assessed": 100},
        "c3": {"assessed": 50},
    }
    shown = await school.tap(shown, "确认无误")
    shown = await school.tap(shown, "稍后上传")
    assert "监测点 3" in shown.text and "此前填写：已完成考核人数 900" in shown.text


async def test_a_warned_table_shows_every_row_read_and_keeps_them_all(harness: Harness, school: Chat) -> None:
    shown = await school.tap(await school.say("/menu"), "继续填报")
    shown = await school.say("1000\n200\n0")
    assert "读到的数字：\n• 建筑信息模型(BIM)：已报名人数 1000\n• Web前端开发：已报名人数 200" in shown.text
    assert "⚠️ Web前端开发：已报名人数 200，试点规模 150。" in shown.text
    assert "⚠️ 物流管理：已报名人数 0。已报名人数为 0" in shown.text
    assert "p1" not in await school_answers(harness)
    shown = await school.tap(shown, "仍然保存")
    assert "请核对" in shown.text
    assert _rows(await school_answers(harness), "p1") == {
        "c1": {"registered": 1000},
        "c2": {"registered": 200},
        "c3": {"registered": 0},
    }


async def test_redo_asks_which_certificate_and_a_lone_number_never_overwrites_row_0(
    harness: Harness, school: Chat
) -> None:
    shown = await school.tap(await school.say("/menu"), "继续填报")
    shown = await school.say("1000\n120\n60")
    shown = await school.say("70")  # on the confirmation: which certificate is this for?
    assert "整张表已填写" in shown.text and "请核对" in shown.text
    before = {"c1": {"registered": 1000}, "c2": {"registered": 120}, "c3": {"registered": 60}}
    assert _rows(await school_answers(harness), "p1") == before
    shown = await school.tap(shown, "重新填写")
    assert "要修改哪个证书" in shown.text
    shown = await school.say("70")  # still no certificate chosen: nothing changes
    assert "整张表已填写" in shown.text and "请核对" in shown.text
    assert _rows(await school_answers(harness), "p1") == before
    shown = await school.tap(shown, "重新填写")
    assert [label for label, _ in shown.buttons] == ["建筑信息模型(BIM)", "Web前端开发", "物流管理", "↩ 返回核对"]
    shown = await school.tap(shown, "物流管理")
    assert "正在修改：<b>物流管理</b>" in shown.text
    shown = await school.say("70")
    assert "请核对" in shown.text
    assert _rows(await school_answers(harness), "p1") == {**before, "c3": {"registered": 70}}
    # `证书名 数字` on the confirmation changes that certificate only.
    shown = await school.say("web 130")
    assert "请核对" in shown.text and "Web前端开发（规模 150）：已报名人数 130" in shown.text
    assert _rows(await school_answers(harness), "p1") == {**before, "c2": {"registered": 130}, "c3": {"registered": 70}}


async def test_a_20_certificate_college_types_each_table_in_one_message(harness: Harness) -> None:
    names = [f"证书{n:02d}号职业技能" for n in range(1, 21)]
    await harness.certify({n: ("某培训评价组织", SCHOOL) for n in names}, {SCHOOL: [(n, 100) for n in names]})
    await harness.bind(701, "coordinator", SCHOOL)
    chat = harness.chat(701)
    shown = await chat.tap(await chat.say("/menu"), "继续填报")
    typed = 0
    for point, line in (("监测点 1", "90"), ("监测点 2", "80"), ("监测点 3", "70")):
        assert point in shown.text and len(shown.text) <= 4096
        shown = await chat.say("\n".join(line for _ in names))
        typed += 1
        assert "请核对" in shown.text, shown.text
        shown = await chat.tap(shown, "确认无误")
        if "稍后上传 ▶" in [label for label, _ in shown.buttons]:
            shown = await chat.tap(shown, "稍后上传")
    shown = await go_to(chat, "6. 教师", "监测点 16")
    shown = await chat.say("\n".join(f"{n} 5 4 3" for n in reversed(names)))  # by name, in any order
    typed += 1
    assert "请核对" in shown.text
    shown = await go_to(chat, "8. 统筹", "监测点 20")
    shown = await chat.say("\n".join("80 80" for _ in names))
    typed += 1
    assert "请核对" in shown.text
    answers = await school_answers(harness)
    assert typed == 5
    assert all(len(answers[key]["rows"]) == 20 for key in ("p1", "p2", "p3", "p16", "p20"))
    trained = {"teacher_trained": 5, "teacher_skill": 4, "teacher_assessor": 3}
    assert all(row == trained for row in answers["p16"]["rows"].values())
