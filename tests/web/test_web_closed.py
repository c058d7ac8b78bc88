"""Once the campaign is closed (issue 15) the web refuses writes with the reason, as the chat does (integration):
answers, uploads and submissions get 本次自查已结束 and nothing is stored; no error reaches the log."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bench.web_bench import form_for
from messages import zh
from storage import closing, reports
from storage import evidence as evidence_store
from tests.support import files
from tests.support.helpers import Harness
from tests.support.webclient import close_all
from tests.web.test_web_security import _upload, report_id, signed_in


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    yield
    await close_all()


async def test_after_close_the_web_refuses_answers_uploads_and_submission(harness: Harness) -> None:
    client = await signed_in(harness)
    rid = await report_id(client)
    async with harness.deps.db.transaction() as conn:
        now = harness.clock.now().isoformat()
        await closing.set_close(conn, now, by="cli", now=now)
    before = await reports.answers(harness.deps.db.read, rid)
    await client.get(f"/r/{rid}/s/2")
    token = client.csrf
    await client.post(f"/r/{rid}/s/2", {"csrf": token, **form_for(harness.deps.outlines.institution, [], 2)})
    assert client.status in (400, 409) and zh.REFUSALS["closed"] in client.page, client.page[-800:]
    await client.post(f"/r/{rid}/e/p4", _upload(token, files.pdf("late"), "late.pdf"))
    assert client.status in (400, 409) and zh.REFUSALS["closed"] in client.page, client.page[-800:]
    await client.post(f"/r/{rid}/submit", {"csrf": token})
    assert client.status in (400, 409) and zh.REFUSALS["closed"] in client.page, client.page[-800:]
    assert await reports.answers(harness.deps.db.read, rid) == before
    assert await evidence_store.of_report(harness.deps.db.read, rid) == []
