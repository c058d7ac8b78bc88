"""Texts as Telegram delivers them: long texts split into several messages, invisible characters, and the
one-line acknowledgement of each typed answer, end to end through the stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bench.standin import StandIn
from bot.clock import FrozenClock
from tests.support.helpers import Chat, Harness, make_settings
from tests.support.walkdriver import go_to, school_answers

SCHOOL = "安徽工商职业学院"
CERTS = {"Web前端开发": ("腾讯云计算（北京）有限责任公司", SCHOOL)}
PART_1 = "甲" * 4096  # Telegram sends a longer text as parts of 4096 characters, one after another
PART_2 = "乙" * 1500


async def _chat(harness: Harness, user_id: int = 800) -> Chat:
    await harness.certify(CERTS, {SCHOOL: [("Web前端开发", 150)]})
    await harness.bind(user_id, "coordinator", SCHOOL)
    return harness.chat(user_id)


@pytest.fixture
async def roomy(tmp_path: Path, standin: StandIn, clock: FrozenClock) -> AsyncIterator[Harness]:
    """A bot whose text limit (XCHECK_MAX_TEXT_LENGTH) holds a text Telegram splits in two."""
    h = Harness(standin, make_settings(tmp_path, standin, max_text_length=8000), clock)
    await h.start()
    await h.seed()
    yield h
    await h.stop()


async def test_a_text_split_by_telegram_is_one_answer_never_the_next_items(roomy: Harness) -> None:
    chat = await _chat(roomy)
    await go_to(chat, "5. 实施", "主要做法与成效")
    first = await chat.say(PART_1)
    assert first.text.splitlines()[0] == "✅ 已保存为 第5部分 · 主要做法与成效（4096 字）"
    roomy.clock.advance(timedelta(seconds=1))  # the next part, a second later
    second = await chat.say(PART_2)
    assert second.text.splitlines()[0] == (
        "✅ 已将连续收到的 2 条消息合并为一条回答，已保存为 第5部分 · 主要做法与成效（5596 字）"
    )
    assert "存在问题与改进措施" in second.text  # still asking the next item, which is untouched
    answers = await school_answers(roomy)
    assert answers["s5.practice"] == {"text": PART_1 + PART_2}
    assert "s5.problems" not in answers
    # Later on, a text is an answer of its own again.
    roomy.clock.advance(timedelta(seconds=30))
    third = await chat.say("问题：经费不足。")
    assert third.text.splitlines()[0] == "✅ 已保存为 第5部分 · 存在问题与改进措施（8 字）"
    assert (await school_answers(roomy))["s5.problems"] == {"text": "问题：经费不足。"}


async def test_a_split_text_over_the_limit_is_refused_whole(harness: Harness) -> None:
    chat = await _chat(harness)
    await go_to(chat, "5. 实施", "主要做法与成效")
    shown = await chat.say(PART_1)
    assert "内容过长（4096 字），上限为 2000 字" in shown.text
    shown = await chat.say("乙" * 200)  # the last part: still part of the refused text
    assert "内容过长（4296 字），上限为 2000 字" in shown.text and "合并计算字数，整段未保存" in shown.text
    assert "主要做法与成效" in shown.text and "存在问题与改进措施" not in shown.text
    answers = await school_answers(harness)
    assert "s5.practice" not in answers and "s5.problems" not in answers


async def test_a_split_text_replaces_an_earlier_answer_only_when_whole(roomy: Harness) -> None:
    chat = await _chat(roomy)
    await go_to(chat, "5. 实施", "主要做法与成效")
    await chat.say("原来的做法。")
    roomy.clock.advance(timedelta(seconds=30))
    await go_to(chat, "5. 实施", "主要做法与成效")
    await chat.say(PART_1)
    shown = await chat.say("丙" * 4000)  # 8096 in all: over the 8000 limit, so the old answer stays
    assert "内容过长（8096 字），上限为 8000 字" in shown.text
    assert (await school_answers(roomy))["s5.practice"] == {"text": "原来的做法。"}


async def test_two_messages_back_to_back_each_say_where_they_were_saved(harness: Harness) -> None:
    chat = await _chat(harness)
    await go_to(chat, "5. 实施", "主要做法与成效")
    first = await chat.say("做法：开展培训。")
    second = await chat.say("补充：组织考核。")  # meant as more of the same answer, but short: saved apart, said so
    assert first.text.splitlines()[0] == "✅ 已保存为 第5部分 · 主要做法与成效（8 字）"
    assert second.text.splitlines()[0] == "✅ 已保存为 第5部分 · 存在问题与改进措施（8 字）"
    answers = await school_answers(harness)
    assert answers["s5.practice"] == {"text": "做法：开展培训。"}
    assert answers["s5.problems"] == {"text": "补充：组织考核。"}


@pytest.mark.parametrize("blank", ["\u200b", "\ufeff\u200b", "\u3000\u3000", "\u200d \u3000\ufeff"])
async def test_invisible_characters_alone_are_an_empty_answer(harness: Harness, blank: str) -> None:
    chat = await _chat(harness)
    await go_to(chat, "5. 实施", "主要做法与成效")
    shown = await chat.say(blank)
    assert "内容为空" in shown.text and "主要做法与成效" in shown.text
    shown = await go_to(chat, "2. 健全", "监测点 4")
    shown = await chat.say(blank)
    assert "请点“是”或“否”" in shown.text
    assert await school_answers(harness) == {}


async def test_typed_answers_are_acknowledged_on_the_first_line_of_one_message(harness: Harness) -> None:
    chat = await _chat(harness)
    await go_to(chat, "2. 健全", "监测点 5")
    sent = len(harness.standin.calls_to("sendMessage"))
    shown = await chat.say("是")
    lines = shown.text.splitlines()
    assert lines[0] == "✅ 已保存：监测点 5 是" and "监测点 6 ★" in lines[2]
    shown = await chat.say("否")
    assert "您选择了“否”。请说明原因" in shown.text and "监测点 6 ★" in shown.text
    shown = await chat.say("正在筹建。")
    assert shown.text.splitlines()[0] == "✅ 已保存：监测点 6 否，说明 5 字"
    assert len(harness.standin.calls_to("sendMessage")) - sent == 3  # one message per typed answer
    answers = await school_answers(harness)
    assert answers["p5"] == {"yes": True, "note": None} and answers["p6"] == {"yes": False, "note": "正在筹建。"}
