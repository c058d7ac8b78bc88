"""Drives a chat through an outline (a whole one, answering each item by its type and checking each screen,
or to one point), and reads back what the walk stored."""

from __future__ import annotations

from typing import Any

from bench.standin import Shown
from bot.domain.outlines.loader import Item, LaidOut
from bot.domain.outlines.models import Choice, Number, Numbers, YesNo
from bot.domain.walk.reporting import load_ctx
from bot.domain.walk.rules import rows_for
from storage import reports
from tests.support.helpers import Chat, Harness


def expected_header(laid: LaidOut, item: Item) -> str:
    if item.point is not None:
        return f"第{item.section.no}部分 / 共{len(laid.sections)}部分 · 监测点 {item.point.no}"
    assert item.narrative is not None
    return f"第{item.section.no}部分 / 共{len(laid.sections)}部分 · {item.narrative.label}"


def numbers_for(item: Item, answer: Numbers, row: int) -> str:
    # Values that fall along the outline and along each row satisfy every "≤" rule (合格 ≤ 考核 ≤ 报名).
    base = 300 - 5 * item.index
    return " ".join(str(base - i - row) for i in range(len(answer.fields)))


PHONE_SCREEN_CHARS = 900  # about one screen of a phone in Chinese text
BUTTON_CHARS = 24  # longer labels are cut off on narrow screens


def fits_phone(shown: Shown) -> None:
    assert len(shown.text) <= PHONE_SCREEN_CHARS, (len(shown.text), shown.text)
    for label, _ in shown.buttons:
        assert len(label) <= BUTTON_CHARS, label


async def answer_item(chat: Chat, shown: Shown, laid: LaidOut, item: Item, n_rows: int) -> Shown:
    shown = await _answer(chat, shown, laid, item, n_rows)
    if any(label == "稍后上传 ▶" for label, _ in shown.buttons):
        # A point that needs evidence asks for the file right after the answer; the walk brings none.
        assert "需要上传佐证材料" in shown.text and expected_header(laid, item) in shown.text, shown.text
        shown = await chat.tap(shown, "稍后上传")
    return shown


async def _answer(chat: Chat, shown: Shown, laid: LaidOut, item: Item, n_rows: int) -> Shown:
    fits_phone(shown)
    assert expected_header(laid, item) in shown.text, (item.key, shown.text)
    if item.narrative is not None:
        return await chat.say(f"{item.section.title}的{item.narrative.label}：略。")
    assert item.point is not None
    answer = item.point.answer
    if isinstance(answer, YesNo):
        # A practice question answered 是 and a violation answered 否 need no follow-up.
        return await chat.tap(shown, "是" if answer.flavour == "practice" else "否")
    if isinstance(answer, Choice):
        return await chat.tap(shown, answer.options[0])
    if isinstance(answer, Number):
        return await chat.say(str(answer.max))
    assert isinstance(answer, Numbers)
    for row in range(n_rows):
        shown = await chat.say(numbers_for(item, answer, row))
        while "仍要保存" in shown.text:
            shown = await chat.tap(shown, "仍然保存")
    assert "请核对" in shown.text, shown.text
    return await chat.tap(shown, "确认无误")


async def walk_all(chat: Chat, first: Shown, laid: LaidOut, certificates: int) -> Shown:
    shown = first
    for item in laid.items:
        rows = 1
        if item.point is not None and isinstance(item.point.answer, Numbers):
            rows = len(rows_for(item.point.answer, [None] * certificates))  # type: ignore[list-item]
        shown = await answer_item(chat, shown, laid, item, rows)
    return shown


async def school_answers(harness: Harness) -> dict[str, Any]:
    """The answers of 附件3 No. 24's report as the walk reads them."""
    found = await reports.find(harness.deps.db.read, 24, None)
    assert found is not None
    return (await load_ctx(harness.deps.db.read, found, harness.deps.outlines)).state.answers


async def go_to(chat: Chat, section: str, label: str) -> Shown:
    """From the menu to one point: 选择部分, the section, then the point's button."""
    shown = await chat.say("/menu")
    shown = await chat.tap(shown, "选择部分")
    shown = await chat.tap(shown, section)
    return await chat.tap(shown, label)
