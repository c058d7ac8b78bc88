"""An invitation is redeemed by one function whichever channel it comes through (Telegram's /start CODE or the
web's /start/<code>), so both bind the same way: role, unit, city, an expert's scope, the used mark, the audit."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from bot.domain.people import invitations, signin
from bot.domain.people.invitations import hash_code, issue
from storage import audit, people
from storage import oversight as oversight_store
from storage import roster as roster_store
from tests.support.helpers import Harness
from tests.support.webclient import WebClient, close_all
from tests.web.test_web_security import CERTS, OTHER, SCHOOL, base

TG_USER = 700


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    yield
    await close_all()


@pytest.fixture
async def site(harness: Harness) -> Harness:
    await harness.certify(CERTS, {SCHOOL: [("Web前端开发", 150)], OTHER: [("Web前端开发", 60)]})
    return harness


async def _expert_code(site: Harness) -> tuple[str, list[int]]:
    db = site.deps.db
    scope = sorted([(await roster_store.find_institution(db.read, n)).id for n in (SCHOOL, OTHER)])  # type: ignore[union-attr]
    issued = await issue(
        db, role="expert", institution=None, city=None, actor="test", now=site.clock.now(), days=7, scope=scope
    )
    return issued[0].code, scope


async def _bound(site: Harness, user_id: int, code: str) -> tuple[object, ...]:
    """What redeeming left behind for this person, without the id itself."""
    conn = site.deps.db.read
    person = await people.get(conn, user_id)
    assert person is not None
    [entry] = [e for e in await audit.entries(conn, action="invite.redeem") if e.actor.endswith(f":{user_id}")]
    inv = await people.invitation_by_hash(conn, hash_code(code))
    assert inv is not None
    return (
        person.role,
        person.institution_id,
        person.city,
        sorted(await oversight_store.assigned_to(conn, user_id)),
        (inv.id == int(entry.subject), inv.used_at),
        json.loads(entry.detail),
    )


async def test_both_channels_redeem_through_one_function(site: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int | None] = []
    real = invitations.redeem_in

    async def spy(conn: object, **kw: object) -> invitations.Redeemed:
        seen.append(kw["user_id"])  # type: ignore[arg-type]
        return await real(conn, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(invitations, "redeem_in", spy)
    monkeypatch.setattr(signin, "redeem_in", spy)
    tg_code, _ = await _expert_code(site)
    await site.chat(TG_USER).say(f"/start {tg_code}")
    web = WebClient(base(site))
    await web.sign_in(await site.invite("coordinator", SCHOOL))
    assert web.status == 200
    assert seen == [TG_USER, None]  # None: a new web-only person, numbered inside the same transaction


async def test_telegram_and_web_bind_alike(site: Harness) -> None:
    tg_code, scope = await _expert_code(site)
    web_code, _ = await _expert_code(site)
    await site.chat(TG_USER).say(f"/start {tg_code}")
    web = WebClient(base(site))
    await web.sign_in(web_code, name="李专家")
    [web_person] = [p for p in await people.with_role(site.deps.db.read, "expert") if p.user_id < 0]
    assert web_person.name == "李专家"
    tg, on_web = await _bound(site, TG_USER, tg_code), await _bound(site, web_person.user_id, web_code)
    assert tg == (
        "expert",
        None,
        None,
        scope,
        (True, site.clock.now().isoformat()),
        {"role": "expert", "institution_id": None, "city": None},
    )
    assert on_web == ("expert", None, None, scope, tg[-2], tg[-1])
    # A code is one-time across channels: the web's code cannot be used again in Telegram.
    before = await people.get(site.deps.db.read, TG_USER + 1)
    await site.chat(TG_USER + 1).say(f"/start {web_code}")
    assert before is None and await people.get(site.deps.db.read, TG_USER + 1) is None
