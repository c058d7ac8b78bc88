"""Support for the readers' web tests: a city's 中职 with reports, filled and submitted as their coordinators."""

from __future__ import annotations

import html
import re

from bot.domain.people.invitations import issue
from bot.domain.reports.lifecycle import submit
from storage import people, reports
from storage import roster as roster_store
from tests.support.helpers import Harness
from tests.support.webclient import WebClient
from tests.web.test_web_security import base

CITY = "池州"
CITY_SCHOOLS = ("池州市旅游学校", "池州工业学校")  # the city's two 中职 in 附件3 (No. 120, 175)
CITY_HIGHER = "池州职业技术学院"  # 高职 of the same city: not the bureau's
OTHER_CITY_SCHOOL = "铜陵市中等职业技术教育中心"  # 中职 of another city


def shown(page: str) -> str:
    """The page's visible text, one space between pieces."""
    body = re.sub(r"<(style|script).*?</\1>", "", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def table_rows(page: str, table_id: str) -> list[list[str]]:
    """The visible cells of each row of the table with this id (header row included)."""
    found = re.search(rf'<table id="{table_id}">(.*?)</table>', page, flags=re.S)
    assert found, page[:800]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", found.group(1), flags=re.S)
    return [[shown(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)] for row in rows]


async def school_report(h: Harness, user_id: int, name: str, *, fill: bool = True) -> int:
    """Binds a coordinator of `name` in Telegram and opens (and fills) its report; returns the report id."""
    await h.bind(user_id, "coordinator", name)
    inst = await roster_store.find_institution(h.deps.db.read, name)
    assert inst is not None
    async with h.deps.db.transaction() as conn:
        report = await reports.ensure(conn, institution_id=inst.id, certificate_id=None, outline="institution", at="t")
    if fill:
        await h.fill(report.id)
    return report.id


async def submit_as(h: Harness, user_id: int, report_id: int) -> None:
    who = await people.get(h.deps.db.read, user_id)
    assert who is not None
    await submit(h.deps.db, h.deps.outlines, who, report_id, year=2020, at=h.clock.now().isoformat(), update_id=None)


async def web_person(h: Harness, role: str, *, city: str | None = None, scope: list[int] | None = None) -> WebClient:
    """A person invited as `role` who signs in on the web (a web-only person)."""
    (invited,) = await issue(
        h.deps.db,
        role=role,
        institution=None,
        city=city,
        actor="test",
        now=h.clock.now(),
        days=14,
        scope=scope,  # type: ignore[arg-type]
    )
    client = WebClient(base(h))
    await client.sign_in(invited.code, name="周老师")
    assert client.status == 200, client.page[:300]
    return client
