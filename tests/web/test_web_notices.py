"""People who signed in only on the web get no Telegram reminders or broadcasts, so the coordinator's web home
shows them: the latest broadcasts addressed to them, the report's deadline and status, and a reminder banner
when the deadline is near and the report is not submitted (integration)."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from datetime import date

import pytest

from bot.clock import FrozenClock
from bot.domain.campaign import broadcast
from bot.domain.campaign.notices import plain, remind
from messages import integration as text
from storage import campaign, people
from tests.support.helpers import Harness
from tests.support.webclient import WebClient, close_all
from tests.web.test_web_security import SCHOOL, base, report_id


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    yield
    await close_all()


def _shown(page: str) -> str:
    """The page's visible text, one space between pieces."""
    body = re.sub(r"<style.*?</style>", "", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


async def _broadcast(h: Harness, words: str, at: str) -> None:
    d = h.deps
    recipients = await broadcast.recipients(d, "all", "")
    async with d.db.transaction() as conn:
        await campaign.create_broadcast(
            conn, text=html.escape(words), audience="all", arg="", by=1, at=at, recipients=recipients
        )


async def test_the_web_home_shows_broadcasts_deadline_status_and_a_reminder_near_the_deadline(
    harness: Harness, clock: FrozenClock
) -> None:
    client = WebClient(base(harness))
    await client.sign_in(await harness.invite("coordinator", SCHOOL), name="李老师")
    (person,) = await people.with_role(harness.deps.db.read, "coordinator")
    assert person.user_id < 0  # web only: never reached in Telegram
    await _broadcast(harness, "请于 12 月 10 日前完成 <自查> & 提交", "2020-11-19T02:05:00+00:00")
    await _broadcast(harness, "第二条通知", "2020-11-19T08:30:00+00:00")
    rid = await report_id(client)
    page = _shown(await client.get(f"/r/{rid}"))
    status = "状态：填报中"  # in the report's heading, just above
    deadline = text.deadline_line("2020年12月15日", text.days_left(25))
    notices = (
        f"{text.NOTICES_TITLE} 2020年11月19日 16:30 第二条通知 "
        "2020年11月19日 10:05 请于 12 月 10 日前完成 <自查> & 提交"
    )
    assert f"{status} {deadline} {notices}" in page, page
    assert "提醒" not in page  # 25 days left: no banner yet
    # The office moves the deadline (/deadline): five days left, then one day past.
    for due_on, left in (("2020-11-25", 5), ("2020-11-19", -1)):
        async with harness.deps.db.transaction() as conn:
            await campaign.set_deadline(conn, "report", due_on, by="tg:1", at=clock.now().isoformat())
        page = _shown(await client.get(f"/r/{rid}"))
        shown_due = f"2020年11月{int(due_on[-2:])}日"
        banner = text.reminder_banner(shown_due, text.days_left(left))
        assert f"{status} {banner} {text.deadline_line(shown_due, text.days_left(left))}" in page, page


async def test_a_person_sees_only_broadcasts_addressed_to_them(harness: Harness) -> None:
    from tests.web.test_web_security import OTHER

    mine, theirs = WebClient(base(harness)), WebClient(base(harness))
    await theirs.sign_in(await harness.invite("coordinator", OTHER), name="王老师")
    d = harness.deps
    (other,) = await people.with_role(d.db.read, "coordinator")
    async with d.db.transaction() as conn:  # addressed to the other school only (as /broadcast to its city would)
        await campaign.create_broadcast(
            conn,
            text="只给另一所",
            audience="city",
            arg="x",
            by=1,
            at="2020-11-19T02:05:00+00:00",
            recipients=[(other.user_id, "")],
        )
    await mine.sign_in(await harness.invite("coordinator", SCHOOL), name="李老师")
    page = _shown(await mine.get(f"/r/{await report_id(mine)}"))
    assert "只给另一所" not in page and text.NOTICES_TITLE not in page
    page = _shown(await theirs.get(f"/r/{await report_id(theirs)}"))
    assert "只给另一所" in page


def test_the_banner_is_for_unsubmitted_reports_near_or_past_the_deadline() -> None:
    due = date(2020, 12, 15)
    cases = [
        (date(2020, 12, 7), "draft", False),  # 8 days before: not yet (reminder days 7,3,1)
        (date(2020, 12, 8), "draft", True),
        (date(2020, 12, 8), "returned", True),
        (date(2020, 12, 14), "submitted", False),
        (date(2020, 12, 14), "accepted", False),
        (date(2020, 12, 20), "draft", True),
    ]
    assert [remind(due, today, status, first=7) for today, status, _ in cases] == [want for *_, want in cases]
    assert plain("请<b>注意</b>：&lt;自查&gt; &amp; 提交") == "请注意：<自查> & 提交"


async def test_an_organization_with_several_reports_sees_the_banner_on_its_list(harness: Harness) -> None:
    org = "腾讯云计算（北京）有限责任公司"
    await harness.certify(
        {"Web前端开发": (org, SCHOOL), "云计算平台运维与开发": (org, SCHOOL)},
        {SCHOOL: [("Web前端开发", 150), ("云计算平台运维与开发", 40)]},
    )
    async with harness.deps.db.transaction() as conn:
        await campaign.set_deadline(conn, "report", "2020-11-21", by="tg:1", at="t")
    client = WebClient(base(harness))
    await client.sign_in(await harness.invite("org", org), name="赵老师")
    page = _shown(await client.get("/"))
    due = "2020年11月21日"
    banner, deadline = text.reminder_banner(due, text.days_left(1)), text.deadline_line(due, text.days_left(1))
    assert client.status == 200 and "Web前端开发" in page and "云计算平台运维与开发" in page
    assert f"{banner} {deadline}" in page, page
