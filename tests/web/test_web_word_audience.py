"""The Word self-report on the web is the report's own people's download, as in Telegram (/menu's Word button
asks may_write): readers who may see a report — the lead institution reading its certificate's organization
report, an expert, a city bureau — do not get it, since a returned report's Word carries the draft in
progress (integration)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.domain.people import access
from storage import oversight, people, reports, roster
from tests.support.helpers import Harness
from tests.support.webclient import close_all
from tests.web.test_web_security import CERTS, OTHER, SCHOOL, report_id, signed_in

ORG = CERTS["Web前端开发"][0]


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    yield
    await close_all()


@pytest.fixture
async def site(harness: Harness) -> Harness:
    await harness.certify(CERTS, {SCHOOL: [("Web前端开发", 150)], OTHER: [("Web前端开发", 60)]})
    return harness


async def test_only_the_reports_own_people_download_its_word_report(site: Harness) -> None:
    org, lead, expert = (
        await signed_in(site, "org", ORG),
        await signed_in(site, "coordinator", SCHOOL),
        await signed_in(site, "expert", ""),
    )
    org_rid, school_rid = await report_id(org), await report_id(lead)
    (who,) = await people.with_role(site.deps.db.read, "expert")
    school = await roster.find_institution(site.deps.db.read, SCHOOL)
    assert school is not None
    async with site.deps.db.transaction() as conn:  # as /assign does
        await oversight.assign(conn, who.user_id, school.id, at="t")
    await lead.get(f"/r/{org_rid}/word")  # the lead institution reads the organization's report, not its Word
    assert lead.status == 403 and not lead.last_body.startswith(b"PK")
    report = await reports.get(site.deps.db.read, school_rid)
    assert report is not None and await access.may_read(site.deps.db, who, report)  # the expert reads it
    await expert.get(f"/r/{school_rid}/word")
    assert expert.status == 403 and not expert.last_body.startswith(b"PK")
    for client, rid in ((org, org_rid), (lead, school_rid)):
        await client.get(f"/r/{rid}/word")
        assert client.status == 200 and client.last_body.startswith(b"PK"), rid
