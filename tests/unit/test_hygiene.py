"""The test support itself: the stand-in refuses what Telegram refuses, and refusals fail a test."""

from __future__ import annotations

import pytest
from telegram.error import BadRequest

from bench.standin import html_error
from tests.support.helpers import Harness


@pytest.mark.parametrize(
    "text",
    ["<b>粗体", "粗体</b>", "<b><i>交错</b></i>", "<i>a</i></i>", "<code>x", "<b>a</b><u>b"],
)
def test_standin_refuses_unbalanced_html(text: str) -> None:
    assert html_error(text) is not None and "entities" in (html_error(text) or "")


@pytest.mark.parametrize("text", ["<b>粗体</b>", "<b><i>嵌套</i></b>", "a &lt; b", "纯文本", '<a href="x">链接</a>'])
def test_standin_accepts_balanced_html(text: str) -> None:
    assert html_error(text) is None


async def test_a_refused_call_is_recorded_for_the_fixture(harness: Harness) -> None:
    assert harness.app is not None
    with pytest.raises(BadRequest):
        await harness.app.bot.send_message(1, "<b>未闭合")
    assert [(r.method, r.description) for r in harness.standin.refusals] == [
        ("sendMessage", "Bad Request: can't parse entities: can't find end tag corresponding to start tag b")
    ]
    assert len(harness.standin.unexpected_refusals()) == 1  # the autouse fixture would fail the test on this
    harness.standin.expect_refusal("can't find end tag")
    assert harness.standin.unexpected_refusals() == []


def test_no_test_sees_the_callers_settings() -> None:
    import os

    assert sorted(k for k in os.environ if k.startswith("XCHECK_")) == []
