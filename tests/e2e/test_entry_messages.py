"""Long messages: split at line ends into messages Telegram accepts, never cut inside an HTML tag."""

from __future__ import annotations

import re
from html import unescape

from hypothesis import given
from hypothesis import strategies as st

from bench.standin import html_error
from handlers.longtext import split_html
from tests.support.helpers import Harness

_TAG = re.compile(r"<(/?)(\w+)[^<>]*>")


def balanced(part: str) -> bool:
    stack: list[str] = []
    for closing, name in _TAG.findall(part):
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


def plain(text: str) -> str:
    return unescape(_TAG.sub("", text)).replace("\n", "")


LINES = st.lists(
    st.one_of(
        st.text(alphabet="甲乙丙丁ab &<>", min_size=0, max_size=300).map(
            lambda t: t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        ),
        st.builds(lambda a, b: f"• <b>{a}</b>：{b}", st.text("院校名", max_size=40), st.text("评定", max_size=200)),
        st.builds(lambda a: f"<code>{a}</code>", st.text("0123456789abcdef", max_size=900)),
    ),
    min_size=1,
    max_size=60,
)


@given(LINES, st.integers(min_value=60, max_value=4096))
def test_parts_fit_are_valid_html_and_keep_every_character(lines: list[str], limit: int) -> None:
    text = "\n".join(lines)
    parts = split_html(text, limit)
    for part in parts:
        assert len(part) <= limit and balanced(part) and html_error(part) is None, part
    assert "".join(plain(p) for p in parts) == plain(text)


def test_a_tag_open_across_a_cut_is_closed_and_reopened() -> None:
    text = "<b>" + "甲" * 30 + "</b>"
    assert split_html(text, 20) == ["<b>" + "甲" * 13 + "</b>", "<b>" + "甲" * 13 + "</b>", "<b>" + "甲" * 4 + "</b>"]
    assert split_html("一\n二\n三", 3) == ["一\n二", "三"]  # at line ends where lines fit


async def test_a_long_progress_list_arrives_in_parts_with_the_buttons_under_the_last(harness: Harness) -> None:
    filler = "（高级）职业技能等级证书" * 2
    certificates = {f"证书{n:03d}{filler}": (f"培训评价组织{n:03d}有限责任公司", "合肥学院") for n in range(120)}
    await harness.certify(certificates, {})
    office = harness.chat(1)
    shown = await office.say("/progress")
    n = len(office.seen)
    await office.tap(shown, "未开始名单")
    await harness.standin.wait_for(lambda: any(e.buttons for e in office.seen[n:]))
    parts = office.seen[n:]
    assert len(parts) >= 3 and parts[0].message_id == shown.message_id  # the first part in place of the menu
    assert len({p.message_id for p in parts}) == len(parts)
    for part in parts:
        assert len(part.text) <= 4096 and balanced(part.text) and html_error(part.text) is None
    assert [bool(p.buttons) for p in parts] == [False] * (len(parts) - 1) + [True]
    text = "\n".join(p.text for p in parts)
    for name, (org, _lead) in certificates.items():
        assert f"{org} · {name}" in text  # every name, none cut off
