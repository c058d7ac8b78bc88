"""A city bureau on the web: its city's 中职 with their status, reading their reports, confirming the city's
package complete once all have submitted (CSRF, told to the office), the city's workbook; other cities' and
other kinds' reports refused by URL, as in Telegram (bot.domain.people.access)."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator

import openpyxl
import pytest

from messages import web as web_text
from messages import web_roles as say
from messages import zh
from messages.when import local_time
from storage import audit, versions
from tests.support.helpers import Harness
from tests.support.webclient import close_all
from tests.support.webroles import (
    CITY,
    CITY_HIGHER,
    CITY_SCHOOLS,
    OTHER_CITY_SCHOOL,
    school_report,
    shown,
    submit_as,
    table_rows,
    web_person,
)

FIRST, SECOND = CITY_SCHOOLS


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    yield
    await close_all()


@pytest.fixture
async def city(harness: Harness) -> dict[str, int]:
    """The city's first 中职 submitted, its second filling in; a 高职 of the city and another city's 中职 too."""
    await harness.certify(
        {"物流管理": ("北京中物联物流采购培训中心", FIRST)},
        {
            FIRST: [("物流管理", 40)],
            SECOND: [("物流管理", 50)],
            CITY_HIGHER: [("物流管理", 60)],
            OTHER_CITY_SCHOOL: [("物流管理", 30)],
        },
    )
    ids = {
        FIRST: await school_report(harness, 600, FIRST),
        SECOND: await school_report(harness, 601, SECOND, fill=False),
        CITY_HIGHER: await school_report(harness, 602, CITY_HIGHER),
        OTHER_CITY_SCHOOL: await school_report(harness, 603, OTHER_CITY_SCHOOL),
    }
    await submit_as(harness, 600, ids[FIRST])
    await submit_as(harness, 602, ids[CITY_HIGHER])
    await submit_as(harness, 603, ids[OTHER_CITY_SCHOOL])
    return ids


async def test_the_city_home_lists_its_schools_with_status_and_reads_them(
    harness: Harness, city: dict[str, int]
) -> None:
    client = await web_person(harness, "city", city=CITY)
    page = await client.get("/")
    assert client.status == 200
    assert say.city_heading(CITY, 1, 2) in shown(page)
    assert table_rows(page, "schools") == [
        [say.SCHOOL, "状态", ""],
        [FIRST, zh.STATUS_NAMES["submitted"], say.READ],
        [SECOND, zh.STATUS_NAMES["draft"], say.READ],
    ]
    page = await client.get(f"/read/{city[FIRST]}")
    assert client.status == 200
    text = shown(page)
    header = "1+X 自查助手 💬 对话模式 退出登录"
    assert text.startswith(f"{say.READ} {header} {FIRST} 状态： {zh.STATUS_NAMES['submitted']}"), text
    laid = harness.deps.outlines.institution
    assert len(re.findall(r'<tr id="', page)) == len(laid.items)  # every item, each answered
    assert web_text.NOT_ANSWERED not in text
    # Nothing of the author's walk: no form to change answers, no submit (the one form is 退出登录).
    assert page.count("<form") == 1 and 'action="/logout"' in page


async def test_the_city_cannot_reach_other_reports_or_other_roles_pages(harness: Harness, city: dict[str, int]) -> None:
    client = await web_person(harness, "city", city=CITY)
    for rid in (city[CITY_HIGHER], city[OTHER_CITY_SCHOOL]):
        for path in (f"/read/{rid}", f"/r/{rid}", f"/r/{rid}/s/1", f"/office/r/{rid}", f"/r/{rid}/word"):
            await client.get(path)
            assert client.status == 403, path
            assert zh.NOT_ALLOWED in client.page, path
    # Its own city's school: readable, never writable.
    await client.get(f"/r/{city[FIRST]}/s/1")
    assert client.status == 403
    for path in ("/expert", f"/expert/{1}/0", "/lead", "/office", "/office/invite"):
        await client.get(path)
        assert client.status == 403, path


async def test_completing_the_city_needs_every_school_submitted_and_a_csrf_token(
    harness: Harness, city: dict[str, int]
) -> None:
    d = harness.deps
    client = await web_person(harness, "city", city=CITY)
    await client.get("/city")
    await client.post("/city/complete", {"csrf": "forged"})
    assert client.status == 403
    await client.get("/city")
    page = await client.post("/city/complete", {"csrf": client.csrf})
    assert client.status == 409
    assert f"❗ 以下学校尚未提交，暂不能确认汇总完成：{SECOND}" in shown(page)
    assert await versions.city_completed(d.db.read, CITY) is None
    await harness.fill(city[SECOND])
    await submit_as(harness, 601, city[SECOND])
    page = await client.post("/city/complete", {"csrf": client.csrf})
    assert client.status == 200
    completed = await versions.city_completed(d.db.read, CITY)
    assert completed is not None
    assert f"✅ {CITY}市中职自查材料已确认汇总完成，已通知省办公室。" in shown(page)
    assert say.city_done(local_time(completed, harness.settings.tz)) in shown(await client.get("/city"))
    (entry,) = await audit.entries(d.db.read, action="city.complete")
    assert (entry.subject, entry.channel, entry.actor.startswith("web:-")) == (CITY, "web", True)
    # The office is told in Telegram (admin id 1 in the tests' settings).
    told = await harness.standin.next_shown(1, 0)
    assert told.text == f"🏙 {CITY}市已确认中职自查材料汇总完成。"


async def test_the_city_export_holds_its_own_schools_only(harness: Harness, city: dict[str, int]) -> None:
    client = await web_person(harness, "city", city=CITY)
    await client.get("/city/export")
    assert client.status == 200
    assert client.last_headers["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(client.last_body), read_only=True)
    cells = {str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c}
    assert FIRST in cells
    assert not {CITY_HIGHER, OTHER_CITY_SCHOOL} & cells
    assert not list(harness.settings.exports_dir.glob("*/*.xlsx"))  # made for this download, then removed
