"""A web-only person who binds Telegram keeps what was addressed to or given by their old (web) id: the
broadcasts on their web home, and an expert's grades (the person's id changes on binding)."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator

import pytest

from bot.domain.campaign import broadcast
from bot.domain.oversight.oversight import grade
from bot.domain.people.invitations import issue
from storage import campaign, people, reports
from storage import oversight as oversight_store
from tests.support.helpers import Harness
from tests.support.reportsetup import province
from tests.support.webclient import WebClient, close_all
from tests.web.test_web_security import SCHOOL, base, report_id


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    yield
    await close_all()


def _shown(page: str) -> str:
    body = re.sub(r"<style.*?</style>", "", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


async def _bind_telegram(h: Harness, client: WebClient, tg_id: int) -> None:
    await client.get("/telegram")
    page = await client.post("/telegram", {"csrf": client.csrf})
    found = re.search(r"(?:start=|/start )([A-Za-z0-9_-]{16,64})", page)
    assert found, page
    shown = await h.chat(tg_id).say(f"/start {found.group(1)}")
    assert "已将本 Telegram 账号绑定" in shown.text, shown.text


async def test_broadcasts_to_a_web_user_stay_on_their_home_after_binding_telegram(harness: Harness) -> None:
    d = harness.deps
    client = WebClient(base(harness))
    await client.sign_in(await harness.invite("coordinator", SCHOOL), name="李老师")
    (web_person,) = await people.with_role(d.db.read, "coordinator")
    assert web_person.user_id < 0
    recipients = await broadcast.recipients(d, "all", "")
    assert [uid for uid, _ in recipients] == [web_person.user_id]
    async with d.db.transaction() as conn:
        await campaign.create_broadcast(
            conn, text="请尽快提交", audience="all", arg="", by=1, at="2020-11-19T02:05:00+00:00", recipients=recipients
        )
    rid = await report_id(client)
    assert "请尽快提交" in _shown(await client.get(f"/r/{rid}"))
    await _bind_telegram(harness, client, 700)
    page = _shown(await client.get(f"/r/{rid}"))
    assert client.status == 200
    assert "省办公室通知 2020年11月19日 10:05 请尽快提交" in page, page
    assert [b.text for b in await campaign.broadcasts_to(d.db.read, 700, 3)] == ["请尽快提交"]


async def test_an_experts_grades_given_on_the_web_stay_theirs_after_binding_telegram(harness: Harness) -> None:
    d = harness.deps
    found = await province(harness)
    coordinator = await people.get(d.db.read, 600)
    assert coordinator is not None and coordinator.institution_id is not None
    at = harness.clock.now().isoformat()
    assert (await reports.get(d.db.read, found[SCHOOL])).status == "submitted"  # type: ignore[union-attr]
    client = WebClient(base(harness))
    (invited,) = await issue(
        d.db,
        role="expert",
        institution=None,
        city=None,
        actor="test",
        now=harness.clock.now(),
        days=14,
        scope=[coordinator.institution_id],
    )
    await client.sign_in(invited.code, name="周专家")
    (expert,) = await people.with_role(d.db.read, "expert")
    assert expert.user_id < 0
    await grade(
        d.db,
        expert=expert.user_id,
        institution_id=coordinator.institution_id,
        value="合格",
        comment="材料齐全",
        at=at,
        update_id=None,
    )
    await _bind_telegram(harness, client, 800)
    assert await oversight_store.is_assigned(d.db.read, 800, coordinator.institution_id)
    mine = [(g.user_id, g.grade, g.comment) for g in await oversight_store.all_grades(d.db.read)]
    assert mine == [(800, "合格", "材料齐全")]
