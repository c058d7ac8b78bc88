"""The office invites from the web console: the same invitations as /invite and `xcheck invite`
(bot.domain.people.invitations.issue), each shown with its Telegram link, web link and QR code; bad forms
refused with /invite's words and
nothing issued; only the office, with a CSRF token; a web invitation signs its invitee in."""

from __future__ import annotations

import base64
import io
import re
from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from PIL import Image

from messages import web_roles as say
from messages import zh
from messages.when import local_time
from storage import audit, meta, people
from storage import roster as roster_store
from tests.support.helpers import Harness
from tests.support.webclient import WebClient, close_all
from tests.support.webroles import shown, web_person
from tests.web.test_web_security import SCHOOL, base

ORG = "腾讯云计算（北京）有限责任公司"


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    yield
    await close_all()


@pytest.fixture
async def site(harness: Harness) -> Harness:
    await harness.certify({"Web前端开发": (ORG, SCHOOL)}, {SCHOOL: [("Web前端开发", 150)]})
    return harness


async def _office(h: Harness) -> WebClient:
    return await web_person(h, "office")


async def _invitations(h: Harness) -> list[tuple[str, int | None, str | None]]:
    rows = await h.deps.db.read.execute_fetchall(
        "SELECT role, institution_id, city FROM invitations WHERE created_by != 'test' ORDER BY id"
    )
    return [(str(r), i, c) for r, i, c in rows]


def _links(page: str) -> list[tuple[str, str]]:
    tg = re.findall(r'<span class="hash tg">([^<]+)</span>', page)
    web = re.findall(r'<a class="hash web" href="([^"]+)">', page)
    return list(zip(tg, web, strict=True))


async def test_the_office_invites_each_role_and_sees_both_links_and_a_qr_code(site: Harness) -> None:
    d = site.deps
    client = await _office(site)
    page = await client.get("/office")
    assert 'href="/office/invite"' in page
    school = await roster_store.find_institution(d.db.read, SCHOOL)
    org = await roster_store.find_institution(d.db.read, ORG)
    assert school is not None and org is not None
    await client.get("/office/invite")
    page = await client.post(
        "/office/invite",
        {"csrf": client.csrf, "once": client.once, "role": "coordinator", "unit": str(school.id), "count": "2"},
    )
    assert client.status == 200
    (expires_at,) = (await d.db.read.execute_fetchall("SELECT MAX(expires_at) FROM invitations"))[0]
    expires = local_time(datetime.fromisoformat(expires_at), site.settings.tz)
    assert say.invite_done(SCHOOL, "coordinator", 2, expires) in shown(page)
    links = _links(page)
    assert len(links) == 2
    username = await meta.get(d.db.read, "bot_username")
    assert username
    for tg, web in links:
        code = web.rsplit("/", 1)[1]
        assert web == f"{site.settings.web_base.rstrip('/')}/start/{code}"
        assert tg == f"https://t.me/{username}?start={code}"
    # One QR code per invitation, a PNG, opening the Telegram link.
    pngs = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(pngs) == 2
    assert Image.open(io.BytesIO(base64.b64decode(pngs[0]))).format == "PNG"
    assert say.invite_qr_note(True) in shown(page)
    # While the bot's name is not known (web only), the Telegram link is the bare code and the QR code opens
    # the web link.
    async with d.db.transaction() as conn:
        await meta.put(conn, "bot_username", "")
    await client.get("/office/invite")
    page = await client.post(
        "/office/invite", {"csrf": client.csrf, "once": client.once, "role": "org", "unit": str(org.id)}
    )
    ((tg, web),) = _links(page)
    assert tg == f"/start {web.rsplit('/', 1)[1]}"
    assert say.invite_qr_note(False) in shown(page)
    for form in (
        {"role": "city", "city": "合肥市"},
        {"role": "expert", "scope": f"{school.seq} {ORG}"},
        {"role": "office", "count": "1"},
    ):
        await client.get("/office/invite")
        await client.post("/office/invite", {"csrf": client.csrf, "once": client.once, **form})
        assert client.status == 200, shown(client.page)
    assert await _invitations(site) == [
        ("coordinator", school.id, None),
        ("coordinator", school.id, None),
        ("org", org.id, None),
        ("city", None, "合肥"),
        ("expert", None, None),
        ("office", None, None),
    ]
    rows = await d.db.read.execute_fetchall("SELECT scope FROM invitations WHERE role = 'expert'")
    assert [str(r[0]).replace(" ", "") for r in rows] == [f"[{school.id},{org.id}]"]
    log = await audit.entries(d.db.read, action="invite.create")
    assert {e.channel for e in log if e.actor != "test"} == {"web"}


async def test_bad_forms_are_refused_with_invites_words_and_nothing_issued(site: Harness) -> None:
    d = site.deps
    client = await _office(site)
    school = await roster_store.find_institution(d.db.read, SCHOOL)
    org = await roster_store.find_institution(d.db.read, ORG)
    assert school is not None and org is not None
    cases = [
        ({"role": "专家组"}, zh.INVITE_BAD_ROLE),
        ({"role": "coordinator"}, say.INVITE_NEED_UNIT),
        ({"role": "coordinator", "unit": "99999"}, say.INVITE_NEED_UNIT),
        ({"role": "coordinator", "unit": str(org.id)}, zh.INVITE_NOT_SCHOOL),
        ({"role": "org", "unit": str(school.id)}, zh.INVITE_NOT_ORG),
        ({"role": "city", "city": "北京"}, zh.INVITE_BAD_CITY),
        ({"role": "coordinator", "unit": str(school.id), "count": "21"}, zh.INVITE_BAD_COUNT),
        ({"role": "office", "count": "0"}, zh.INVITE_BAD_COUNT),
        ({"role": "expert", "scope": ""}, say.INVITE_NEED_SCOPE),
        ({"role": "expert", "scope": "火星学院"}, "找不到“火星学院”"),
        ({"role": "expert", "scope": "学院"}, "对应多个单位"),
    ]
    for form, words in cases:
        await client.get("/office/invite")
        page = await client.post("/office/invite", {"csrf": client.csrf, "once": client.once, **form})
        assert client.status == 400, form
        assert words in shown(page), (form, shown(page)[:300])
        assert 'class="hash web"' not in page
    assert await _invitations(site) == []


async def test_only_the_office_invites_and_only_with_a_token(site: Harness) -> None:
    d = site.deps
    school = await roster_store.find_institution(d.db.read, SCHOOL)
    assert school is not None
    form = {"role": "office", "count": "1"}
    coordinator = WebClient(base(site))
    await coordinator.sign_in(await site.invite("coordinator", SCHOOL))
    await coordinator.get("/office/invite")
    assert coordinator.status == 403
    await coordinator.get("/")
    await coordinator.post("/office/invite", {"csrf": coordinator.csrf, **form})
    assert coordinator.status == 403
    for role, kw in (("city", {"city": "合肥"}), ("expert", {"scope": [school.id]})):
        reader = await web_person(site, role, **kw)  # type: ignore[arg-type]
        await reader.post("/office/invite", {"csrf": reader.csrf, **form})
        assert reader.status == 403, role
    stranger = WebClient(base(site))
    await stranger.post("/office/invite", {"csrf": "x", **form})
    assert stranger.status == 401
    office = await _office(site)
    await office.post("/office/invite", {"csrf": "forged", **form})
    assert office.status == 403
    assert await _invitations(site) == []
    # A web invitation made here signs its invitee in on the web.
    await office.get("/office/invite")
    page = await office.post(
        "/office/invite", {"csrf": office.csrf, "once": office.once, "role": "coordinator", "unit": str(school.id)}
    )
    ((_tg, web),) = _links(page)
    invitee = WebClient(base(site))
    await invitee.sign_in(web.rsplit("/", 1)[1], name="新老师")
    assert invitee.status == 200 and SCHOOL in shown(invitee.page)
    assert sorted(p.name for p in await people.with_role(d.db.read, "coordinator")) == ["张老师", "新老师"]
