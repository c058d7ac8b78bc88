"""The web channel's doors: sessions, other institutions' reports and files, CSRF, session fixation,
upload limits, sign-in throttling, and HTML escaping in every field."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from bench.standin import StandIn
from bench.web_bench import form_for
from bot.clock import FrozenClock
from storage import audit, reports
from storage import evidence as evidence_store
from tests.support import files
from tests.support.helpers import Harness, make_settings
from tests.support.webclient import WebClient, close_all

SCHOOL = "安徽工商职业学院"
OTHER = "合肥学院"
CERTS = {"Web前端开发": ("腾讯云计算（北京）有限责任公司", SCHOOL)}


def base(harness: Harness) -> str:
    assert harness.deps.web is not None
    return f"http://127.0.0.1:{harness.deps.web.port}"


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    yield
    await close_all()


@pytest.fixture
async def site(harness: Harness) -> Harness:
    await harness.certify(CERTS, {SCHOOL: [("Web前端开发", 150)], OTHER: [("Web前端开发", 60)]})
    return harness


@pytest.fixture
async def web(site: Harness) -> AsyncIterator[WebClient]:
    client = WebClient(base(site))
    yield client
    await client.close()


async def signed_in(site: Harness, role: str = "coordinator", target: str = SCHOOL) -> WebClient:
    client = WebClient(base(site))
    await client.sign_in(await site.invite(role, target))  # type: ignore[arg-type]
    assert client.status == 200, client.page[:300]
    return client


async def report_id(client: WebClient) -> int:
    await client.get("/")
    found = re.search(r'href="/r/(\d+)/s/1"', client.page)
    assert found, client.page[:500]
    return int(found.group(1))


PROTECTED_GET = [
    "/",
    "/r/1",
    "/r/1/s/1",
    "/r/1/f/1",
    "/r/1/review",
    "/r/1/word",
    "/telegram",
    "/office",
    "/office/r/1",
    "/office/r/1/diff?a=1&b=2",
    "/office/export",
]
PROTECTED_POST = [
    "/r/1/s/1",
    "/r/1/e/p4",
    "/r/1/submit",
    "/telegram",
    "/logout",
    "/office/r/1/return",
    "/office/r/1/accept",
    "/office/sample",
]


async def test_nothing_is_reachable_without_a_session(site: Harness, web: WebClient) -> None:
    coordinator = await signed_in(site)
    rid = await report_id(coordinator)
    await coordinator.form(f"/r/{rid}/s/2", form_for(site.deps.outlines.institution, [], 2))
    for path in PROTECTED_GET:
        await web.get(path.replace("/1", f"/{rid}", 1))
        assert web.status == 401, path
        assert "请先登录" in web.page and "安徽工商" not in web.page, path
    for path in PROTECTED_POST:
        await web.post(path, {"csrf": "x"})
        assert web.status == 401, path
    # A cookie the server never issued opens nothing.
    web.plant("xc_session", "made-up-value")
    await web.get(f"/r/{rid}")
    assert web.status == 401
    # Only the sign-in pages answer.
    await web.get("/start/anything")
    assert web.status == 200 and 'name="name"' in web.page
    await web.get("/w/anything")
    assert web.status == 200
    await coordinator.close()


async def test_sessions_expire_and_sign_out_ends_them(site: Harness) -> None:
    client = await signed_in(site)
    site.clock.advance(timedelta(hours=site.settings.web_session_hours) - timedelta(minutes=1))
    await client.get("/")
    assert client.status == 200
    site.clock.advance(timedelta(minutes=2))
    await client.get("/")
    assert client.status == 401
    again = await signed_in(site)
    token = again.cookie("xc_session")
    await again.get("/")
    await again.post("/logout", {"csrf": again.csrf})
    assert again.status == 200 and "已退出登录" in again.page
    again.plant("xc_session", token or "")
    await again.get("/")
    assert again.status == 401
    await client.close()
    await again.close()


async def test_another_institutions_report_and_files_are_refused_by_url(site: Harness) -> None:
    mine, theirs = await signed_in(site), await signed_in(site, target=OTHER)
    rid = await report_id(mine)
    other_rid = await report_id(theirs)
    assert rid != other_rid
    await mine.get(f"/r/{rid}/s/2")
    await mine.post(f"/r/{rid}/e/p4", _upload(mine.csrf, files.pdf("mine"), "制度.pdf"))
    (evidence,) = await evidence_store.of_report(site.deps.db.read, rid)
    before = await reports.answers(site.deps.db.read, rid)
    for path in (
        f"/r/{rid}",
        f"/r/{rid}/s/1",
        f"/r/{rid}/review",
        f"/r/{rid}/word",
        f"/r/{rid}/f/{evidence.id}",
        f"/r/{other_rid}/f/{evidence.id}",  # their own report's URL with my file's number
        f"/r/{rid}/f/{evidence.id}/delete",
        f"/r/{other_rid}/f/{evidence.id}/delete",
        "/office",
        f"/office/r/{rid}",
        "/office/export",
    ):
        await theirs.get(path)
        assert theirs.status == 403, path
        assert "制度" not in theirs.page and theirs.last_body[:5] != b"%PDF-", path
    await theirs.get(f"/r/{other_rid}/s/2")
    token = theirs.csrf
    for path, data in (
        (f"/r/{rid}/s/2", {"csrf": token, **form_for(site.deps.outlines.institution, [], 2)}),
        (f"/r/{rid}/submit", {"csrf": token}),
        (f"/r/{rid}/f/{evidence.id}/delete", {"csrf": token}),
        (f"/r/{other_rid}/f/{evidence.id}/delete", {"csrf": token}),
        (f"/office/r/{rid}/return", {"csrf": token, "comment.*": "x"}),
        (f"/office/r/{rid}/accept", {"csrf": token}),
    ):
        await theirs.post(path, data)
        assert theirs.status == 403, path
    await theirs.post(f"/r/{rid}/e/p4", _upload(token, files.pdf("theirs"), "x.pdf"))
    assert theirs.status == 403
    assert await reports.answers(site.deps.db.read, rid) == before
    assert len(await evidence_store.of_report(site.deps.db.read, rid)) == 1
    await mine.get(f"/r/{rid}/f/{evidence.id}")
    assert mine.status == 200 and mine.last_body == files.pdf("mine")
    await mine.close()
    await theirs.close()


def _upload(csrf: str | None, data: bytes, name: str) -> aiohttp.FormData:
    form = aiohttp.FormData()
    if csrf is not None:
        form.add_field("csrf", csrf)
    form.add_field("file", data, filename=name, content_type="application/octet-stream")
    return form


async def test_every_form_needs_the_sessions_csrf_token(site: Harness) -> None:
    coordinator = await signed_in(site)
    office = await signed_in(site, "office", "")
    rid = await report_id(coordinator)
    fields = form_for(site.deps.outlines.institution, [], 2)
    await coordinator.get("/")
    await office.get("/office")
    theirs = {"coordinator": office.csrf, "office": coordinator.csrf}  # a real token, of another session
    for forged in (None, "forged", "other"):
        token = theirs["coordinator"] if forged == "other" else forged
        extra = {} if token is None else {"csrf": token}
        await coordinator.post(f"/r/{rid}/s/2", {**fields, **extra})
        assert coordinator.status == 403 and "安全校验" in coordinator.page
        await coordinator.post(f"/r/{rid}/submit", extra)
        assert coordinator.status == 403
        await coordinator.post("/telegram", extra)
        assert coordinator.status == 403
        await coordinator.post("/logout", extra)
        assert coordinator.status == 403
        await coordinator.post(f"/r/{rid}/e/p4", _upload(token, files.pdf(), "a.pdf"))
        assert coordinator.status == 403
        # A cross-site form may be multipart too: that is no way around the token.
        await coordinator.post(f"/r/{rid}/s/2", _upload(token, b"x", "a.txt"))
        assert coordinator.status == 403
        await coordinator.post(f"/r/{rid}/submit", _upload(token, b"x", "a.txt"))
        assert coordinator.status == 403
        office_token = theirs["office"] if forged == "other" else forged
        office_extra = {} if office_token is None else {"csrf": office_token}
        for path in (f"/office/r/{rid}/return", f"/office/r/{rid}/accept", "/office/sample"):
            await office.post(path, {"comment.*": "x", **office_extra})
            assert office.status == 403, path
    assert await reports.answers(site.deps.db.read, rid) == {}
    assert await evidence_store.of_report(site.deps.db.read, rid) == []
    await coordinator.get("/")
    assert coordinator.status == 200  # still signed in: the forged logout did nothing
    # The sign-in form: its token must match the cookie set with the form.
    code = await site.invite("coordinator", SCHOOL)
    stranger = WebClient(base(site))
    await stranger.post(f"/start/{code}", {"csrf": "guess", "name": "x"})
    assert stranger.status == 403
    await stranger.sign_in(code)
    assert stranger.status == 200  # the invitation was not used up by the forged attempt
    await stranger.close()
    await coordinator.close()
    await office.close()


async def test_sign_in_makes_a_new_session_and_ends_the_one_presented(site: Harness) -> None:
    attacker = await signed_in(site)
    planted = attacker.cookie("xc_session")
    assert planted
    victim = WebClient(base(site))
    victim.plant("xc_session", planted)
    await victim.sign_in(await site.invite("coordinator", OTHER), name="受害人")
    fresh = victim.cookie("xc_session")
    assert fresh and fresh != planted
    await attacker.get("/")
    assert attacker.status == 401  # the planted session died at the victim's sign-in
    await victim.get("/")
    assert victim.status == 200 and OTHER in victim.page
    await attacker.close()
    await victim.close()


async def test_cookie_flags_and_secure_behind_https(tmp_path: Path, standin: StandIn, clock: FrozenClock) -> None:
    h = Harness(standin, make_settings(tmp_path, standin, web_base_url="https://xcheck.example.org"), clock)
    await h.start()
    try:
        await h.seed()
        code = await h.invite("office")
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as s:
            url = base(h)
            async with s.get(f"{url}/start/{code}") as resp:
                page = await resp.text()
                pre = next(c for c in resp.headers.getall("Set-Cookie") if c.startswith("xc_pre="))
            token = re.findall(r'name="csrf" value="([^"]+)"', page)[0]
            # Over https the browser sends the Secure cookie back; this plain-http test client must be told to.
            async with s.post(
                f"{url}/start/{code}",
                data={"csrf": token, "name": "王"},
                headers={"Cookie": f"xc_pre={token}"},
                allow_redirects=False,
            ) as r:
                assert r.status == 303
                cookie = next(c for c in r.headers.getall("Set-Cookie") if c.startswith("xc_session="))
        assert "Secure" in pre and "HttpOnly" in pre
        flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
        assert {"httponly", "secure", "samesite", "path", "max-age"} <= flags
        assert "SameSite=Lax" in cookie
    finally:
        await h.stop()


async def test_cookie_is_not_secure_over_plain_http(site: Harness) -> None:
    code = await site.invite("office")
    client = WebClient(base(site))
    await client.get(f"/start/{code}")
    async with client.session.post(
        f"{client.base}/start/{code}", data={"csrf": client.csrf, "name": "王"}, allow_redirects=False
    ) as r:
        cookie = next(c for c in r.headers.getall("Set-Cookie") if c.startswith("xc_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    await client.close()


async def test_failed_sign_ins_are_limited_per_address(site: Harness, web: WebClient) -> None:
    # Good sign-ins from one network (a school's coordinators behind one NAT) never count.
    for _ in range(12):
        other = await signed_in(site)
        await other.close()
    await web.get("/start/nothing")
    token = web.csrf
    statuses = []
    for n in range(11):
        await web.post(f"/start/wrong{n}", {"csrf": token, "name": "x"})
        statuses.append(web.status)
    assert statuses == [400] * 10 + [429]
    assert "尝试次数过多" in web.page
    code = await site.invite("coordinator", SCHOOL)
    await web.post(f"/start/{code}", {"csrf": token, "name": "x"})
    assert web.status == 429  # even a good code waits now
    assert len(await audit.entries(site.deps.db.read, action="invite.redeem")) == 12
    # Behind a reverse proxy on this machine, each browser is counted by the address the proxy forwards.
    await web.post(f"/start/{code}", {"csrf": token, "name": "x"}, headers={"X-Forwarded-For": "203.0.113.7"})
    assert web.status == 200 and SCHOOL in web.page
    assert len(await audit.entries(site.deps.db.read, action="invite.redeem")) == 13


async def test_upload_limits_and_content_checks(tmp_path: Path, standin: StandIn, clock: FrozenClock) -> None:
    h = Harness(standin, make_settings(tmp_path, standin, max_upload_mb=1), clock)
    await h.start()
    try:
        await h.seed()
        await h.certify(CERTS, {SCHOOL: [("Web前端开发", 150)]})
        client = await signed_in(h)
        rid = await report_id(client)
        await client.get(f"/r/{rid}/s/2")
        token = client.csrf
        big = files.pdf() + bytes(1024 * 1024 + 10)
        # Refused from Content-Length alone, before the body is read.
        await client.post(f"/r/{rid}/e/p4", _upload(token, big, "big.pdf"))
        assert client.status == 413 and "1 MB" in client.page

        # Without a Content-Length (chunked), the running count stops it.
        async def chunks() -> AsyncIterator[bytes]:
            boundary_head = (
                f'--b\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{token}\r\n'
                '--b\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
                "Content-Type: application/pdf\r\n\r\n"
            ).encode()
            yield boundary_head
            for _ in range(20):
                yield b"%" * 100_000
            yield b"\r\n--b--\r\n"

        await client.post(f"/r/{rid}/e/p4", chunks(), headers={"Content-Type": "multipart/form-data; boundary=b"})
        assert client.status == 413
        # Content decides, not the name.
        await client.post(f"/r/{rid}/e/p4", _upload(token, b"MZ\x90\x00" + bytes(100), "report.pdf"))
        assert client.status == 400 and "无法识别该文件的内容" in client.page
        await client.post(f"/r/{rid}/e/p4", _upload(token, files.pdf("ok"), "../../etc/passwd.pdf"))
        assert client.status == 200
        (stored,) = await evidence_store.of_report(h.deps.db.read, rid)
        assert "/" not in stored.name and not stored.name.startswith(".") and stored.name.endswith("passwd.pdf")
        assert stored.size == len(files.pdf("ok"))
        root = h.settings.evidence_dir
        assert [p for p in (root / "tmp").iterdir()] == []  # nothing half-written is left behind
        blobs = [p for p in root.rglob("*") if p.is_file() and p.parent.name != "tmp"]
        assert [p.read_bytes() for p in blobs] == [files.pdf("ok")]
        await client.close()
    finally:
        await h.stop()


PAYLOAD = "<img src=x onerror=alert(1)>\"'&<script>alert(2)</script>"


async def test_html_in_every_field_is_escaped(site: Harness) -> None:
    laid = site.deps.outlines.institution
    client = WebClient(base(site))
    await client.sign_in(await site.invite("coordinator", SCHOOL), name=PAYLOAD[:40])
    rid = await report_id(client)
    cert_row = re.search(r'name="p1\.(c\d+)\.registered"', await client.get(f"/r/{rid}/s/1"))
    assert cert_row
    for no in range(1, len(laid.sections) + 1):
        fields = form_for(laid, [cert_row.group(1)], no)
        for key in list(fields):
            item = laid.by_key.get(key)
            if item is not None and (
                item.narrative is not None or getattr(item.point.answer, "type", "") in ("text", "longtext")
            ):
                fields[key] = PAYLOAD
            if key.endswith(".note") or (item and item.point and item.point.answer.type == "yesno"):
                fields[f"{key}.note"] = PAYLOAD
        await client.form(f"/r/{rid}/s/{no}", fields)
        assert client.status == 200, client.page[:800]
    await client.get(f"/r/{rid}/s/2")
    await client.post(f"/r/{rid}/e/p4", _upload(client.csrf, files.pdf(), PAYLOAD + ".pdf"))
    # Invalid input echoed back in the form and in the message is escaped too.
    await client.form(f"/r/{rid}/s/2", {"p7": PAYLOAD})
    assert client.status == 400
    pages = [client.page]
    for path in [f"/r/{rid}", f"/r/{rid}/review", *[f"/r/{rid}/s/{n}" for n in range(1, 11)]]:
        pages.append(await client.get(path))
    office = await signed_in(site, "office", "")
    for item in laid.items:
        if item.point is not None and item.point.core and item.point.evidence and item.key != "p4":
            await client.post(f"/r/{rid}/e/{item.key}", _upload(client.csrf, files.pdf(item.key), "证明.pdf"))
    await client.get(f"/r/{rid}/review")
    await client.post(f"/r/{rid}/submit", {"csrf": client.csrf})
    assert client.status == 200, client.page[:600]
    pages.append(await office.get(f"/office/r/{rid}"))
    await office.post(f"/office/r/{rid}/return", {"csrf": office.csrf, "comment.p4": PAYLOAD})
    pages.append(office.page)
    pages.append(await office.get("/office"))
    pages.append(await client.get(f"/r/{rid}"))
    pages.append(await client.get(f"/r/{rid}/s/2"))
    stored = await reports.answers(site.deps.db.read, rid)
    assert stored["s10.problems"] == {"text": PAYLOAD}  # kept exactly as typed
    for page in pages:
        assert "<img src=x" not in page and "<script>alert" not in page
    assert sum("&lt;img src=x onerror=alert(1)&gt;" in p for p in pages) >= 6
    await client.close()
    await office.close()
