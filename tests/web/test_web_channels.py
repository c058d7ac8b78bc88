"""Two channels, one person and one report: /web and Telegram binding links, the audit channel, answers seen
at once across channels, the walk's validation on the web, invitations printing both links, web-only mode."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bench.standin import StandIn
from bot.cli import main as cli_main
from bot.clock import FrozenClock
from bot.domain.people.roster import load_seed
from bot.tg.app import serve_web_only
from bot.tg.delivery import send_once
from messages import web as web_text
from storage import Database, audit, people, reports
from storage import evidence as evidence_store
from storage import oversight as oversight_store
from storage import roster as roster_store
from tests.reliability.test_web_sample_once import sample_form
from tests.support.helpers import T0, Harness, make_settings
from tests.support.webclient import WebClient, close_all
from tests.web.test_web_security import CERTS, OTHER, SCHOOL, base, report_id


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    yield
    await close_all()


@pytest.fixture
async def site(harness: Harness) -> Harness:
    certs = {**CERTS, "物流管理": ("北京中物联物流采购培训中心", OTHER)}
    await harness.certify(certs, {SCHOOL: [("Web前端开发", 150), ("物流管理", 80)], OTHER: [("物流管理", 60)]})
    return harness


def _code(text: str, prefix: str) -> str:
    found = re.search(re.escape(prefix) + r"([A-Za-z0-9_-]{16,64})", text)
    assert found, text
    return found.group(1)


async def test_web_link_from_telegram_signs_in_the_same_person(site: Harness) -> None:
    await site.bind(600, "coordinator", SCHOOL)
    chat = site.chat(600)
    shown = await chat.say("/web")
    code = _code(shown.text, "/w/")
    client = WebClient(base(site))
    await client.get(f"/w/{code}")
    await client.post(f"/w/{code}", {"csrf": client.csrf})
    assert client.status == 200 and SCHOOL in client.page
    rid = await report_id(client)
    # The answer given on the web is what Telegram shows at once, and the other way round.
    await client.form(f"/r/{rid}/s/2", {"p4": "1", "p7": "88"})
    assert client.status == 200
    shown = await chat.say("/menu")
    shown = await chat.tap(shown, "选择部分")
    shown = await chat.tap(shown, "2. 健全")
    shown = await chat.tap(shown, "监测点 7")
    assert "88%" in shown.text, shown.text
    await chat.say("66")
    page = await client.get(f"/r/{rid}/s/2")
    assert 'name="p7" value="66"' in page
    log = await audit.entries(site.deps.db.read, action="answer.put", subject=f"report:{rid}:p7")
    assert [(e.actor, e.channel) for e in log] == [("web:600", "web"), ("tg:600", "telegram")]
    # The link is one-time.
    other = WebClient(base(site))
    await other.get(f"/w/{code}")
    await other.post(f"/w/{code}", {"csrf": other.csrf})
    assert other.status == 400 and "已被使用" in other.page
    await client.close()
    await other.close()


async def test_a_web_user_binds_telegram_to_the_same_person(site: Harness) -> None:
    client = WebClient(base(site))
    await client.sign_in(await site.invite("coordinator", SCHOOL), name="李老师")
    rid = await report_id(client)
    await client.form(f"/r/{rid}/s/2", {"p5": "1"})
    (web_person,) = await people.with_role(site.deps.db.read, "coordinator")
    assert web_person.user_id < 0 and web_person.name == "李老师"
    await client.get("/telegram")
    page = await client.post("/telegram", {"csrf": client.csrf})
    code = _code(page, "start=") if "start=" in page else _code(page, "/start ")
    shown = await site.chat(700).say(f"/start {code}")
    assert "已将本 Telegram 账号绑定" in shown.text
    bound = await people.get(site.deps.db.read, 700)
    assert bound is not None
    assert (bound.role, bound.institution_id, bound.name) == ("coordinator", web_person.institution_id, "李老师")
    assert await people.get(site.deps.db.read, web_person.user_id) is None
    # Still signed in on the web, now as the Telegram id; Telegram sees the web's answer.
    await client.get(f"/r/{rid}")
    assert client.status == 200
    chat = site.chat(700)
    shown = await chat.say("/menu")
    shown = await chat.tap(shown, "选择部分")
    shown = await chat.tap(shown, "2. 健全")
    assert "✅ 监测点 5" in str(shown.buttons), shown.buttons
    # A second use, or a Telegram account already bound, is refused.
    shown = await site.chat(701).say(f"/start {code}")
    assert "已被使用" in shown.text
    await client.close()


async def test_invitations_print_both_links(
    site: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = await site.chat(1).say("/invite coordinator 24")
    deep = _code(shown.text, "/start ") if "/start " in shown.text else _code(shown.text, "start=")
    assert _code(shown.text, "/start/") == deep  # the web link carries the same one-time code
    monkeypatch.setenv("XCHECK_DATA_DIR", str(tmp_path / "cli"))
    monkeypatch.setenv("XCHECK_WEB_BASE_URL", "https://xcheck.example.org")
    monkeypatch.delenv("XCHECK_BOT_TOKEN", raising=False)
    assert await asyncio.to_thread(cli_main, ["init"]) == 0
    capsys.readouterr()
    assert await asyncio.to_thread(cli_main, ["invite", "coordinator", "24"]) == 0
    columns = capsys.readouterr().out.strip().split("\t")
    assert columns[-1].startswith("https://xcheck.example.org/start/")
    assert columns[-2] == f"/start {columns[-1].rsplit('/', 1)[1]}"


async def test_the_web_refuses_what_the_walk_refuses(site: Harness) -> None:
    client = WebClient(base(site))
    await client.sign_in(await site.invite("coordinator", SCHOOL))
    rid = await report_id(client)
    page = await client.get(f"/r/{rid}/s/1")
    rows = re.findall(r'name="p1\.(c\d+)\.registered"', page)
    assert len(rows) == 2
    a, b = rows
    # Not a number: the chat's own message; nothing stored.
    await client.form(f"/r/{rid}/s/2", {"p7": "一百"})
    assert client.status == 400 and web_text.invalid("chinese_numeral", {"token": "一百"}) in client.page
    # A table above its rule is refused with the outline's message; a warning needs confirming.
    await client.form(
        f"/r/{rid}/s/1",
        {f"p1.{a}.registered": "100", f"p1.{b}.registered": "50", f"p2.{a}.assessed": "120", f"p2.{b}.assessed": "50"},
    )
    assert "已完成考核人数不能超过已报名人数（100）" in client.page and "数据未保存" in client.page
    stored = await reports.answers(site.deps.db.read, rid)
    assert "p2" not in stored and stored["p1"] == {
        "rows": {a: {"registered": 100}, b: {"registered": 50}},
        "confirmed": True,
    }
    await client.form(
        f"/r/{rid}/s/1",
        {f"p3.{a}.passed": "0", f"p3.{b}.passed": "0", f"p2.{a}.assessed": "90", f"p2.{b}.assessed": "50"},
    )
    assert "成绩合格人数为 0" in client.page and 'name="p3.ok"' in client.page
    stored = await reports.answers(site.deps.db.read, rid)
    assert "p3" not in stored and stored["p2"]["rows"] == {a: {"assessed": 90}, b: {"assessed": 50}}
    await client.form(f"/r/{rid}/s/1", {f"p3.{a}.passed": "0", f"p3.{b}.passed": "0", "p3.ok": "1"})
    assert client.status == 200
    assert (await reports.answers(site.deps.db.read, rid))["p3"]["confirmed"] is True
    # A ★ point cannot be skipped; a 否 on a practice question asks for the reason.
    await client.form(f"/r/{rid}/s/2", {"p4.skip": "1", "p6": "0"})
    assert "核心监测点不能跳过" in client.page and "请说明原因及下一步改进计划" in client.page
    stored = await reports.answers(site.deps.db.read, rid)
    assert "p4" not in stored and stored["p6"] == {"yes": False, "note": None}
    await client.close()


async def test_without_a_token_the_web_runs_alone_and_prints_an_office_link(
    tmp_path: Path, standin: StandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = make_settings(tmp_path, standin, bot_token="")
    db = Database(settings.db_path)  # as `xcheck init` leaves it (scripts/run runs it first)
    await db.connect()
    await load_seed(db, at=T0.isoformat())
    await db.close()
    stop = asyncio.Event()
    ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(serve_web_only(settings, clock=FrozenClock(T0), stop=stop, ready=ready))
    try:
        port = await asyncio.wait_for(ready, 10)
        out = capsys.readouterr().out
        assert "未设置 XCHECK_BOT_TOKEN：仅启动网页版" in out
        code = _code(out, "/start/")
        office = WebClient(f"http://127.0.0.1:{port}")
        await office.sign_in(code, name="省办公室")
        assert office.status == 200 and "办公室控制台" in office.page
        assert "安徽工商职业学院" in office.page  # the 189 institutions are there to watch
        await office.close()
    finally:
        stop.set()
        await task


async def test_office_console_draws_a_sample_and_exports_the_workbook(site: Harness) -> None:
    office = WebClient(base(site))
    await office.sign_in(await site.invite("office"), name="省办公室")
    assert office.status == 200 and "按类型" in office.page and "按地市（中职）" in office.page
    await office.post("/office/sample", sample_form(office.page))
    assert office.status == 200
    drawn = await oversight_store.latest_sample(site.deps.db.read)
    assert drawn is not None
    members = await oversight_store.sample_members(site.deps.db.read, drawn[0])
    names = {i.id: i.name for i in await roster_store.institutions(site.deps.db.read)}
    assert members and all(names[i] in office.page for i, _ in members)
    await office.get("/office/export")
    assert office.status == 200 and office.last_body[:2] == b"PK"
    assert "attachment" in office.last_headers["Content-Disposition"]
    coordinator = WebClient(base(site))
    await coordinator.sign_in(await site.invite("coordinator", SCHOOL))
    await coordinator.get("/office")
    assert coordinator.status == 403
    await office.close()
    await coordinator.close()


async def test_web_channel_can_be_turned_off(
    tmp_path: Path, standin: StandIn, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    h = Harness(standin, make_settings(tmp_path, standin, web_listen="off"), FrozenClock(T0))
    await h.start()
    try:
        assert h.deps.web is None
        await h.seed()
        assert "您好" in (await h.chat(1).say("/start")).text  # the bot works without it
    finally:
        await h.stop()
    monkeypatch.setenv("XCHECK_DATA_DIR", str(tmp_path / "off"))
    monkeypatch.setenv("XCHECK_WEB_LISTEN", "off")
    monkeypatch.delenv("XCHECK_BOT_TOKEN", raising=False)
    assert await asyncio.to_thread(cli_main, ["run"]) == 2
    assert "XCHECK_WEB_LISTEN" in capsys.readouterr().err


async def test_web_only_people_are_never_sent_telegram_messages(site: Harness) -> None:
    client = WebClient(base(site))
    await client.sign_in(await site.invite("coordinator", SCHOOL))
    (web_person,) = await people.with_role(site.deps.db.read, "coordinator")
    assert site.app is not None
    before = len(site.standin.calls_to("sendMessage"))
    assert await send_once(site.app.bot, web_person.user_id, "提醒") == ("unreachable", "web only")
    assert len(site.standin.calls_to("sendMessage")) == before
    await client.close()


async def test_a_file_is_removed_after_asking_and_the_version_keeps_it(site: Harness) -> None:
    client = WebClient(base(site))
    await client.sign_in(await site.invite("coordinator", SCHOOL))
    rid = await report_id(client)
    await client.get(f"/r/{rid}/s/2")
    form = aiohttp.FormData()
    form.add_field("csrf", client.csrf)
    form.add_field("file", b"%PDF-1.4 plan", filename="方案.pdf", content_type="application/pdf")
    await client.post(f"/r/{rid}/e/p5", form)
    (found,) = await evidence_store.of_report(site.deps.db.read, rid, "p5")
    page = await client.get(f"/r/{rid}/f/{found.id}/delete")
    assert "删除监测点 5的佐证材料“方案.pdf”吗" in page, page[page.find("<main>") :]
    assert await evidence_store.of_report(site.deps.db.read, rid, "p5") == [found]  # asking removes nothing
    await client.post(f"/r/{rid}/f/{found.id}/delete", {"csrf": client.csrf})
    assert client.status == 200 and "方案.pdf" not in client.page
    assert await evidence_store.of_report(site.deps.db.read, rid, "p5") == []
    (entry,) = await audit.entries(site.deps.db.read, action="evidence.remove")
    assert entry.channel == "web" and entry.actor.startswith("web:-")
    await client.close()
