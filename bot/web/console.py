"""The office console (PC size): progress by kind and city, who is late, report cards, return/accept,
version comparison, the spot-check sample, grades, and the export as a download."""

from __future__ import annotations

import hashlib
import secrets
from collections import Counter
from datetime import timedelta

import aiosqlite
from aiohttp import web

from bot.domain.campaign.progress import STATUSES, Unit, tally, units
from bot.domain.oversight.oversight import draw_sample
from bot.domain.people import access
from bot.domain.reports.lifecycle import accept, diff, return_for_revision, review
from bot.domain.walk.reporting import Ctx, Refused, load_ctx
from bot.web.app import Visitor, deps, html_response, message_page, visitor
from bot.web.html import EMPTY, Safe, hidden_csrf, join, t
from bot.web.walk import XLSX, answer_text, export_for, item_title, readable, temporary_attachment, unit_heading
from messages import web as text
from messages import web_roles as roles_text
from messages import zh
from messages.when import local_time
from storage import evidence as evidence_store
from storage import oversight as oversight_store
from storage import roster, versions
from storage import web as web_store

COMMENT_LIMIT = 500
COLOURS = {
    "not_started": "#c9ced8",
    "in_progress": "#f0b429",
    "submitted": "#3a7bd5",
    "returned": "#d64545",
    "accepted": "#2f9e57",
}


def office(request: web.Request) -> Visitor:
    v = visitor(request)
    if not access.is_office(v.who):
        raise web.HTTPForbidden()
    return v


def bar(counts: Counter[str], width: int = 320) -> Safe:
    """A stacked bar as SVG (no inline styles, so the page's CSP holds)."""
    total = sum(counts.values()) or 1
    x = 0.0
    rects = []
    for status in STATUSES:
        n = counts.get(status, 0)
        if not n:
            continue
        w = width * n / total
        rects.append(
            t(
                '<rect x="{x}" y="0" width="{w}" height="18" fill="{c}"><title>{label} {n}</title></rect>',
                x=f"{x:.1f}",
                w=f"{w:.1f}",
                c=COLOURS[status],
                label=zh.PROGRESS_STATUS[status],
                n=n,
            )
        )
        x += w
    return t(
        '<svg width="{w}" height="18" viewBox="0 0 {w} 18" role="img">{r}</svg>',
        w=width,
        r=join(rects),
    )


def legend() -> Safe:
    return join(
        t(
            '<svg width="10" height="10"><rect width="10" height="10" fill="{c}"/></svg> {l} ',
            c=COLOURS[s],
            l=zh.PROGRESS_STATUS[s],
        )
        for s in STATUSES
    )


def progress_table(title: str, groups: dict[str, Counter[str]]) -> Safe:
    rows = []
    for name, counts in groups.items():
        n = sum(counts.values())
        done = counts.get("submitted", 0) + counts.get("accepted", 0)
        rows.append(
            t(
                '<tr><td>{name}</td><td>{bar}</td><td class="num">{done}/{n}</td></tr>',
                name=name,
                bar=bar(counts),
                done=done,
                n=n,
            )
        )
    return t(
        '<div class="card"><h2>{title}</h2><p class="small muted">{legend}</p><div class="scroll"><table>{rows}'
        "</table></div></div>",
        title=title,
        legend=legend(),
        rows=join(rows),
    )


def unit_name(u: Unit) -> str:
    return u.institution.name + (f" · {u.certificate}" if u.certificate else "")


def unit_list(title: str, rows: list[Unit], empty: str) -> Safe:
    lines = []
    for u in rows:
        name = (
            t('<a href="/office/r/{rid}">{n}</a>', rid=u.report.id, n=unit_name(u))
            if u.report
            else t("{n}", n=unit_name(u))
        )
        lines.append(
            t(
                "<tr><td>{name}</td><td>{kind}</td><td>{city}</td><td>{status}</td></tr>",
                name=name,
                kind=u.institution.kind,
                city=u.institution.city or "",
                status=zh.PROGRESS_STATUS[u.status],
            )
        )
    body = (
        t(
            "<table><tr><th>{u}</th><th>{k}</th><th>{c}</th><th>{s}</th></tr>{l}</table>",
            u=text.UNIT,
            k=text.KIND,
            c=text.CITY,
            s=text.STATUS,
            l=join(lines),
        )
        if lines
        else t('<p class="muted">{e}</p>', e=empty)
    )
    return t(
        '<div class="card"><h2>{title}（{n}）</h2><div class="scroll">{body}</div></div>',
        title=title,
        n=len(rows),
        body=body,
    )


async def console_page(request: web.Request) -> web.StreamResponse:
    w, v = deps(request), office(request)
    everyone = await units(w.db)
    by_kind = tally(everyone, "kind")
    by_city = tally([u for u in everyone if u.institution.kind == "中职"], "city")
    waiting = [u for u in everyone if u.status == "submitted"]
    late = [u for u in everyone if u.status in ("not_started", "in_progress", "returned")]
    sample = await _sample_block(request, v, once=await _new_form_token(request, v))
    grades = await _grades_block(request)
    body = t(
        '<div class="card"><h1>{title}</h1><a class="btn" href="/office/export">{export}</a> '
        '<a class="btn light" href="/office/invite">{invite}</a></div>'
        '<div class="grid">{kind}{city}</div>{waiting}{late}<div class="grid">{sample}{grades}</div>',
        title=text.CONSOLE,
        export=text.EXPORT,
        invite=roles_text.INVITE_TITLE,
        kind=progress_table(text.BY_KIND, by_kind),
        city=progress_table(text.BY_CITY, dict(sorted(by_city.items()))),
        waiting=unit_list(text.SUBMITTED_LIST, waiting, zh.REVIEW_NOTHING),
        late=unit_list(text.LATE, late, text.LATE_NONE),
        sample=sample,
        grades=grades,
    )
    return html_response(request, text.CONSOLE, body)


FORM_HOURS = 12  # a console page's draw form stays good this long (a session's length)


class _FormUsed(Exception):
    """The one-time form token was not consumable in the draw's transaction: the draw is rolled back."""


def _form_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


async def _new_form_token(request: web.Request, v: Visitor) -> str:
    w = deps(request)
    token, now = secrets.token_urlsafe(24), w.clock.now()
    async with w.db.transaction() as conn:
        await web_store.create_form_token(
            conn,
            token_hash=_form_hash(token),
            user_id=v.who.user_id,
            purpose="sample",
            at=now.isoformat(),
            expires_at=(now + timedelta(hours=FORM_HOURS)).isoformat(),
        )
    return token


async def _sample_block(request: web.Request, v: Visitor, *, once: str | None, notice: Safe = EMPTY) -> Safe:
    """The current draw, and (with a one-time token) the form that draws; once a draw exists the form asks to
    confirm replacing exactly that draw."""
    w = deps(request)
    conn = w.db.read
    latest = await oversight_store.latest_sample(conn)
    names = {i.id: i.name for i in await roster.institutions(conn)}
    lines: list[Safe] = []
    if latest is not None:
        for inst_id, stratum in await oversight_store.sample_members(conn, latest[0]):
            lines.append(t("<tr><td>{s}</td><td>{n}</td></tr>", s=stratum, n=names.get(inst_id, str(inst_id))))
    state = (
        text.SAMPLE_CURRENT.format(at=local_time(latest[3], w.settings.tz), n=len(lines))
        if latest is not None
        else text.SAMPLE_NONE
    )
    table = t("<table>{l}</table>", l=join(lines)) if lines else EMPTY
    if once is None:
        form = t('<p><a href="/office">{back}</a></p>', back=text.BACK_CONSOLE)
    else:
        confirm = (
            t(
                '<label class="opt"><input type="checkbox" name="replaces" value="{id}" required> {l}</label>',
                id=latest[0],
                l=text.SAMPLE_REPLACE,
            )
            if latest is not None
            else EMPTY
        )
        form = t(
            '<form method="post" action="/office/sample">{csrf}<input type="hidden" name="once" value="{once}">'
            "{confirm}<button>{draw}</button></form>",
            csrf=hidden_csrf(v.csrf),
            once=once,
            confirm=confirm,
            draw=zh.BTN_OFFICE["sample"],
        )
    return t(
        '<div class="card" id="sample"><h2>{title}</h2>{notice}<p class="small muted">{state}</p>{table}{form}</div>',
        title=text.SAMPLE,
        notice=notice,
        state=state,
        table=table,
        form=form,
    )


async def _grades_block(request: web.Request) -> Safe:
    conn = deps(request).db.read
    names = {i.id: i.name for i in await roster.institutions(conn)}
    rows = [
        t("<tr><td>{n}</td><td>{g}</td><td>{c}</td></tr>", n=names.get(inst, str(inst)), g=grade, c=comment)
        for _, inst, grade, comment, _ in await oversight_store.grades(conn)
    ]
    return t('<div class="card"><h2>{title}</h2><table>{rows}</table></div>', title=text.GRADES, rows=join(rows))


async def sample_post(request: web.Request) -> web.StreamResponse:
    """Draws exactly once per form: the form's one-time token is consumed in the draw's own transaction, so a
    repeated POST of it (double click, re-POST, two at once) draws nothing and shows the existing draw."""
    w, v = deps(request), office(request)
    form = await request.post()
    once, replaces = str(form.get("once", "")), str(form.get("replaces", ""))
    key = _form_hash(once)
    found = await web_store.form_token(w.db.read, key) if 0 < len(once) <= 128 else None
    now = w.now_iso()
    if found is None or found.user_id != v.who.user_id or found.purpose != "sample":
        return _old_form(request)
    if found.used_at is not None:
        return await _already_drawn(request, v)
    if found.expires_at <= now:
        return _old_form(request)
    latest = await oversight_store.latest_sample(w.db.read)
    if latest is not None and replaces != str(latest[0]):
        ask = t('<p class="warn">{m}</p>', m=text.SAMPLE_ASK)
        return html_response(request, text.SAMPLE, await _sample_block(request, v, once=once, notice=ask))

    async def consume(conn: aiosqlite.Connection, sample_id: int) -> None:
        if not await web_store.use_form_token(
            conn, key, user_id=v.who.user_id, purpose="sample", at=now, result=sample_id
        ):
            raise _FormUsed

    try:
        await draw_sample(w.db, seed=None, actor=f"tg:{v.who.user_id}", at=now, within=consume)
    except _FormUsed:
        again = await web_store.form_token(w.db.read, key)
        if again is not None and again.used_at is not None:
            return await _already_drawn(request, v)
        return _old_form(request)
    raise web.HTTPSeeOther("/office#sample")


def _old_form(request: web.Request) -> web.Response:
    return message_page(request, text.SAMPLE_FORM_OLD, status=400)


async def _already_drawn(request: web.Request, v: Visitor) -> web.Response:
    notice = t('<p class="info">{m}</p>', m=text.SAMPLE_ALREADY)
    return html_response(request, text.SAMPLE, await _sample_block(request, v, once=None, notice=notice))


# --- one report ------------------------------------------------------------------------------------------
async def _card(request: web.Request, ctx: Ctx, v: Visitor, notice: Safe = EMPTY, status: int = 200) -> web.Response:
    w = deps(request)
    found = review(ctx, ctx.evidence)
    history = await versions.versions(w.db.read, ctx.report.id)
    files = await evidence_store.of_report(w.db.read, ctx.report.id)
    can_return = ctx.report.status == "submitted"
    rows = []
    for item in ctx.laid.items:
        links = join(
            t('<a href="/r/{rid}/f/{id}">{n}</a> ', rid=ctx.report.id, id=e.id, n=e.name)
            for e in files
            if e.item == item.key
        )
        box = (
            t(
                '<textarea form="ret" name="comment.{key}" aria-label="{label}"></textarea>',
                key=item.key,
                label=f"{item_title(item)} {text.RETURN_COMMENT}",
            )
            if can_return
            else EMPTY
        )
        rows.append(
            t(
                '<tr id="{key}"><td>{name}{star}</td><td>{answer}<div class="small">{links}</div></td>'
                "<td>{box}</td></tr>",
                key=item.key,
                name=item_title(item),
                star=" ★" if item.core else "",
                answer=answer_text(ctx, item, ctx.value(item)),
                links=links,
                box=box,
            )
        )
    actions = EMPTY
    if can_return:
        actions = t(
            '<form id="ret" method="post" action="/office/r/{rid}/return">{csrf}<p class="muted">{hint}</p>'
            '<label>{whole}<textarea name="comment.*"></textarea></label><button>{ret}</button></form>'
            '<form method="post" action="/office/r/{rid}/accept">{csrf}<button class="light">{acc}</button></form>',
            rid=ctx.report.id,
            csrf=hidden_csrf(v.csrf),
            hint=text.RETURN_HINT,
            whole=text.RETURN_WHOLE,
            ret=text.RETURN_POINTS,
            acc=text.ACCEPT,
        )
    compare = EMPTY
    if len(history) >= 2:
        compare = t(
            '<p><a href="/office/r/{rid}/diff?a={a}&amp;b={b}">{label}</a></p>',
            rid=ctx.report.id,
            a=history[-2].version,
            b=history[-1].version,
            label=text.VERSIONS,
        )
    summary = text.card_lines(
        ctx.report.status,
        ctx.report.version,
        len(history),
        local_time(ctx.report.submitted_at, w.settings.tz) if ctx.report.submitted_at else None,
        len(found.missing),
        len(files),
    )
    body = t(
        '<div class="card">{head}<ul class="summary small">{summary}</ul>{notice}{compare}{actions}</div>'
        '<div class="card scroll"><table>{rows}</table></div>',
        head=t("<h1>{u}</h1><p>{c}</p>", u=ctx.unit, c=ctx.certificate or ""),
        summary=join(t("<li>{line}</li>", line=line) for line in summary),
        notice=notice,
        compare=compare,
        actions=actions,
        rows=join(rows),
    )
    return html_response(request, text.CARD, body, status=status)


async def card_page(request: web.Request) -> web.StreamResponse:
    v = office(request)
    _, ctx = await readable(request)
    return await _card(request, ctx, v)


async def return_post(request: web.Request) -> web.StreamResponse:
    w, v = deps(request), office(request)
    _, ctx = await readable(request)
    form = await request.post()
    comments: dict[str, str] = {}
    for name, value in form.items():
        key = name.removeprefix("comment.")
        if name.startswith("comment.") and isinstance(value, str) and value.strip():
            if key != "*" and key not in ctx.laid.by_key:
                raise web.HTTPBadRequest()
            if len(value.strip()) > COMMENT_LIMIT:
                return await _card(request, ctx, v, t('<p class="err">{m}</p>', m=text.RETURN_TOO_LONG), 400)
            comments[key] = value.strip()
    if not comments:
        return await _card(request, ctx, v, t('<p class="err">{m}</p>', m=text.RETURN_NONE), 400)
    try:
        updated = await return_for_revision(w.db, v.who, ctx.report.id, comments, at=w.now_iso(), update_id=None)
    except Refused as refused:
        return await _card(request, ctx, v, t('<p class="err">{m}</p>', m=zh.REFUSALS[refused.code]), 409)
    fresh = await load_ctx(w.db.read, updated, w.outlines)
    lines = [(zh.WHOLE_REPORT if k == "*" else item_title(ctx.laid.by_key[k]), c) for k, c in comments.items()]
    w.tell(
        await w.coordinator_ids(updated.institution_id), zh.returned_to_coordinator(ctx.unit, ctx.certificate, lines)
    )
    return await _card(request, fresh, v, t('<p class="ok">{m}</p>', m=text.RETURNED.format(n=len(comments))))


async def accept_post(request: web.Request) -> web.StreamResponse:
    w, v = deps(request), office(request)
    _, ctx = await readable(request)
    try:
        updated = await accept(w.db, v.who, ctx.report.id, at=w.now_iso(), update_id=None)
    except Refused as refused:
        return await _card(request, ctx, v, t('<p class="err">{m}</p>', m=zh.REFUSALS[refused.code]), 409)
    fresh = await load_ctx(w.db.read, updated, w.outlines)
    w.tell(await w.coordinator_ids(updated.institution_id), zh.accepted_notice(ctx.unit, ctx.certificate))
    return await _card(request, fresh, v, t('<p class="ok">{m}</p>', m=text.ACCEPTED))


async def diff_page(request: web.Request) -> web.StreamResponse:
    w = deps(request)
    office(request)
    _, ctx = await readable(request)
    try:
        a, b = int(request.query.get("a", "")), int(request.query.get("b", ""))
        found = await diff(w.db.read, ctx.report.id, a, b)
    except (ValueError, Refused):
        raise web.HTTPNotFound() from None
    rows = []
    for key, before, after in found.changed:
        item = ctx.laid.by_key.get(key)
        if item is None:
            continue
        rows.append(
            t(
                "<tr><td>{n}</td><td>{b}</td><td>{a}</td></tr>",
                n=item_title(item),
                b=answer_text(ctx, item, before, found.before),
                a=answer_text(ctx, item, after, found.after),
            )
        )
    files = []
    if found.added_files:
        files.append(t("<p>{l}：{n}</p>", l=text.DIFF_ADDED, n="、".join(f["name"] for f in found.added_files)))
    if found.removed_files:
        files.append(t("<p>{l}：{n}</p>", l=text.DIFF_REMOVED, n="、".join(f["name"] for f in found.removed_files)))
    table = t("<table>{r}</table>", r=join(rows)) if rows else t("<p>{m}</p>", m=text.DIFF_SAME)
    body = t(
        '<div class="card">{head}<h2>{title} {a} → {b}</h2>{table}{files}'
        '<p><a href="/office/r/{rid}">{back}</a></p></div>',
        head=unit_heading(ctx),
        title=text.VERSIONS,
        a=a,
        b=b,
        table=table,
        files=join(files),
        rid=ctx.report.id,
        back=text.CARD,
    )
    return html_response(request, text.VERSIONS, body)


async def export_download(request: web.Request) -> web.StreamResponse:
    v = office(request)
    result, folder = await export_for(request, v, f"{zh.EXPORT_NAME_ALL}.xlsx")
    return await temporary_attachment(result.workbook, folder, XLSX)


def routes(app: web.Application) -> None:
    app.router.add_get("/office", console_page)
    app.router.add_post("/office/sample", sample_post)
    app.router.add_get("/office/export", export_download)
    app.router.add_get(r"/office/r/{rid:\d{1,9}}", card_page)
    app.router.add_post(r"/office/r/{rid:\d{1,9}}/return", return_post)
    app.router.add_post(r"/office/r/{rid:\d{1,9}}/accept", accept_post)
    app.router.add_get(r"/office/r/{rid:\d{1,9}}/diff", diff_page)
