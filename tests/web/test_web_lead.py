"""A lead institution (牵头院校) on the web: its home links the certificates it leads; /lead lists each one's
training organization and the status of its report, which it may read; other certificates' reports are
refused by URL, as in Telegram."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from messages import web as web_text
from messages import web_roles as say
from messages import zh
from storage.models import Role
from tests.support.helpers import Harness
from tests.support.reportsetup import ORG, SCHOOL, SECOND, province
from tests.support.webclient import WebClient, close_all
from tests.support.webroles import shown, table_rows
from tests.web.test_web_security import base


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    yield
    await close_all()


async def _coordinator(h: Harness, school: str, role: Role = "coordinator") -> WebClient:
    client = WebClient(base(h))
    await client.sign_in(await h.invite(role, school))
    assert client.status == 200
    return client


async def test_a_lead_institution_sees_and_reads_its_organizations_reports(harness: Harness) -> None:
    found = await province(harness)  # SCHOOL leads Web前端开发 (ORG, submitted); SECOND leads 物流管理 (no report)
    client = await _coordinator(harness, SCHOOL)
    page = await client.get("/")
    assert client.status == 200
    assert f'href="/r/{found[SCHOOL]}/s/1"' in page and 'href="/lead"' in page  # its report's page links /lead
    page = await client.get("/lead")
    assert client.status == 200 and say.LEAD_HEADING in shown(page)
    assert table_rows(page, "certificates") == [
        ["证书", say.ORGANIZATION, "状态", ""],
        ["Web前端开发", ORG, zh.STATUS_NAMES["submitted"], say.READ],
    ]
    page = await client.get(f"/read/{found[ORG]}")
    assert client.status == 200 and ORG in shown(page)
    # Read only: the organization's walk and Word are not the lead's.
    for path in (f"/r/{found[ORG]}", f"/r/{found[ORG]}/s/1", f"/r/{found[ORG]}/word", f"/read/{found[SECOND]}"):
        await client.get(path)
        assert client.status == 403, path
    # The other lead institution: its certificate's organization has no report yet, and ORG's is not its.
    other = await _coordinator(harness, SECOND)
    page = await other.get("/lead")
    assert table_rows(page, "certificates")[1:] == [["物流管理", "中物联", zh.NOT_STARTED, ""]]
    await other.get(f"/read/{found[ORG]}")
    assert other.status == 403


async def test_a_school_that_leads_nothing_goes_straight_to_its_report(harness: Harness) -> None:
    await harness.certify({"Web前端开发": ("腾讯云", SECOND)}, {SCHOOL: [("Web前端开发", 100)]})
    client = await _coordinator(harness, SCHOOL)
    page = await client.get("/")
    assert 'href="/lead"' not in page and web_text.SECTIONS in shown(page)  # its report's page
    page = await client.get("/lead")
    assert client.status == 200 and say.LEAD_NONE in shown(page)
    # Organizations and readers of other kinds never reach /lead.
    org = await _coordinator(harness, "腾讯云", "org")
    await org.get("/lead")
    assert org.status == 403
