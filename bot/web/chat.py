"""The conversation page: the Telegram conversation in the browser, the web's second adapter over the same core.

A request becomes one core event (typed text, a button's packed data, a command, a file), dispatched by the
core's own tables (bot/core/dispatch.py) exactly as Telegram's handlers are; the views the core answers with
become the page (messages with their buttons as small forms, refusals and pop-ups as notices, files as
download links for this person only, pictures inline, status lines, notices to others through the web's
notifier). Every form carries a one-time token bound to an update id of its own (bot/core/forms.py), so a
form submitted twice is applied once. No storage, no role logic here: tests/unit/test_architecture.py."""

from __future__ import annotations

import asyncio
import base64
import logging
import re
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from aiohttp import web

from bot.core import buttons as bt
from bot.core import dispatch, forms
from bot.core import errors as failure
from bot.core import events as ev
from bot.core import views as vw
from bot.core.uploads import EvidenceRefused
from bot.deps import Deps
from bot.web import uploads
from bot.web.app import CHAT_UPLOAD_ROUTE, NONCE, Web, core, deps, html_response, visitor
from bot.web.html import EMPTY, Safe, esc, hidden_csrf, join, t
from messages import firstday as first
from messages import perf, zh
from messages import web_chat as text

log = logging.getLogger("xcheck.web.chat")

PATH = "/chat"
_HELD = re.compile(r"[0-9a-f]{16}")  # a held upload's id (Upload.file_id on this channel)
KEEP_FILES = 20  # download links kept per person (the oldest file is removed beyond)
KEEP_LATER = 50  # pieces waiting for a person's next page
Kind = Literal["you", "message", "notice", "refusal", "file", "picture", "progress"]


@dataclass
class Shown:
    """One piece of the page, in the order the core emitted it."""

    kind: Kind
    text: str = ""  # for messages, pop-ups and status lines: the core's Telegram HTML, already escaped
    keyboard: vw.Keyboard | None = None
    href: str = ""
    image: bytes = b""
    name: str = ""  # a file's name


@dataclass(frozen=True)
class Held:
    """A file the core sent to this person, kept for their download link (exports are removed once sent)."""

    user_id: int
    path: Path
    filename: str


@dataclass
class Chats:
    """What outlives one request: views emitted after the page was answered (an export finishing), shown on
    the person's next page; the files offered for download."""

    later: dict[int, list[Shown]] = field(default_factory=dict)
    files: dict[str, Held] = field(default_factory=dict)


CHATS = web.AppKey("xcheck.chats", Chats)


# --- views -> page ---------------------------------------------------------------------------------------
class WebOut(vw.Out):
    """The views of one request, kept for its page. Views that arrive after the page was answered (work the core
    started off the flow) wait for the person's next page."""

    def __init__(self, w: Web, d: Deps, chats: Chats, user_id: int) -> None:
        self.w, self.d, self.chats, self.user_id = w, d, chats, user_id
        self.shown: list[Shown] = []
        self.answered = False
        self.acked = False
        self._progress: dict[str, Shown] = {}
        self._emit: dict[type[Any], Any] = {
            vw.Screen: self._message,
            vw.Reply: self._message,
            vw.Refusal: self._refusal,
            vw.Ack: self._ack,
            vw.Document: self._document,
            vw.Progress: self._progress_line,
            vw.Picture: self._picture,
            vw.Notice: self._notice,
            vw.Sending: self._sending,
        }

    async def emit(self, view: vw.View) -> Any:
        return await self._emit[type(view)](view)

    def _add(self, shown: Shown) -> None:
        if self.answered:
            waiting = self.chats.later.setdefault(self.user_id, [])
            waiting.append(shown)
            del waiting[:-KEEP_LATER]
        else:
            self.shown.append(shown)

    async def _message(self, view: vw.Screen | vw.Reply) -> None:
        self._add(Shown("message", view.text, view.keyboard))

    async def _refusal(self, view: vw.Refusal) -> None:
        self._add(Shown("refusal", view.text))

    async def _ack(self, view: vw.Ack) -> bool:
        first_time, self.acked = not self.acked, True
        if view.text:
            self._add(Shown("notice", view.text))
        return first_time

    async def _document(self, view: vw.Document) -> None:
        if view.path is None:
            self._add(Shown("notice", esc(text.FILE_NOT_HERE)))
            return
        key = secrets.token_urlsafe(16)
        folder = self.d.settings.exports_dir / "webchat" / key
        kept = folder / Path(view.filename).name
        await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
        await asyncio.to_thread(shutil.copyfile, view.path, kept)
        self.chats.files[key] = Held(self.user_id, kept, view.filename)
        mine = [k for k, held in self.chats.files.items() if held.user_id == self.user_id]
        for old in mine[:-KEEP_FILES]:  # dicts keep insertion order: the oldest first
            gone = self.chats.files.pop(old)
            await asyncio.to_thread(shutil.rmtree, gone.path.parent, True)
        self._add(Shown("file", view.caption or "", href=f"{PATH}/file/{key}", name=view.filename))

    async def _progress_line(self, view: vw.Progress) -> None:
        shown = self._progress.get(view.key)
        waiting = self.chats.later.get(self.user_id, [])
        if shown is None or (self.answered and all(s is not shown for s in waiting)):
            # New, or already on a page that was answered: the next page shows the line as it is then.
            self._progress[view.key] = shown = Shown("progress", view.text)
            self._add(shown)
        shown.text = view.text  # a line not shown yet is updated in place

    async def _picture(self, view: vw.Picture) -> None:
        self._add(Shown("picture", view.caption or "", view.keyboard, image=view.data))

    async def _notice(self, view: vw.Notice) -> int:
        """To other people through the web's notifier: in Telegram when a bot runs here; web-only people
        (negative ids) see the same state on their web pages."""
        reached = [i for i in view.user_ids if i > 0]
        self.w.tell(list(view.user_ids), view.text, view.keyboard)
        return len(reached) if self.w.notify is not None else 0

    async def _sending(self, view: vw.Sending) -> None:
        """A broadcast was created: its delivery report, and the same sender Telegram starts when a bot runs
        here; without one, the broadcast waits for the bot (web users see it on their web home already)."""
        self._add(Shown("message", view.text))
        if self.w.send_broadcast is not None:
            self.w.send_broadcast(view.broadcast_id)
            self._add(Shown("notice", esc(text.BROADCAST_SENDING)))
        else:
            self._add(Shown("notice", esc(text.BROADCAST_NO_BOT)))


def _core_html(html: str) -> Safe:
    """The core's text is Telegram's HTML subset, every value in it escaped by the core: placed as it is, line
    breaks kept by the page's style."""
    return Safe(html)


class Page:
    """Renders the pieces; every form gets its own one-time token (bound to an update id)."""

    def __init__(self, csrf: str, tokens: list[str], max_mb: int) -> None:
        self.csrf, self.tokens, self.max_mb = csrf, iter(tokens), max_mb

    @staticmethod
    def forms_needed(pieces: list[Shown]) -> int:
        buttons = sum(1 for p in pieces if p.keyboard for row in p.keyboard.rows for b in row if b.data is not None)
        return buttons + 3  # the text box, the upload, the menu

    def _form(self, fields: Safe, button: Safe, *, cls: str = "") -> Safe:
        return t(
            '<form method="post" action="{path}" class="inline">{csrf}<input type="hidden" name="token" '
            'value="{token}">{fields}<button class="{cls}">{button}</button></form>',
            path=PATH,
            csrf=hidden_csrf(self.csrf),
            token=next(self.tokens),
            fields=fields,
            cls=cls,
            button=button,
        )

    def keyboard(self, keyboard: vw.Keyboard | None) -> Safe:
        if not keyboard:
            return EMPTY
        rows = []
        for row in keyboard.rows:
            cells = []
            for b in row:
                if b.data is not None:
                    fields = t(
                        '<input type="hidden" name="data" value="{d}"><input type="hidden" name="label" value="{l}">',
                        d=b.data.pack(),
                        l=b.label,
                    )
                    cells.append(self._form(fields, esc(b.label), cls="key"))
                else:
                    cells.append(t('<a class="btn light key" href="{u}" rel="noopener">{l}</a>', u=b.url, l=b.label))
            rows.append(t('<div class="keys">{c}</div>', c=join(cells)))
        return join(rows)

    def piece(self, p: Shown) -> Safe:
        if p.kind == "you":
            return t('<div class="bubble me">{x}</div>', x=p.text)
        if p.kind == "message":
            return t(
                '<div class="bubble bot"><div class="said">{x}</div>{keys}</div>',
                x=_core_html(p.text),
                keys=self.keyboard(p.keyboard),
            )
        if p.kind == "refusal":
            return t('<p class="err refusal">{x}</p>', x=_core_html(p.text))
        if p.kind == "notice":
            return t('<p class="info notice">{x}</p>', x=_core_html(p.text))
        if p.kind == "progress":
            return t('<p class="muted progress">{label}：{x}</p>', label=text.PROGRESS, x=_core_html(p.text))
        if p.kind == "file":
            return t(
                '<div class="bubble bot">📎 <a class="file" href="{h}">{name}</a> · {dl}{cap}</div>',
                h=p.href,
                name=p.name,
                dl=text.DOWNLOAD,
                cap=t('<div class="said">{c}</div>', c=_core_html(p.text)) if p.text else EMPTY,
            )
        data = base64.b64encode(p.image).decode()
        return t(
            '<div class="bubble bot"><img alt="" src="data:image/png;base64,{d}">{cap}{keys}</div>',
            d=data,
            cap=t('<div class="said">{c}</div>', c=_core_html(p.text)) if p.text else EMPTY,
            keys=self.keyboard(p.keyboard),
        )

    def composer(self) -> Safe:
        typed = self._form(
            t('<textarea name="text" rows="2" maxlength="20000" placeholder="{h}"></textarea>', h=text.TYPE_HERE),
            esc(text.SEND),
        )
        menu = self._form(t('<input type="hidden" name="text" value="/menu">'), esc(text.MENU), cls="light")
        upload = t(
            '<form method="post" action="{path}/upload" enctype="multipart/form-data">{csrf}'
            '<input type="hidden" name="token" value="{token}"><p class="muted small">{hint}</p>'
            '<input type="file" name="file" required> <button>{up}</button></form>',
            path=PATH,
            csrf=hidden_csrf(self.csrf),
            token=next(self.tokens),
            hint=text.UPLOAD_HINT.format(mb=self.max_mb),
            up=text.UPLOAD,
        )
        return t('<div class="card composer" id="composer">{a}{b}{c}</div>', a=typed, b=menu, c=upload)


CHAT_STYLE = Safe(
    ".bubble{background:#fff;border-radius:10px;padding:10px 12px;margin:8px 0;box-shadow:0 1px 2px #0001;"
    "overflow-wrap:anywhere}.bubble.me{background:#dcf3d0;margin-left:15%}.said{white-space:pre-wrap}"
    ".bubble img{max-width:100%}.keys{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}.keys form{flex:1 1 40%}"
    ".keys button,.keys .btn{width:100%;margin:0;padding:9px 8px;background:#e8f1fd;color:#1f4e8c}"
    ".composer textarea{margin-bottom:6px}form.inline{margin:0}"
)


async def _page(request: web.Request, pieces: list[Shown], *, notice: str = "", status: int = 200) -> web.Response:
    v, d = visitor(request), core(request)
    chats = request.app[CHATS]
    later = chats.later.pop(v.who.user_id, [])
    everything = [*later, *pieces]
    tokens = await forms.issue(d, v.who.user_id, Page.forms_needed(everything))
    page = Page(v.csrf, tokens, d.settings.max_upload_mb)
    body = t(
        '<style nonce="{nonce}">{style}</style><div class="card"><h1>{title}</h1><p class="muted small">{intro}'
        "</p></div>{notice}{later}{pieces}{composer}",
        nonce=request[NONCE],
        style=CHAT_STYLE,
        title=text.TITLE,
        intro=text.INTRO,
        notice=t('<p class="info notice">{n}</p>', n=notice) if notice else EMPTY,
        later=t('<p class="muted small">{l}</p>{p}', l=text.LATER, p=join(page.piece(p) for p in later))
        if later
        else EMPTY,
        pieces=join(page.piece(p) for p in pieces),
        composer=page.composer(),
    )
    return html_response(request, text.TITLE, body, status=status)


# --- requests -> events ----------------------------------------------------------------------------------
def _sender(request: web.Request, update_id: int) -> ev.Sender:
    who = visitor(request).who
    return ev.Sender(who.user_id, who.user_id, update_id, who.name)


def _held_path(d: Deps, user_id: int, file_id: str) -> Path:
    return d.settings.evidence_dir / "tmp" / f"webchat-u{user_id}-{file_id}.part"


def _fetch_held(d: Deps, user_id: int) -> Any:
    """Press.fetch_file on this channel: a file this person uploaded earlier (held until they upload another)."""

    async def fetch_file(file_id: str, dest: Path) -> None:
        held = _held_path(d, user_id, file_id)
        if not _HELD.fullmatch(file_id) or not held.exists():  # replaced by a later upload: send it again
            raise EvidenceRefused("download_failed")
        await asyncio.to_thread(shutil.copyfile, held, dest)

    return fetch_file


async def _run(out: WebOut, flow: Any, event: ev.Event) -> None:
    """One event through the core; a failure means for the person what it means in Telegram."""
    try:
        await flow(out.d, event, out)
    except Exception as err:
        if failure.busy(err):
            await out.refuse(perf.BUSY)
        elif failure.closed(err):
            await out.refuse(first.CLOSED_READ_ONLY)
        elif failure.replayed(err):
            await out.refuse(text.ALREADY_DONE)
        else:
            log.error("the conversation page failed on update %s", event.sender.update_id, exc_info=err)
            await out.refuse(zh.INTERNAL_ERROR)


def _command(sender: ev.Sender, typed: str) -> ev.Command:
    words = typed.split()
    name = words[0].lstrip("/").split("@", 1)[0]
    return ev.Command(sender, name, tuple(words[1:]))


async def open_page(request: web.Request) -> web.StreamResponse:
    """The conversation as it stands: what arrived since the last page, and a way to go on."""
    return await _page(request, [])


async def _accepted(request: web.Request, token: str) -> tuple[WebOut, int] | web.Response:
    """The request's update id from its form's token, or the page saying why nothing was done."""
    w, v, d = deps(request), visitor(request), core(request)
    update_id = await forms.update_id(d, v.who.user_id, token)
    if update_id is None:
        return await _page(request, [], notice=text.FORM_EXPIRED, status=409)
    if await forms.applied(d, update_id):
        return await _page(request, [], notice=text.ALREADY_DONE, status=409)
    return WebOut(w, d, request.app[CHATS], v.who.user_id), update_id


async def post(request: web.Request) -> web.StreamResponse:
    """A typed text, a command or a pressed button (the middleware checked the form's CSRF token)."""
    form = await request.post()
    got = await _accepted(request, str(form.get("token", "")))
    if isinstance(got, web.Response):
        return got
    out, update_id = got
    sender = _sender(request, update_id)
    data = form.get("data")
    flow: Any
    event: ev.Event
    if isinstance(data, str):
        you = text.YOU_PRESSED.format(label=str(form.get("label", ""))[:100])
        flow, event = dispatch.press, ev.Press(sender, data, bt.parse(data), _fetch_held(out.d, sender.user_id))
    else:
        typed = str(form.get("text", ""))
        you = typed
        if typed.strip().startswith("/"):
            flow, event = dispatch.command, _command(sender, typed.strip())
        else:
            flow, event = dispatch.TYPED, ev.Text(sender, typed)
    pieces = [Shown("you", you)]
    await _run(out, flow, event)
    out.answered = True
    return await _page(request, [*pieces, *out.shown] if out.shown else [*pieces, Shown("notice", esc(text.NOTHING))])


async def upload(request: web.Request) -> web.StreamResponse:
    """A file, streamed with the web's upload limits, then handed to the core as Telegram hands it a document."""
    v, d = visitor(request), core(request)
    folder = d.settings.evidence_dir / "tmp"
    got = await uploads.receive(
        request, csrf=v.csrf, limit_mb=d.settings.max_upload_mb, folder=folder, before=("token",), prefix="webchat"
    )
    if isinstance(got, web.Response):
        return got
    accepted = await _accepted(request, got.fields["token"])
    if isinstance(accepted, web.Response):
        got.path.unlink(missing_ok=True)
        return accepted
    out, update_id = accepted
    # Held under an id of its own until this person uploads another: a file sent from the menu is placed
    # on a point by a later press (Press.fetch_file), as Telegram fetches it again by its file id.
    for old in folder.glob(f"webchat-u{v.who.user_id}-*.part"):
        old.unlink(missing_ok=True)
    file_id = secrets.token_hex(8)
    held = _held_path(d, v.who.user_id, file_id)
    got.path.rename(held)

    async def fetch(dest: Path) -> None:
        await asyncio.to_thread(shutil.copyfile, held, dest)

    event = ev.Upload(_sender(request, update_id), got.name, got.size, None, False, fetch, None, file_id)
    pieces = [Shown("you", text.YOU_SENT_FILE.format(name=got.name))]
    await _run(out, dispatch.UPLOADED, event)
    out.answered = True
    return await _page(request, [*pieces, *out.shown])


async def download(request: web.Request) -> web.StreamResponse:
    """A file the core sent to this person; nobody else's link works."""
    v = visitor(request)
    held = request.app[CHATS].files.get(request.match_info["key"])
    if held is None or held.user_id != v.who.user_id:
        raise web.HTTPForbidden()
    if not held.path.exists():
        raise web.HTTPNotFound(text=text.FILE_GONE)
    return web.FileResponse(
        held.path,
        headers={
            "Content-Type": "application/octet-stream",
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(held.filename)}",
        },
    )


def routes(app: web.Application) -> None:
    app[CHATS] = Chats()
    app.router.add_get(PATH, open_page)
    app.router.add_post(PATH, post)
    app.router.add_post(f"{PATH}/upload", upload, name=CHAT_UPLOAD_ROUTE)
    app.router.add_get(PATH + r"/file/{key:[A-Za-z0-9_-]{16,40}}", download)
