"""Comparing two submitted versions: a per-certificate table shows each version's own figures (and rates
computed from that version's answers), in chat and on the web console."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.core import buttons as bt
from bot.core import office_review
from bot.core.views import Screen
from bot.deps import Deps
from bot.domain.people import access
from bot.domain.reports.lifecycle import return_for_revision, submit
from bot.domain.walk.reporting import load_ctx
from bot.web.walk import answer_text as web_answer_text
from bot.web.walk import item_title
from storage import people, reports
from tests.support.helpers import Harness
from tests.support.webclient import WebClient, close_all
from tests.unit.test_core_office import COORDINATOR, OFFICE, SCHOOL, bind, d, pilots, press, run, submitted_report
from tests.web.test_web_security import base

__all__ = ["d"]  # the fixture, used by name


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    yield
    await close_all()


def _rated_table_key(d: Deps) -> str:
    """A per-certificate table with a rate the outline computes from it."""
    laid = d.outlines.get("institution")
    return next(i.key for i in laid.items if i.point is not None and i.point.rate is not None)


async def _resubmitted_with_new_figures(d: Deps) -> tuple[int, str, dict[str, Any], dict[str, Any]]:
    """Version 1 as filled; version 2 with every figure of one table point raised by 1000."""
    await pilots(d, [SCHOOL])
    await bind(d, COORDINATOR, "coordinator", SCHOOL)
    rid = await submitted_report(d, SCHOOL, COORDINATOR)
    key = _rated_table_key(d)
    before, after = await _revise(d, rid, key)
    return rid, key, before, after


async def _revise(d: Deps, rid: int, key: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The office returns the point; its coordinator raises every figure by 1000 and submits again."""
    office = await access.person(d.db, OFFICE, admin_ids=d.settings.admin_ids)
    coordinator = await people.get(d.db.read, COORDINATOR)
    assert office is not None and coordinator is not None
    await return_for_revision(d.db, office, rid, {key: "请核对"}, at=d.now_iso(), update_id=None)
    before = (await reports.answers(d.db.read, rid))[key]
    after = {
        **before,
        "rows": {row: {f: n + 1000 for f, n in figures.items()} for row, figures in before["rows"].items()},
    }
    async with d.db.transaction() as conn:
        await reports.put_answer(conn, report_id=rid, item=key, value=after, user_id=COORDINATOR, at=d.now_iso())
    await submit(d.db, d.outlines, coordinator, rid, year=2020, at=d.now_iso(), update_id=None)
    return before, after


async def test_the_chat_diff_shows_each_versions_own_table(d: Deps) -> None:
    rid, _, before, after = await _resubmitted_with_new_figures(d)
    views = await run(office_review.press_office_button, d, press(OFFICE, bt.Card(rid, "diff")))
    (screen,) = [v for v in views if isinstance(v, Screen)]
    # One certificate (scale 100), one figure: each side is that version's figure and the rate from it.
    ((old,),) = [list(row.values()) for row in before["rows"].values()]
    ((new,),) = [list(row.values()) for row in after["rows"].values()]
    assert new == old + 1000
    row = "• Web前端开发（规模 100）：已报名人数 {n} → 报考率 {r:.2f}%"
    assert screen.text.split("\n") == [
        "🔍 <b>第 1 版 → 第 2 版</b>",
        f"• <b>监测点 1</b>：{row.format(n=old, r=old)} → {row.format(n=new, r=new)}",
    ]


async def test_the_web_diff_shows_each_versions_own_table(harness: Harness) -> None:
    """Each column of the console's comparison is the table as the office saw it when that version was the
    current one: its own figures and the rates computed from them."""
    office = WebClient(base(harness))
    await office.sign_in(await harness.invite("office"), name="省办公室")
    d = harness.deps
    await pilots(d, [SCHOOL])
    await bind(d, COORDINATOR, "coordinator", SCHOOL)
    rid = await submitted_report(d, SCHOOL, COORDINATOR)
    key = _rated_table_key(d)
    report = await reports.get(d.db.read, rid)
    assert report is not None
    ctx = await load_ctx(d.db.read, report, d.outlines)
    first_shown = web_answer_text(ctx, ctx.laid.by_key[key], ctx.value(ctx.laid.by_key[key]))
    await _revise(d, rid, key)
    report = await reports.get(d.db.read, rid)
    assert report is not None
    ctx = await load_ctx(d.db.read, report, d.outlines)
    second_shown = web_answer_text(ctx, ctx.laid.by_key[key], ctx.value(ctx.laid.by_key[key]))
    assert first_shown != second_shown

    page = await office.get(f"/office/r/{rid}/diff?a=1&b=2")
    assert office.status == 200, page[:400]
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", page)
    (row,) = [r for r in rows if r[0] == html.escape(item_title(ctx.laid.by_key[key]))]
    assert row[1:] == (html.escape(first_shown), html.escape(second_shown))
