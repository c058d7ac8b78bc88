"""The readers' and the invitation pages' doors: nothing without a session, and what a form sends back is
escaped."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.helpers import Harness
from tests.support.webclient import WebClient, close_all
from tests.support.webroles import web_person
from tests.web.test_web_security import base

PROTECTED_GET = ["/city", "/city/export", "/lead", "/expert", "/expert/1/0", "/read/1", "/read/1/f/1", "/office/invite"]
PROTECTED_POST = ["/city/complete", "/expert/1/0", "/office/invite"]


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    yield
    await close_all()


async def test_nothing_of_the_new_pages_without_a_session(harness: Harness) -> None:
    web = WebClient(base(harness))
    for path in PROTECTED_GET:
        await web.get(path)
        assert web.status == 401 and "请先登录" in web.page, path
    for path in PROTECTED_POST:
        await web.post(path, {"csrf": "x"})
        assert web.status == 401, path


async def test_what_the_invitation_form_sends_back_is_escaped(harness: Harness) -> None:
    office = await web_person(harness, "office")
    await office.get("/office/invite")
    hostile = '"><script>alert(1)</script>'
    page = await office.post(
        "/office/invite", {"csrf": office.csrf, "once": office.once, "role": "expert", "scope": hostile}
    )
    assert office.status == 400
    assert "<script>alert" not in page
    assert "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
