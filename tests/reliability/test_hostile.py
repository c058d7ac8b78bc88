"""Hostile and careless input, each row of the README's table that other test files do not already cover.
Every case: a clear Chinese answer, and stored data untouched."""

from __future__ import annotations

import pytest

from messages import zh
from storage import reports
from tests.support.helpers import Chat, Harness

SCHOOL = "安徽工商职业学院"


@pytest.fixture
async def at_point_1(harness: Harness) -> Chat:
    await harness.certify({"证书甲": ("某组织", SCHOOL)}, {SCHOOL: [("证书甲", 100)]})
    await harness.bind(600, "coordinator", SCHOOL)
    chat = harness.chat(600)
    menu = await chat.say("/menu")
    await chat.tap(menu, "继续填报")
    return chat


async def _answers(harness: Harness) -> dict[str, object]:
    return await reports.answers(harness.deps.db.read, 1)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("👍", "不是数字"),
        ("一百二十", "是中文数字，请改用阿拉伯数字"),
        ("99999999999999999999999", "超出允许的最大值"),
        ("9" * 10_000, "超出允许的最大值"),
        ("-1", "小于允许的最小值"),
        ("3.5", "不是整数"),
        ("", "内容为空"),
        ("<b>120</b>", "不是数字"),
    ],
)
async def test_bad_numbers_are_refused_and_nothing_is_stored(
    harness: Harness, at_point_1: Chat, typed: str, expected: str
) -> None:
    shown = await at_point_1.say(typed or " ")
    assert expected in shown.text, shown.text
    assert await _answers(harness) == {}
    assert len(shown.text) < 1200  # the echo of a huge input is clipped, the reply still fits a phone


async def _narrative(chat: Chat) -> None:
    menu = await chat.say("/menu")
    sections = await chat.tap(menu, "选择部分")
    section = await chat.tap(sections, "1. ")
    await chat.tap(section, "主要做法与成效")


async def test_emoji_and_html_in_text_are_kept_exactly_and_shown_escaped(harness: Harness, at_point_1: Chat) -> None:
    await _narrative(at_point_1)
    text = "成效显著👍 <script>alert('x')</script> & 更多"
    await at_point_1.say(text)
    assert (await _answers(harness))["s1.practice"] == {"text": text}
    shown = await _narrative_again(at_point_1)
    assert "&lt;script&gt;" in shown.text and "<script>" not in shown.text and "👍" in shown.text


async def _narrative_again(chat: Chat):  # type: ignore[no-untyped-def]
    menu = await chat.say("/menu")
    sections = await chat.tap(menu, "选择部分")
    section = await chat.tap(sections, "1. ")
    return await chat.tap(section, "主要做法与成效")


async def test_ten_thousand_characters_are_refused_with_the_limit(harness: Harness, at_point_1: Chat) -> None:
    await _narrative(at_point_1)
    shown = await at_point_1.say("长" * 10_000)
    assert "内容过长（10000 字）" in shown.text and "上限为 2000 字" in shown.text
    assert "s1.practice" not in await _answers(harness)


async def test_html_in_a_users_name_is_escaped_wherever_it_is_shown(harness: Harness) -> None:
    harness.standin.names[901] = "<b>专家</b>&"
    await harness.bind(901, "expert")
    listing = await harness.chat(1).say("/experts")
    assert "&lt;b&gt;专家&lt;/b&gt;&amp;" in listing.text


@pytest.mark.parametrize(
    "command",
    [
        "/menu",
        "/review 24",
        "/export",
        "/progress",
        "/sample",
        "/broadcast",
        "/deadline report 12-01",
        "/invite office",
        "/grades",
        "/quotas",
    ],
)
async def test_commands_from_strangers_are_refused(harness: Harness, command: str) -> None:
    shown = await harness.chat(700).say(command)
    assert shown.text in (zh.NOT_BOUND, zh.NOT_ALLOWED), (command, shown.text)


@pytest.mark.parametrize("command", ["/review 24", "/export", "/progress", "/sample", "/broadcast", "/grades"])
async def test_office_commands_from_a_coordinator_are_refused(harness: Harness, command: str) -> None:
    await harness.bind(600, "coordinator", SCHOOL)
    assert "没有权限" in (await harness.chat(600).say(command)).text


async def test_unknown_commands_and_stray_text_from_strangers(harness: Harness) -> None:
    assert "未识别的指令" in (await harness.chat(701).say("/rm -rf")).text
    assert "尚未绑定" in (await harness.chat(701).say("你好")).text


async def test_stickers_and_the_like_get_an_explanation(harness: Harness, at_point_1: Chat) -> None:
    n = len(at_point_1.seen)
    harness.standin.send_sticker(600)
    shown = await harness.standin.next_shown(600, n)
    assert "这类消息无法处理" in shown.text
    assert await _answers(harness) == {}
