"""The web's conversation page (/chat): the Telegram conversation in the browser, over the same core (issue 13).

A web-only coordinator walks 附件1 through /chat while a Telegram coordinator of the same school (a twin) sends
the same events straight to the core through a `Recorder`: after each step both see the same screen, word for
word, with the same buttons (their packed payloads). A refused input gets Telegram's message; a file uploaded
on a point attaches to it; a form submitted twice is applied once; forged button data and another school's
report are refused; no session, no page; no CSRF token, refused. The office opens /menu and a review card."""

from __future__ import annotations

import hashlib
import io
import itertools
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import aiohttp
import openpyxl
import pytest
from yarl import URL

from bench.standin import StandIn
from bot.clock import FrozenClock
from bot.core import buttons as bt
from bot.core import dispatch
from bot.core.events import Command, Press, Sender, Text
from bot.core.views import Recorder, Screen, View
from bot.deps import Deps
from bot.domain.walk.reporting import load_ctx
from messages import web_chat as words
from messages import zh
from storage import evidence as evidence_store
from storage import people, reports, roster
from tests.support.helpers import Harness
from tests.support.webclient import WebClient, close_all

SCHOOL, OTHER = "安徽工商职业学院", "合肥学院"
CERTS = {"Web前端开发": ("腾讯云计算（北京）有限责任公司", SCHOOL)}
TWIN = 700  # a Telegram coordinator of the same school: the same events, straight to the core
PDF = b"%PDF-1.4\n%web chat\n" + b"0" * 300
_twin_updates = itertools.count(5000)


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    yield
    await close_all()


@pytest.fixture
async def site(harness: Harness) -> Harness:
    return await _site(harness)


async def _site(harness: Harness) -> Harness:
    """The school pilots one certificate; a Telegram coordinator of the same school is bound (the twin)."""
    await harness.certify(CERTS, {SCHOOL: [("Web前端开发", 150)], OTHER: [("Web前端开发", 60)]})
    inst = await roster.find_institution(harness.deps.db.read, SCHOOL)
    assert inst is not None
    async with harness.deps.db.transaction() as conn:
        await people.bind(
            conn,
            user_id=TWIN,
            name="双胞胎",
            role="coordinator",
            institution_id=inst.id,
            city=None,
            chat_id=TWIN,
            at="2020-11-20T00:00:00+00:00",
        )
    return harness


def base(harness: Harness) -> str:
    assert harness.deps.web is not None
    return f"http://127.0.0.1:{harness.deps.web.port}"


@dataclass(frozen=True)
class Key:
    label: str
    data: str
    token: str


@dataclass(frozen=True)
class Bubble:
    text: str  # the message's HTML as the core wrote it
    keys: tuple[tuple[Key, ...], ...]

    @property
    def payloads(self) -> list[list[str]]:
        return [[k.data for k in row] for row in self.keys]

    def key(self, data: str) -> Key:
        return next(k for row in self.keys for k in row if k.data == data)


_FORM = re.compile(
    r'<form method="post" action="/chat" class="inline"><input type="hidden" name="csrf" value="[^"]*">'
    r'<input type="hidden" name="token" value="([^"]+)"><input type="hidden" name="data" value="([^"]*)">'
    r'<input type="hidden" name="label" value="([^"]*)">'
)
_TOKEN = re.compile(r'name="token" value="([^"]+)">')


class Chat:
    """A browser on /chat: the last page's bubbles, pop-ups and forms."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    @property
    def page(self) -> str:
        return self.client.page

    def bubbles(self) -> list[Bubble]:
        found = []
        for part in self.page.split('<div class="bubble bot">')[1:]:
            said = re.match(r'<div class="said">(.*?)</div>', part, flags=re.S)
            if said is None:
                continue
            rows = []
            for row in part.split('<div class="keys">')[1:]:
                rows.append(tuple(Key(unescape(lb), unescape(dt), tk) for tk, dt, lb in _FORM.findall(row)))
            found.append(Bubble(said.group(1), tuple(rows)))
        return found

    def last(self) -> Bubble:
        return self.bubbles()[-1]

    def notices(self) -> list[str]:
        return re.findall(r'<p class="(?:info notice|err refusal)">(.*?)</p>', self.page, flags=re.S)

    def composer_tokens(self) -> list[str]:
        """The tokens of the text box, the menu button and the upload form, in that order."""
        composer = self.page.split('id="composer"', 1)[1]
        return _TOKEN.findall(composer)

    async def open(self) -> None:
        await self.client.get("/chat")
        assert self.client.status == 200, self.page[:300]

    async def say(self, text: str) -> None:
        token = self.composer_tokens()[0]
        await self.client.post("/chat", {"csrf": self.client.csrf, "token": token, "text": text})

    async def press(self, data: str, bubble: Bubble | None = None) -> Key:
        key = (bubble or self.last()).key(data)
        await self.client.post(
            "/chat", {"csrf": self.client.csrf, "token": key.token, "data": key.data, "label": key.label}
        )
        return key

    async def upload(self, content: bytes, name: str) -> None:
        form = aiohttp.FormData()
        form.add_field("csrf", self.client.csrf)
        form.add_field("token", self.composer_tokens()[2])
        form.add_field("file", content, filename=name, content_type="application/octet-stream")
        await self.client.post("/chat/upload", form)


async def chat_of(site: Harness, role: str, target: str = SCHOOL) -> Chat:
    client = WebClient(base(site))
    await client.sign_in(await site.invite(role, target))  # type: ignore[arg-type]
    assert client.status == 200, client.page[:300]
    chat = Chat(client)
    await chat.open()
    return chat


# --- the twin: the same events straight to the core --------------------------------------------------------
def _sender() -> Sender:
    return Sender(TWIN, TWIN, next(_twin_updates), "双胞胎")


async def twin(d: Deps, flow: object, event: object) -> list[View]:
    out = Recorder()
    await flow(d, event, out)  # type: ignore[operator]
    return out.views


async def twin_says(d: Deps, text: str) -> list[View]:
    if text.startswith("/"):
        return await twin(d, dispatch.command, Command(_sender(), text[1:]))
    return await twin(d, dispatch.TYPED, Text(_sender(), text))


async def twin_presses(d: Deps, data: str) -> list[View]:
    return await twin(d, dispatch.press, Press(_sender(), data, bt.parse(data)))


def same_screen(bubble: Bubble, views: list[View]) -> None:
    """The web's message and the core's screen for Telegram: the same text and the same button payloads."""
    assert [type(v) for v in views] == [Screen]
    (view,) = views
    assert isinstance(view, Screen)
    assert bubble.text == view.text
    packed = [
        [b.data.pack() if b.data else b.url for b in row] for row in (view.keyboard.rows if view.keyboard else ())
    ]
    assert bubble.payloads == packed


async def answers(d: Deps, rid: int) -> dict[str, object]:
    report = await reports.get(d.db.read, rid)
    assert report is not None
    return dict((await load_ctx(d.db.read, report, d.outlines)).state.answers)


# --- the walk --------------------------------------------------------------------------------------------
async def test_a_coordinator_walks_the_outline_in_the_browser_as_in_telegram(site: Harness) -> None:
    d = site.deps
    laid = d.outlines.get("institution")
    points = [i for i in laid.items if i.point is not None]
    first = points[0]
    yesno = next(i for i in points if i.point is not None and i.point.answer.type == "yesno" and i.core)
    chat = await chat_of(site, "coordinator")
    assert chat.bubbles() == [] and len(chat.composer_tokens()) == 3
    (me,) = [p for p in await people.with_role(d.db.read, "coordinator") if p.user_id < 0]

    # /menu typed: the coordinator's menu, as Telegram shows it.
    await chat.say("/menu")
    assert chat.client.status == 200
    same_screen(chat.last(), await twin_says(d, "/menu"))
    rid = int(bt.parse(chat.last().payloads[0][0]).report)  # type: ignore[union-attr]

    # 继续填写: the first point, a per-certificate table.
    await chat.press(bt.Menu("cont", rid).pack())
    same_screen(chat.last(), await twin_presses(d, bt.Menu("cont", rid).pack()))
    assert "监测点 1" in chat.last().text

    # Not a number: the same refusal as in Telegram (the screen again, with the reason), nothing stored.
    await chat.say("一百二十")
    refused = chat.last()
    same_screen(refused, await twin_says(d, "一百二十"))
    assert "“一百二十”" in refused.text and await answers(d, rid) == {}

    # The table typed: shown for confirmation with the rate, then confirmed by button.
    await chat.say("120")
    same_screen(chat.last(), await twin_says(d, "120"))
    assert "报考率 80.00%" in chat.last().text
    await chat.press(bt.Walk(rid, first.key, "confirm").pack())
    same_screen(chat.last(), await twin_presses(d, bt.Walk(rid, first.key, "confirm").pack()))
    stored = await answers(d, rid)
    assert stored[first.key] == {
        "rows": {next(iter(stored[first.key]["rows"])): {"registered": 120}},
        "confirmed": True,
    }  # type: ignore[index]

    # A file uploaded while on the point attaches to it; the point stays on screen with its count.
    await chat.upload(PDF, "报名汇总.pdf")
    assert chat.client.status == 200
    where = zh.item_name(first.point.no, first.section.no, "")  # type: ignore[union-attr]
    assert chat.last().text.split("\n")[:2] == zh.evidence_saved(
        where, "报名汇总.pdf", zh.FILE_KINDS["pdf"], len(PDF), 1
    ).split("\n")
    kept = await evidence_store.of_report(d.db.read, rid)
    assert [(f.item, f.name, f.size, f.sha256, f.uploaded_by) for f in kept] == [
        (first.key, "报名汇总.pdf", len(PDF), hashlib.sha256(PDF).hexdigest(), me.user_id)
    ]

    # A yes/no point by button: straight to it (as a section list's button does), then 是.
    go = bt.Walk(rid, yesno.key, "go").pack()
    await _press_fresh(chat, go)
    same_screen(chat.last(), await twin_presses(d, go))
    yes = next(k.data for row in chat.last().keys for k in row if k.label.startswith("是"))
    await chat.press(yes)
    same_screen(chat.last(), await twin_presses(d, yes))
    assert (await answers(d, rid))[yesno.key] == {"yes": True, "note": None}


async def _press_fresh(chat: Chat, data: str) -> None:
    """Posts button data with a fresh token of this page (the text box's): the core checks the payload itself."""
    token = chat.composer_tokens()[0]
    await chat.client.post("/chat", {"csrf": chat.client.csrf, "token": token, "data": data, "label": ""})


async def _to_first_point(chat: Chat, d: Deps) -> int:
    await chat.say("/menu")
    rid = int(bt.parse(chat.last().payloads[0][0]).report)  # type: ignore[union-attr]
    await chat.press(bt.Menu("cont", rid).pack())
    return rid


async def _applied(d: Deps) -> list[int]:
    rows = await d.db.read.execute_fetchall("SELECT update_id FROM processed_updates WHERE update_id < 0")
    return sorted(int(r[0]) for r in rows)


async def test_a_form_submitted_twice_is_applied_once(site: Harness) -> None:
    d = site.deps
    first = next(i for i in d.outlines.get("institution").items if i.point is not None)
    chat = await chat_of(site, "coordinator")
    rid = await _to_first_point(chat, d)
    await chat.say("120")
    confirm = chat.last().key(bt.Walk(rid, first.key, "confirm").pack())
    form = {"csrf": chat.client.csrf, "token": confirm.token, "data": confirm.data, "label": confirm.label}
    await chat.client.post("/chat", form)
    assert chat.client.status == 200
    stored, applied = await answers(d, rid), await _applied(d)
    assert first.key in stored and len(applied) >= 1
    audit_rows = await d.db.read.execute_fetchall("SELECT COUNT(*) FROM audit_log")

    # The browser sends the same form again (a double click, a reload that re-posts): nothing happens twice.
    await chat.client.post("/chat", form)
    assert chat.client.status == 409
    assert chat.notices() == [words.ALREADY_DONE] and chat.bubbles() == []
    assert await answers(d, rid) == stored and await _applied(d) == applied
    assert await d.db.read.execute_fetchall("SELECT COUNT(*) FROM audit_log") == audit_rows

    # A file form sent twice stores the file once.
    token = chat.composer_tokens()[2]
    for status in (200, 409):
        upload = aiohttp.FormData()
        upload.add_field("csrf", chat.client.csrf)
        upload.add_field("token", token)
        upload.add_field("file", PDF, filename="签到表.pdf", content_type="application/pdf")
        await chat.client.post("/chat/upload", upload)
        assert chat.client.status == status
    assert [f.name for f in await evidence_store.of_report(d.db.read, rid)] == ["签到表.pdf"]


async def test_two_forms_of_one_page_are_two_updates_from_a_range_telegram_never_uses(site: Harness) -> None:
    d = site.deps
    chat = await chat_of(site, "coordinator")
    tokens = chat.composer_tokens()
    rows = await d.db.read.execute_fetchall("SELECT update_id, token_hash FROM web_chat_forms ORDER BY id")
    ids = [int(r[0]) for r in rows]
    assert len(ids) == len(set(ids)) == 3 and all(i < 0 for i in ids)
    assert {str(r[1]) for r in rows} == {hashlib.sha256(t.encode()).hexdigest() for t in tokens}
    # A token is bound to its person: another signed-in person cannot use it.
    other = await chat_of(site, "coordinator", OTHER)
    await other.client.post("/chat", {"csrf": other.client.csrf, "token": tokens[0], "text": "/menu"})
    assert other.client.status == 409 and other.notices() == [words.FORM_EXPIRED]


async def test_forged_button_data_and_another_schools_report_are_refused_as_in_telegram(site: Harness) -> None:
    d = site.deps
    first = next(i for i in d.outlines.get("institution").items if i.point is not None)
    theirs = await chat_of(site, "coordinator", OTHER)
    their_rid = await _to_first_point(theirs, d)
    chat = await chat_of(site, "coordinator")
    await _to_first_point(chat, d)
    await twin_says(d, "/menu")
    before = await answers(d, their_rid)

    for data in (bt.Walk(their_rid, first.key, "confirm").pack(), bt.Menu("cont", their_rid).pack(), "w:1:p1:zz:9"):
        await _press_fresh(chat, data)
        assert chat.client.status == 200
        expected = await twin_presses(d, data)
        assert [type(v).__name__ for v in expected] == ["Refusal"]
        assert chat.notices() == [expected[0].text] and chat.bubbles() == []  # type: ignore[union-attr]
    assert chat.notices() == [zh.STALE_BUTTON]  # the garbled one: what Telegram's gate answers
    assert await answers(d, their_rid) == before


async def test_typed_html_stays_escaped_end_to_end(site: Harness) -> None:
    chat = await chat_of(site, "coordinator")
    await _to_first_point(chat, site.deps)
    await chat.say('<script>alert(1)</script><b onclick="x">1</b>')
    assert "<script>" not in chat.page and "<b onclick" not in chat.page
    # The core's refusal quotes what was typed, escaped by the core, and the page places it as it is.
    await twin_says(site.deps, "/menu")
    await twin_presses(site.deps, bt.Menu("cont", 1).pack())
    same_screen(chat.last(), await twin_says(site.deps, '<script>alert(1)</script><b onclick="x">1</b>'))
    assert "“&lt;script&gt;alert(1)&lt;”" in chat.last().text
    assert '<div class="bubble me">&lt;script&gt;alert(1)&lt;/script&gt;' in chat.page  # the echo, escaped


async def test_no_session_no_page_and_no_csrf_no_action(site: Harness) -> None:
    d = site.deps
    stranger = WebClient(base(site))
    for method in ("get", "post"):
        await getattr(stranger, method)("/chat")
        assert stranger.status == 401 and "bubble" not in stranger.page
    await stranger.post("/chat/upload", {"token": "x"})
    assert stranger.status == 401

    chat = await chat_of(site, "coordinator")
    token = chat.composer_tokens()[0]
    await chat.client.post("/chat", {"token": token, "text": "/menu"})
    assert chat.client.status == 403 and "bubble" not in chat.page
    await chat.open()
    await chat.client.post("/chat", {"csrf": "forged", "token": chat.composer_tokens()[0], "text": "/menu"})
    assert chat.client.status == 403
    await chat.open()
    upload = aiohttp.FormData()
    upload.add_field("token", chat.composer_tokens()[2])
    upload.add_field("file", PDF, filename="a.pdf", content_type="application/pdf")
    await chat.client.post("/chat/upload", upload)
    assert chat.client.status == 403
    assert await _applied(d) == [] and await d.db.read.execute_fetchall("SELECT 1 FROM evidence") == []


async def test_the_office_opens_the_menu_and_a_review_card(site: Harness) -> None:
    d = site.deps
    office = await chat_of(site, "office")
    assert 'id="chat-link"' in office.page  # every signed-in page links to the conversation
    await office.say("/menu")

    def as_office(data: str | None = None, text: str | None = None) -> object:
        sender = Sender(1, 1, next(_twin_updates), "办公室")
        if data is not None:
            return twin(d, dispatch.press, Press(sender, data, bt.parse(data)))
        assert text is not None
        name, *args = text[1:].split()
        return twin(d, dispatch.command, Command(sender, name, tuple(args)))

    same_screen(office.last(), await as_office(text="/menu"))  # type: ignore[arg-type]
    await twin_says(d, "/menu")  # the school's report exists once a coordinator opened it
    await office.say("/review 安徽工商")
    same_screen(office.last(), await as_office(text="/review 安徽工商"))  # type: ignore[arg-type]
    card = office.last()
    assert SCHOOL in card.text and card.keys
    # A button of the card: the same next screen as in Telegram.
    data = card.keys[0][0].data
    await office.press(data)
    same_screen(office.last(), await as_office(data=data))  # type: ignore[arg-type]


async def test_telegram_registers_the_commands_and_buttons_of_the_shared_tables(site: Harness) -> None:
    from telegram.ext import CallbackQueryHandler, CommandHandler

    assert site.app is not None
    handlers = [h for group in site.app.handlers.values() for h in group]
    commands = {c: h.callback.__name__ for h in handlers if isinstance(h, CommandHandler) for c in h.commands}
    assert commands == {name: flow.__name__ for name, flow in dispatch.COMMANDS.items()}
    patterns = {
        h.pattern.pattern: h.callback.__name__  # type: ignore[union-attr]
        for h in handlers
        if isinstance(h, CallbackQueryHandler) and h.pattern is not None
    }
    assert patterns == {f"^{re.escape(p)}:": flow.__name__ for p, flow in dispatch.PRESSES.items()}


async def test_notices_and_broadcasts_from_the_page_reach_telegram_people(site: Harness) -> None:
    from bot.domain.reports.lifecycle import submit

    d = site.deps
    await twin_says(d, "/menu")
    (report,) = await reports.all_reports(d.db.read)
    await site.fill(report.id)
    twin_person = next(p for p in await people.with_role(d.db.read, "coordinator") if p.user_id == TWIN)
    await submit(d.db, d.outlines, twin_person, report.id, year=2020, at=d.now_iso(), update_id=None)

    office = await chat_of(site, "office")
    await office.say("/review 安徽工商")
    await office.press(bt.Card(report.id, "acceptask").pack())
    await office.press(bt.Card(report.id, "acceptgo").pack())
    assert office.last().text == zh.accepted(SCHOOL)
    told = zh.accepted_notice(SCHOOL, None)
    await site.standin.wait_for(lambda: any(s.text == told for s in site.standin.events[TWIN]))

    # A broadcast typed on the page: the same flow, then the same sender as Telegram's starts.
    await office.say("/broadcast")
    assert office.last().text == zh.BROADCAST_ASK_TEXT
    await office.say("请各校按时提交自查报告")
    await office.press(bt.Broadcast("aud", "all").pack())
    await office.press(bt.Broadcast("go").pack())
    assert office.notices() == [words.BROADCAST_SENDING]
    await site.standin.wait_for(lambda: any(s.text == "请各校按时提交自查报告" for s in site.standin.events[TWIN]))


async def test_files_the_core_sends_are_downloads_for_that_person_only(site: Harness) -> None:
    import asyncio

    d = site.deps
    await twin_says(d, "/menu")
    office = await chat_of(site, "office")
    await office.say("/export")
    assert office.client.status == 200
    await asyncio.gather(*d.tasks)  # the export runs off the request, as in Telegram
    await office.open()  # what arrived since: the status line as it ended, and the files
    assert words.LATER in office.page
    (line,) = re.findall(r'<p class="muted progress">([^<]*)</p>', office.page)
    links = re.findall(r'<a class="file" href="(/chat/file/[^"]+)">([^<]+)</a>', office.page)
    assert [name for _, name in links] == [f"{zh.EXPORT_NAME_ALL}.xlsx"]
    await office.client.get(links[0][0])
    assert office.client.status == 200 and office.client.last_body[:2] == b"PK"
    sheets = len(openpyxl.load_workbook(io.BytesIO(office.client.last_body), read_only=True).sheetnames)
    assert line == f"{words.PROGRESS}：{zh.EXPORT_DONE.format(sheets=sheets, files=0)}"
    coordinator = await chat_of(site, "coordinator")
    await coordinator.client.get(links[0][0])
    assert coordinator.client.status == 403 and coordinator.client.last_body[:2] != b"PK"


async def test_a_file_sent_from_the_menu_waits_for_the_point_it_supports(site: Harness) -> None:
    from bot.core.events import Upload

    d = site.deps
    points = [i for i in d.outlines.get("institution").items if i.point is not None]
    chat = await chat_of(site, "coordinator")
    await chat.say("/menu")
    await twin_says(d, "/menu")
    rid = int(bt.parse(chat.last().payloads[0][0]).report)  # type: ignore[union-attr]
    await chat.upload(PDF, "考核记录.pdf")

    async def never(_dest: object) -> None:
        raise AssertionError("nothing is fetched before the point is named")

    asked = await twin(d, dispatch.UPLOADED, Upload(_sender(), "考核记录.pdf", len(PDF), None, False, never))
    same_screen(chat.last(), asked)
    assert await evidence_store.of_report(d.db.read, rid) == []

    # The press that names the point takes the file the page holds, as Telegram fetches it again by its id.
    await chat.press(bt.Evidence(rid, points[1].key, "put").pack())
    kept = await evidence_store.of_report(d.db.read, rid)
    sha = hashlib.sha256(PDF).hexdigest()
    assert [(f.item, f.name, f.sha256) for f in kept] == [(points[1].key, "考核记录.pdf", sha)]


async def test_a_picture_the_core_sends_later_is_shown_inline_on_the_next_page(site: Harness) -> None:
    import asyncio
    import base64

    d = site.deps
    office = await chat_of(site, "office")
    await office.say("/progress")
    await asyncio.gather(*d.tasks)  # the chart is drawn off the request, as in Telegram
    await office.open()
    (src,) = re.findall(r'<img alt="" src="data:image/png;base64,([^"]+)">', office.page)
    assert base64.b64decode(src)[:8] == b"\x89PNG\r\n\x1a\n"


async def test_the_page_works_without_a_bot_and_says_where_a_broadcast_goes(tmp_path: Path) -> None:
    import asyncio

    from bench.standin import StandIn
    from bot.clock import FrozenClock
    from bot.domain.people.invitations import issue
    from bot.domain.people.roster import load_seed
    from bot.tg.app import serve_web_only
    from storage import Database
    from tests.support.helpers import T0, make_settings

    settings = make_settings(tmp_path, StandIn(), bot_token="")
    db = Database(settings.db_path)
    await db.connect()
    await load_seed(db, at=T0.isoformat())
    (code,) = await issue(db, role="office", institution=None, city=None, actor="test", now=T0, days=14)
    school = await roster.find_institution(db.read, SCHOOL)
    (invited,) = await issue(db, role="coordinator", institution=school, city=None, actor="test", now=T0, days=14)
    await db.close()
    stop = asyncio.Event()
    ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(serve_web_only(settings, clock=FrozenClock(T0), stop=stop, ready=ready))
    try:
        where = f"http://127.0.0.1:{await asyncio.wait_for(ready, 10)}"
        await WebClient(where).sign_in(invited.code)  # a web-only coordinator: someone to tell
        client = WebClient(where)
        await client.sign_in(code.code)
        office = Chat(client)
        await office.open()
        await office.say("/menu")
        assert office.last().text.split("\n")[0] == zh.OFFICE_MENU.split("\n")[0]
        await office.say("/broadcast")
        await office.say("请各校按时提交自查报告")
        await office.press(bt.Broadcast("aud", "all").pack())
        await office.press(bt.Broadcast("go").pack())
        assert office.notices() == [words.BROADCAST_NO_BOT]
    finally:
        stop.set()
        await task


@pytest.mark.parametrize(("role", "city"), [("city", "合肥"), ("expert", None)])
async def test_a_city_bureau_and_an_expert_get_their_telegram_menu(site: Harness, role: str, city: str | None) -> None:
    d = site.deps
    async with d.db.transaction() as conn:
        await people.bind(
            conn, user_id=801, name="同角色", role=role, institution_id=None, city=city, chat_id=801, at=d.now_iso()
        )  # type: ignore[arg-type]
    client = WebClient(base(site))
    await client.sign_in(await site.invite(role, "", city=city))  # type: ignore[arg-type]
    chat = Chat(client)
    await chat.open()
    await chat.say("/menu")
    sender = Sender(801, 801, next(_twin_updates), "同角色")
    same_screen(chat.last(), await twin(d, dispatch.command, Command(sender, "menu")))


async def test_a_held_file_gone_before_it_is_placed_is_asked_for_again(site: Harness) -> None:
    d = site.deps
    points = [i for i in d.outlines.get("institution").items if i.point is not None]
    chat = await chat_of(site, "coordinator")
    await chat.say("/menu")
    rid = int(bt.parse(chat.last().payloads[0][0]).report)  # type: ignore[union-attr]
    await chat.upload(PDF, "考核记录.pdf")
    (held,) = (d.settings.evidence_dir / "tmp").glob("webchat-*.part")
    held.unlink()  # what start-up's clean-up of temp files does after a restart
    await chat.press(bt.Evidence(rid, points[1].key, "put").pack())
    assert chat.client.status == 200
    assert chat.notices() == [zh.EVIDENCE_REFUSALS["download_failed"]]
    assert await evidence_store.of_report(d.db.read, rid) == []


async def test_the_same_form_posted_twice_at_once_is_applied_once(site: Harness) -> None:
    import asyncio

    d = site.deps
    yesnos = [i for i in d.outlines.get("institution").items if i.point is not None and i.point.answer.type == "yesno"]
    chat = await chat_of(site, "coordinator")
    rid = await _to_first_point(chat, d)

    async def audit_rows() -> int:
        return int((await d.db.read.execute_fetchall("SELECT COUNT(*) FROM audit_log"))[0][0])

    async def yes_form(item_key: str) -> dict[str, str]:
        await _press_fresh(chat, bt.Walk(rid, item_key, "go").pack())
        key = next(k for row in chat.last().keys for k in row if k.label.startswith("是"))
        return {"csrf": chat.client.csrf, "token": key.token, "data": key.data, "label": key.label}

    # What one answer records, then the same form of another point posted twice at the same moment.
    before = await audit_rows()
    await chat.client.post("/chat", await yes_form(yesnos[0].key))
    one = await audit_rows() - before
    assert one >= 1
    form = await yes_form(yesnos[1].key)
    before = await audit_rows()
    first, second = WebClient(chat.client.base), WebClient(chat.client.base)
    for client in (first, second):  # the same browser (its session cookie), two connections
        client.session.cookie_jar.update_cookies(chat.client.session.cookie_jar.filter_cookies(URL(chat.client.base)))
    await asyncio.gather(first.post("/chat", form), second.post("/chat", form))
    assert await audit_rows() - before == one
    assert sorted([first.status, second.status]) in ([200, 200], [200, 409])
    assert (await answers(d, rid))[yesnos[1].key] == {"yes": True, "note": None}


async def test_uploads_keep_the_webs_limits(tmp_path: Path, standin: StandIn, clock: FrozenClock) -> None:
    from tests.support import files
    from tests.support.helpers import make_settings

    h = Harness(standin, make_settings(tmp_path, standin, max_upload_mb=1), clock)
    await h.start()
    try:
        await h.seed()
        chat = await chat_of(await _site(h), "coordinator")
        rid = await _to_first_point(chat, h.deps)
        csrf, token = chat.client.csrf, chat.composer_tokens()[2]
        big = files.pdf() + bytes(1024 * 1024 + 10)
        form = aiohttp.FormData()
        form.add_field("csrf", csrf)
        form.add_field("token", token)
        form.add_field("file", big, filename="big.pdf", content_type="application/pdf")
        await chat.client.post("/chat/upload", form)  # refused from Content-Length alone
        assert chat.client.status == 413 and "1 MB" in chat.page

        async def chunks() -> AsyncIterator[bytes]:
            yield (
                f'--b\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{csrf}\r\n'
                f'--b\r\nContent-Disposition: form-data; name="token"\r\n\r\n{token}\r\n'
                '--b\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
                "Content-Type: application/pdf\r\n\r\n"
            ).encode()
            for _ in range(20):
                yield b"%" * 100_000
            yield b"\r\n--b--\r\n"

        await chat.client.post("/chat/upload", chunks(), headers={"Content-Type": "multipart/form-data; boundary=b"})
        assert chat.client.status == 413  # the running count stops it
        assert list((h.settings.evidence_dir / "tmp").iterdir()) == []  # nothing half-written is left

        # Content decides, not the name: the core's refusal, the same as Telegram's.
        await chat.open()
        await chat.upload(b"MZ\x90\x00" + bytes(100), "report.pdf")
        assert chat.client.status == 200 and "无法识别该文件的内容" in chat.notices()[0]
        assert await evidence_store.of_report(h.deps.db.read, rid) == []
    finally:
        await h.stop()


async def test_forms_of_a_page_shown_before_binding_telegram_still_work_after(site: Harness) -> None:
    from tests.web.test_web_bind_keeps import _bind_telegram

    chat = await chat_of(site, "coordinator")
    token = chat.composer_tokens()[0]
    await _bind_telegram(site, chat.client, 701)
    await chat.client.post("/chat", {"csrf": chat.client.csrf, "token": token, "text": "/menu"})
    assert chat.client.status == 200 and chat.notices() == []
    same_screen(chat.last(), await twin_says(site.deps, "/menu"))
