"""The office's invitations on the web: the same domain call as `/invite` and `xcheck invite`
(bot.domain.people.invitations.issue), for an institution, an organization, a city, an expert (with the
institutions they
will review) or the office; the page shows each invitation's Telegram link, web link and QR code."""

from __future__ import annotations

import base64

from aiohttp import web

from bot.core import forms
from bot.core.buttons import parse_id
from bot.domain.campaign.notices import plain
from bot.domain.people import matching
from bot.domain.people.bulk_invites import qr_png
from bot.domain.people.invitations import Issued, deep_link, issue, web_link
from bot.domain.people.roster import ANHUI_CITIES
from bot.web.app import Visitor, core, deps, html_response
from bot.web.console import office
from bot.web.html import EMPTY, Safe, hidden_csrf, join, t
from messages import firstday as msg
from messages import web_roles as say
from messages import zh
from messages.when import local_time
from storage import AlreadyApplied, meta, roster
from storage.models import ORG_KIND, SCHOOL_KINDS, Institution, Role

ROLES: tuple[Role, ...] = ("coordinator", "org", "city", "expert", "office")
MAX_COUNT = 20


class Refusal(Exception):
    """What the office must change in the form, said as Telegram's /invite says it."""


def _options(values: list[tuple[str, str]], chosen: str) -> Safe:
    return join(
        t('<option value="{v}"{s}>{label}</option>', v=v, s=Safe(" selected" if v == chosen else ""), label=label)
        for v, label in values
    )


def _form(v: Visitor, units: list[Institution], form: dict[str, str], once: str) -> Safe:
    schools = [(str(u.id), f"{u.seq or ''} {u.name}".strip()) for u in units if u.kind in SCHOOL_KINDS]
    orgs = [(str(u.id), u.name) for u in units if u.kind == ORG_KIND]
    unit = form.get("unit", "")
    return t(
        '<form method="post" action="/office/invite" id="invite">{csrf}<input type="hidden" name="once" value="{once}">'
        '<p><label>{rl}<br><select name="role">{roles}</select></label></p>'
        '<p><label>{ul}<br><select name="unit"><option value="">{pick}</option>'
        '<optgroup label="{sl}">{schools}</optgroup><optgroup label="{ol}">{orgs}</optgroup></select></label></p>'
        '<p><label>{cl}<br><select name="city"><option value="">{cpick}</option>{cities}</select></label></p>'
        '<p><label>{scl}<br><input type="text" name="scope" maxlength="400" value="{scope}"></label></p>'
        '<p><label>{nl}<br><input type="number" name="count" min="1" max="{max}" value="{count}"></label></p>'
        "<button>{make}</button></form>",
        csrf=hidden_csrf(v.csrf),
        once=once,
        rl=say.INVITE_ROLE,
        roles=_options([(r, zh.ROLE_NAMES[r]) for r in ROLES], form.get("role", "coordinator")),
        ul=say.INVITE_UNIT,
        pick=say.INVITE_UNIT_PICK,
        sl=say.SCHOOLS,
        schools=_options(schools, unit),
        ol=say.ORGS,
        orgs=_options(orgs, unit),
        cl=say.INVITE_CITY,
        cpick=say.INVITE_CITY_PICK,
        cities=_options([(c, c) for c in ANHUI_CITIES], form.get("city", "")),
        scl=say.INVITE_SCOPE,
        scope=form.get("scope", ""),
        nl=say.INVITE_COUNT,
        max=MAX_COUNT,
        count=form.get("count", "1"),
        make=say.INVITE_MAKE,
    )


def _page(v: Visitor, units: list[Institution], form: dict[str, str], once: str, notice: Safe = EMPTY) -> Safe:
    """The form, with a one-time token bound to an update id of its own (bot/core/forms.py): the same form
    posted twice issues its invitations once, as a Telegram /invite delivered twice does."""
    return t(
        '<div class="card"><h1>{title}</h1><p class="muted small">{intro}</p>{notice}{form}'
        '<p><a href="/office">{back}</a></p></div>',
        title=say.INVITE_TITLE,
        intro=say.INVITE_INTRO,
        notice=notice,
        form=_form(v, units, form, once),
        back=say.BACK,
    )


async def _once(request: web.Request, v: Visitor) -> str:
    (token,) = await forms.issue(core(request), v.who.user_id, 1)
    return token


async def _used(request: web.Request, v: Visitor, units: list[Institution], form: dict[str, str]) -> web.Response:
    """A form posted before (or too old): nothing issued again; the form again, with a fresh token."""
    notice = t('<p class="warn">{m}</p>', m=say.INVITE_FORM_USED)
    page = _page(v, units, form, await _once(request, v), notice)
    return html_response(request, say.INVITE_TITLE, page, status=409)


async def invite_page(request: web.Request) -> web.StreamResponse:
    v = office(request)
    units = await roster.institutions(deps(request).db.read)
    return html_response(request, say.INVITE_TITLE, _page(v, units, {}, await _once(request, v)))


def _unit(units: list[Institution], raw: str) -> Institution:
    wanted = parse_id(raw.strip())
    found = next((u for u in units if u.id == wanted), None) if wanted is not None else None
    if found is None:
        raise Refusal(say.INVITE_NEED_UNIT)
    return found


def _target(
    role: Role, form: dict[str, str], units: list[Institution]
) -> tuple[Institution | None, str | None, list[int]]:
    """(institution, city, expert's institutions) as /invite would read them; Refusal otherwise."""
    if role == "coordinator":
        inst = _unit(units, form.get("unit", ""))
        if inst.kind == ORG_KIND:
            raise Refusal(zh.INVITE_NOT_SCHOOL)
        return inst, None, []
    if role == "org":
        inst = _unit(units, form.get("unit", ""))
        if inst.kind != ORG_KIND:
            raise Refusal(zh.INVITE_NOT_ORG)
        return inst, None, []
    if role == "city":
        city = form.get("city", "").strip().removesuffix("市教育局").removesuffix("市")
        if city not in ANHUI_CITIES:
            raise Refusal(zh.INVITE_BAD_CITY)
        return None, city, []
    if role == "expert":
        refs = form.get("scope", "").split()
        if not refs:
            raise Refusal(say.INVITE_NEED_SCOPE)
        scope = []
        for ref in refs:
            found = matching.find(units, ref, SCHOOL_KINDS)
            if len(found) != 1:
                raise Refusal(plain(msg.candidates(ref, [u.name for u in found]) if found else msg.no_match(ref)))
            scope.append(found[0].id)
        return None, None, scope
    return None, None, []


def _count(role: Role, raw: str) -> int:
    if role == "expert":
        return 1  # an expert's invitation carries their institutions: one person
    count = parse_id(raw.strip() or "1")
    if count is None or not 1 <= count <= MAX_COUNT:
        raise Refusal(zh.INVITE_BAD_COUNT)
    return count


def _issued(
    request: web.Request, issued: list[Issued], role: Role, target: str, username: str | None, expires: str
) -> Safe:
    base = deps(request).settings.web_base
    rows = []
    for inv in issued:
        tg, site = deep_link(username, inv.code), web_link(base, inv.code)
        qr = tg if tg.startswith("https://") else site  # as the bulk invitations' QR codes
        png = base64.b64encode(qr_png(qr)).decode("ascii")
        rows.append(
            t(
                '<div class="card invitation"><p><b>{tl}</b><br><span class="hash tg">{tg}</span></p>'
                '<p><b>{wl}</b><br><a class="hash web" href="{site}">{site}</a></p>'
                '<p><img class="qr" alt="{ql}" src="data:image/png;base64,{png}"></p></div>',
                tl=say.INVITE_TELEGRAM,
                tg=tg,
                wl=say.INVITE_WEB,
                site=site,
                ql=say.INVITE_QR,
                png=png,
            )
        )
    return t(
        '<div class="card"><p class="ok" id="issued">{done}</p><p class="muted small">{qr}</p>'
        '<p><a class="btn light" href="/office/invite">{more}</a> <a class="btn light" href="/office">{back}</a></p>'
        "</div>{rows}",
        done=say.invite_done(target, role, len(issued), expires),
        qr=say.invite_qr_note(username is not None),
        more=say.INVITE_MORE,
        back=say.BACK,
        rows=join(rows),
    )


async def invite_post(request: web.Request) -> web.StreamResponse:
    w, v = deps(request), office(request)
    posted = await request.post()
    form = {k: str(val)[:400] for k, val in posted.items() if isinstance(val, str) and k != "csrf"}
    units = await roster.institutions(w.db.read)
    once = form.pop("once", "")
    update_id = await forms.update_id(core(request), v.who.user_id, once)
    if update_id is None or await forms.applied(core(request), update_id):
        return await _used(request, v, units, form)
    role = matching.role_of(form.get("role", ""))
    try:
        if role is None or role not in ROLES:
            raise Refusal(zh.INVITE_BAD_ROLE)
        institution, city, scope = _target(role, form, units)
        count = _count(role, form.get("count", ""))
    except Refusal as refused:
        notice = t('<p class="err">{m}</p>', m=str(refused))
        return html_response(request, say.INVITE_TITLE, _page(v, units, form, once, notice), status=400)
    try:
        issued = await issue(
            w.db,
            role=role,
            institution=institution,
            city=city,
            actor=f"tg:{v.who.user_id}",
            now=w.clock.now(),
            days=w.settings.invitation_days,
            count=count,
            scope=scope or None,
            update_id=update_id,
        )
    except AlreadyApplied:  # the same form posted twice at once: the other post issued them
        return await _used(request, v, units, form)
    names = {u.id: u.name for u in units}
    target = institution.name if institution else (city or "、".join(names[i] for i in scope) or zh.ROLE_NAMES[role])
    username = await meta.get(w.db.read, "bot_username") or None
    expires = local_time(issued[0].expires_at, w.settings.tz)
    return html_response(request, say.INVITE_TITLE, _issued(request, issued, role, target, username, expires))


def routes(app: web.Application) -> None:
    app.router.add_get("/office/invite", invite_page)
    app.router.add_post("/office/invite", invite_post)
