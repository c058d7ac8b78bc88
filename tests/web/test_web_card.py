"""The office's report card on the web: its own lines (not the Telegram text run together), every value
escaped exactly once, and the last submission shown in local time."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.clock import FrozenClock
from storage import evidence as evidence_store
from tests.support.helpers import Harness
from tests.support.webclient import WebClient, close_all
from tests.web.test_web_security import SCHOOL, base, report_id

ODD = '<b>&"'
ORG = f"组织{ODD}"
CERT = f"证书{ODD}"


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    yield
    await close_all()


def _card_head(page: str) -> str:
    """The report card's first box: heading, certificate and summary lines, as sent."""
    found = re.search(r'<div class="card">(<h1>.*?)(?:<form|<p><a|</div>)', page, re.S)
    assert found, page[:800]
    return found.group(1)


async def test_web_card_keeps_lines_escapes_once_and_shows_last_submission(
    harness: Harness, clock: FrozenClock
) -> None:
    clock.advance(datetime(2020, 12, 14, 8, 5, 31, tzinfo=UTC) - clock.now())  # 16:05 in Asia/Shanghai
    await harness.certify({CERT: (ORG, SCHOOL)}, {SCHOOL: [(CERT, 150)]})
    org = WebClient(base(harness))
    await org.sign_in(await harness.invite("org", ORG))
    assert org.status == 200, org.page[:400]
    rid = await report_id(org)
    await harness.fill(rid)
    await org.get(f"/r/{rid}/review")
    await org.post(f"/r/{rid}/submit", {"csrf": org.csrf})
    assert org.status == 200, org.page[:600]
    files = len(await evidence_store.of_report(harness.deps.db.read, rid))
    assert files > 0

    office = WebClient(base(harness))
    await office.sign_in(await harness.invite("office"), name="省办公室")
    page = await office.get(f"/office/r/{rid}")
    assert office.status == 200
    once = "&lt;b&gt;&amp;&quot;"
    assert _card_head(page) == (
        f"<h1>组织{once}</h1><p>证书{once}</p>"
        '<ul class="summary small">'
        "<li>状态：已提交 · 第 1 版（共 1 个提交版本）</li>"
        "<li>最近提交：2020年12月14日 16:05</li>"
        f"<li>未完成项目：0 · 佐证材料：{files} 份</li>"
        "</ul>"
    )
    assert "&amp;lt;" not in page and "&amp;amp;" not in page
