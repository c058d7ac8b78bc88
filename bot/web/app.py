"""The web channel's aiohttp application: sessions, CSRF, security headers, sign-in, and the routes.

Every request runs with the audit channel set to 'web'. Nothing but the sign-in pages is reachable without
a session; every POST carries the session's CSRF token (the sign-in forms a double-submit cookie).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.clock import Clock
from bot.config import Settings
from bot.domain.outlines import Outlines
from bot.domain.people import access, signin
from bot.domain.people.invitations import InvitationRefused, deep_link
from bot.web.html import Safe, esc, hidden_csrf, page, t
from messages import web as text
from messages import zh
from storage import Database, audit, meta, people
from storage.models import Person

if TYPE_CHECKING:
    from bot.core.views import Keyboard
    from bot.deps import Deps

log = logging.getLogger("xcheck.web")

SESSION_COOKIE = "xc_session"
PRE_COOKIE = "xc_pre"
PUBLIC = ("/start/", "/w/")
UPLOAD_ROUTE = "evidence-upload"
CHAT_UPLOAD_ROUTE = "chat-upload"  # streamed too (bot/web/uploads.py): checked there, not here
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# Sends a Telegram notice (Telegram HTML, optionally with a core Keyboard) to the given user ids; set when a bot
# runs in the same process.
Notify = Callable[..., Coroutine[Any, Any, object]]


@dataclass
class Web:
    settings: Settings
    db: Database
    clock: Clock
    outlines: Outlines
    throttle: signin.Throttle = field(default_factory=signin.Throttle)
    notify: Notify | None = None
    tasks: set[asyncio.Task[object]] = field(default_factory=set)
    # The conversation page (bot/web/chat.py) runs the channel-neutral core with the app's Deps, and starts a
    # broadcast's sender when a bot runs here (bot/tg/app.py sets both).
    core: Deps | None = None
    send_broadcast: Callable[[int], object] | None = None

    @property
    def secure(self) -> bool:
        return self.settings.web_base.startswith("https://")

    def now_iso(self) -> str:
        return self.clock.now().isoformat()

    def tell(self, user_ids: list[int], message: str, keyboard: Keyboard | None = None) -> None:
        """Tells people in Telegram what the web did (when a bot runs here); never holds up the page.
        Web-only people (negative ids) have no chat to tell."""
        ids = sorted({i for i in user_ids if i > 0})
        if self.notify is None or not ids:
            return
        sent = self.notify(ids, message) if keyboard is None else self.notify(ids, message, keyboard)
        task: asyncio.Task[object] = asyncio.create_task(sent)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def office_ids(self) -> list[int]:
        return [*self.settings.admin_ids, *(p.user_id for p in await people.with_role(self.db.read, "office"))]

    async def coordinator_ids(self, institution_id: int) -> list[int]:
        return [
            p.user_id
            for p in await people.of_institution(self.db.read, institution_id)
            if p.role in ("coordinator", "org")
        ]


@dataclass(frozen=True)
class Visitor:
    who: Person
    csrf: str
    token: str


WEB = web.AppKey("xcheck.web", Web)
NONCE = web.RequestKey("xcheck.nonce", str)
VISITOR = web.RequestKey("xcheck.visitor", Visitor)


def deps(request: web.Request) -> Web:
    return request.app[WEB]


def core(request: web.Request) -> Deps:
    """The Deps the channel-neutral core runs with (the conversation page, one-time form tokens)."""
    found = deps(request).core
    if found is None:  # the app was built without the process around it (it always sets this)
        raise web.HTTPServiceUnavailable()
    return found


def visitor(request: web.Request) -> Visitor:
    found: Visitor | None = request.get(VISITOR)
    if found is None:
        raise web.HTTPUnauthorized()
    return found


def html_response(request: web.Request, title: str, body: Safe, *, status: int = 200) -> web.Response:
    v = request.get(VISITOR)
    csrf = v.csrf if v is not None else None
    return web.Response(
        text=page(title, body, nonce=request[NONCE], csrf=csrf), content_type="text/html", status=status
    )


def message_page(request: web.Request, message: str, *, status: int) -> web.Response:
    return html_response(request, text.TITLE, t('<div class="card"><p>{m}</p></div>', m=message), status=status)


def _csp(nonce: str) -> str:
    return (
        f"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    audit.CHANNEL.set("web")
    request[NONCE] = secrets.token_urlsafe(16)
    try:
        response = await _guarded(request, handler)
    except web.HTTPException as exc:
        if exc.status in (301, 302, 303, 307, 308):
            raise  # redirects pass through as they are
        messages = {
            401: text.NEED_SIGNIN,
            403: zh.NOT_ALLOWED,
            404: text.NOT_FOUND,
            409: exc.text or "",
            413: exc.text or "",
        }
        response = message_page(request, messages.get(exc.status, exc.reason), status=exc.status)
    response.headers["Content-Security-Policy"] = _csp(request[NONCE])
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"  # codes in our links must never leak to another site
    response.headers["X-Frame-Options"] = "DENY"
    response.headers.setdefault("Cache-Control", "no-store")
    return response


async def _guarded(request: web.Request, handler: Handler) -> web.StreamResponse:
    w = deps(request)
    if request.path.startswith(PUBLIC):
        return await handler(request)
    token = request.cookies.get(SESSION_COOKIE, "")
    found = await signin.session_of(w.db, token, now=w.clock.now())
    who = await access.person(w.db, found.user_id, admin_ids=w.settings.admin_ids) if found else None
    if found is None or who is None:
        raise web.HTTPUnauthorized()
    request[VISITOR] = Visitor(who, found.csrf, token)
    if request.method == "POST" and request.match_info.route.name not in (UPLOAD_ROUTE, CHAT_UPLOAD_ROUTE):
        # The upload route checks the token in its first part, before reading any file (see walk.upload);
        # every other POST, form-encoded or multipart, is checked here.
        form = await request.post()
        if not hmac.compare_digest(str(form.get("csrf", "")), found.csrf):
            return message_page(request, text.BAD_FORM, status=403)
    return await handler(request)


def set_session_cookie(w: Web, response: web.StreamResponse, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=w.settings.web_session_hours * 3600,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=w.secure,
    )


# --- sign-in ---------------------------------------------------------------------------------------------
def _signin_form(request: web.Request, intro: str, *, with_name: bool, error: str = "") -> web.Response:
    pre = request.cookies.get(PRE_COOKIE) or secrets.token_urlsafe(32)
    name = (
        t(
            '<p><label>{label}<br><input type="text" name="name" maxlength="40" required placeholder="{hint}">'
            "</label></p>",
            label=text.SIGNIN_NAME,
            hint=text.SIGNIN_NAME_HINT,
        )
        if with_name
        else Safe("")
    )
    body = t(
        '<div class="card"><h1>{title}</h1><p class="muted">{intro}</p>{error}'
        '<form method="post">{csrf}{name}<button>{button}</button></form></div>',
        title=text.SIGNIN_TITLE,
        intro=intro,
        error=t('<p class="err">{e}</p>', e=error) if error else Safe(""),
        csrf=hidden_csrf(pre),
        name=name,
        button=text.SIGNIN_BUTTON,
    )
    response = html_response(request, text.SIGNIN_TITLE, body, status=400 if error else 200)
    response.set_cookie(PRE_COOKIE, pre, path="/", httponly=True, samesite="Strict", secure=deps(request).secure)
    return response


_REFUSED = {"unknown": zh.INVITE_UNKNOWN, "used": zh.INVITE_USED, "expired": zh.INVITE_EXPIRED}


LOOPBACK = ("127.0.0.1", "::1")


def client_address(request: web.Request) -> str:
    """The browser's address. Behind a reverse proxy on this machine (the only thing that can reach the
    default 127.0.0.1 listener), the last X-Forwarded-For hop, which the proxy itself appended."""
    remote = request.remote or ""
    forwarded = request.headers.get("X-Forwarded-For", "")
    if remote in LOOPBACK and forwarded:
        return forwarded.rsplit(",", 1)[-1].strip()
    return remote


def _refused(request: web.Request, response: web.Response) -> web.Response:
    w = deps(request)
    w.throttle.failed(client_address(request), w.clock.monotonic())
    return response


async def _signin_post(request: web.Request, intro: str, *, with_name: bool) -> tuple[web.Response | None, str]:
    """Common checks of a sign-in POST: throttle, double-submit CSRF, the name. Returns (refusal, name)."""
    w = deps(request)
    if w.throttle.blocked(client_address(request), w.clock.monotonic()):
        return message_page(request, text.SIGNIN_THROTTLED, status=429), ""
    form = await request.post()
    pre = request.cookies.get(PRE_COOKIE, "")
    if not pre or not hmac.compare_digest(str(form.get("csrf", "")), pre):
        return _refused(request, message_page(request, text.BAD_FORM, status=403)), ""
    name = str(form.get("name", "")).strip()
    if with_name and not 1 <= len(name) <= 40:
        return _signin_form(request, intro, with_name=True, error=text.SIGNIN_NAME_BAD), ""
    return None, name


def _signed_in(request: web.Request, session: signin.NewSession) -> web.StreamResponse:
    response = web.Response(status=303, headers={"Location": "/"})
    set_session_cookie(deps(request), response, session.token)
    response.del_cookie(PRE_COOKIE, path="/")
    return response


async def start_page(request: web.Request) -> web.StreamResponse:
    return _signin_form(request, text.SIGNIN_INTRO, with_name=True)


async def _sign_in_with(
    request: web.Request,
    intro: str,
    *,
    with_name: bool,
    redeem: Callable[[str, str, str | None], Awaitable[signin.NewSession]],
) -> web.StreamResponse:
    """A sign-in POST: the common checks, then `redeem(code, name, replaces)`; a refused code gets its page."""
    refusal, name = await _signin_post(request, intro, with_name=with_name)
    if refusal is not None:
        return refusal
    try:
        session = await redeem(request.match_info["code"][:64], name, request.cookies.get(SESSION_COOKIE))
    except InvitationRefused as refused:
        return _refused(request, message_page(request, _REFUSED[refused.reason], status=400))
    return _signed_in(request, session)


async def start_post(request: web.Request) -> web.StreamResponse:
    w = deps(request)

    async def redeem(code: str, name: str, replaces: str | None) -> signin.NewSession:
        return await signin.redeem_invitation(
            w.db, code=code, name=name, now=w.clock.now(), replaces=replaces, hours=w.settings.web_session_hours
        )

    return await _sign_in_with(request, text.SIGNIN_INTRO, with_name=True, redeem=redeem)


async def link_page(request: web.Request) -> web.StreamResponse:
    return _signin_form(request, text.LINK_INTRO, with_name=False)


async def link_post(request: web.Request) -> web.StreamResponse:
    w = deps(request)

    async def redeem(code: str, _name: str, replaces: str | None) -> signin.NewSession:
        return await signin.redeem_web_link(
            w.db, code=code, now=w.clock.now(), replaces=replaces, hours=w.settings.web_session_hours
        )

    return await _sign_in_with(request, text.LINK_INTRO, with_name=False, redeem=redeem)


async def logout(request: web.Request) -> web.StreamResponse:
    await signin.sign_out(deps(request).db, visitor(request).token)
    response = message_page(request, text.SIGNED_OUT, status=200)
    response.del_cookie(SESSION_COOKIE, path="/")
    return response


async def telegram_page(request: web.Request) -> web.StreamResponse:
    """A web-only person gets a one-time deep link that binds their Telegram account to the same person."""
    w, v = deps(request), visitor(request)
    if v.who.user_id > 0:
        return message_page(request, text.TELEGRAM_BOUND, status=200)
    if not w.settings.bot_token.get_secret_value():  # web-only: no bot would ever read the link
        return message_page(request, text.TELEGRAM_NO_BOT, status=200)
    link = ""
    if request.method == "POST":
        code = await signin.issue_link(w.db, v.who, "telegram", now=w.clock.now())
        link = deep_link(await meta.get(w.db.read, "bot_username") or None, code)
    body = t(
        '<div class="card"><h1>{title}</h1><p>{intro}</p>{link}<form method="post">{csrf}<button>{make}</button>'
        "</form></div>",
        title=text.TELEGRAM_TITLE,
        intro=text.TELEGRAM_INTRO,
        link=t('<p class="info" id="tg-link">{l}</p>', l=link) if link else Safe(""),
        csrf=hidden_csrf(v.csrf),
        make=text.TELEGRAM_MAKE,
    )
    return html_response(request, text.TELEGRAM_TITLE, body)


def build_web_app(settings: Settings, db: Database, clock: Clock, outlines: Outlines) -> web.Application:
    from bot.web import chat, console, invite, roles, walk

    app = web.Application(middlewares=[guard], client_max_size=1024 * 1024)
    app[WEB] = Web(settings, db, clock, outlines)
    app.router.add_get("/start/{code}", start_page)
    app.router.add_post("/start/{code}", start_post)
    app.router.add_get("/w/{code}", link_page)
    app.router.add_post("/w/{code}", link_post)
    app.router.add_post("/logout", logout)
    app.router.add_get("/telegram", telegram_page)
    app.router.add_post("/telegram", telegram_page)
    walk.routes(app)
    console.routes(app)
    roles.routes(app)
    invite.routes(app)
    chat.routes(app)
    return app


class WebServer:
    """Runs the web app on XCHECK_WEB_LISTEN inside the bot's event loop."""

    def __init__(self, app: web.Application, host: str, port: int) -> None:
        self.runner = web.AppRunner(app, access_log=None)
        self.host, self.port = host, port

    async def start(self) -> None:
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.host, self.port)
        await site.start()
        if self.port == 0:  # an ephemeral port (tests): find out which one we got
            self.port = int(self.runner.addresses[0][1])
        log.info("web channel listening on %s:%s", self.host, self.port)

    async def stop(self) -> None:
        w = self.runner.app[WEB]
        for task in list(w.tasks):
            task.cancel()
        await asyncio.gather(*w.tasks, return_exceptions=True)
        await self.runner.cleanup()


__all__ = ["WEB", "Visitor", "Web", "WebServer", "build_web_app", "esc"]
