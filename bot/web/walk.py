"""The coordinator's pages: report, one page per section with all its items, uploads, review, submit, Word."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web

from bot.domain.answers.types.base import NumberBox, Options, TextBox, WebField
from bot.domain.campaign import notices
from bot.domain.outlines.loader import Item
from bot.domain.outlines.models import Numbers
from bot.domain.people import access
from bot.domain.reports import reading
from bot.domain.reports.evidence import EvidenceRefused, blob_path, store_upload
from bot.domain.reports.evidence import remove as remove_evidence
from bot.domain.reports.lifecycle import Incomplete, Receipt, review, submit
from bot.domain.walk.reporting import EDITABLE, Ctx, Refused, load_ctx, reports_for
from bot.domain.walk.rules import Row, field_value, rates
from bot.domain.walk.sectionform import ItemOutcome, SectionOutcome, apply_section
from bot.export.meta import for_campaign
from bot.export.run import Exported, export, stamp
from bot.web import uploads
from bot.web.app import NONCE, UPLOAD_ROUTE, Visitor, deps, html_response, message_page, visitor
from bot.web.html import EMPTY, Safe, hidden_csrf, join, t
from messages import integration as told
from messages import web as text
from messages import web_roles as roles_text
from messages import zh
from messages.when import local_date, local_time
from storage import closing, reports
from storage import evidence as evidence_store
from storage.models import Report

RATES_JS = (
    "(function(){function v(r){if(!r)return null;if(r[0]=='v')return +r.slice(2);"
    "var e=document.getElementsByName(r.slice(2))[0];if(!e||e.value.trim()==='')return null;"
    "var n=Number(e.value.trim());return isNaN(n)?null:n}"
    "function upd(){document.querySelectorAll('[data-pairs]').forEach(function(c){var ns=0,ds=0,any=false;"
    "c.getAttribute('data-pairs').split(';').forEach(function(p){var q=p.split('|'),n=v(q[0]),d=v(q[1]);"
    "if(n!==null&&d!==null){ns+=n;ds+=d;any=true}});c.textContent=(any&&ds)?(ns*100/ds).toFixed(2)+'%':'—'})}"
    "document.addEventListener('input',upd);upd()})();"
)


# --- access ----------------------------------------------------------------------------------------------
async def readable(request: web.Request) -> tuple[Visitor, Ctx]:
    w, v = deps(request), visitor(request)
    report = await reports.get(w.db.read, int(request.match_info["rid"]))
    if report is None or not await access.may_read(w.db, v.who, report):
        raise web.HTTPForbidden()
    return v, await load_ctx(w.db.read, report, w.outlines)


async def writable(request: web.Request) -> tuple[Visitor, Ctx]:
    v, ctx = await readable(request)
    if not access.may_write(v.who, ctx.report):
        raise web.HTTPForbidden()
    if request.method == "POST":  # once the campaign is closed reports are read-only (the database refuses too)
        close = await closing.closes_at(deps(request).db.read)
        if close is not None and close <= deps(request).now_iso():
            raise web.HTTPConflict(text=zh.REFUSALS["closed"])
    return v, ctx


# --- text of answers -------------------------------------------------------------------------------------
def item_title(item: Item) -> str:
    return text.item_name(
        item.point.no if item.point else None, item.section.no, item.narrative.label if item.narrative else ""
    )


def answer_text(ctx: Ctx, item: Item, value: Any, answers: dict[str, Any] | None = None) -> str:
    """The stored answer in plain words (the page escapes it). `answers`: the whole version `value` belongs
    to, when it is not the report as stored now."""
    if not isinstance(value, dict) or not value:
        return text.NOT_ANSWERED
    if value.get("skipped"):
        return zh.SKIPPED
    if item.narrative is not None or "text" in value:
        return str(value.get("text", ""))
    assert item.point is not None
    return item.point.answer.web_text(value, ctx.scope(item, answers)) or text.NOT_ANSWERED


def local_now(request: web.Request) -> str:
    w = deps(request)
    return text.local_time(w.clock.now().astimezone(w.settings.tz))


def unit_heading(ctx: Ctx) -> Safe:
    return t(
        '<h1>{unit}</h1><p class="muted">{cert}{status}</p>',
        unit=ctx.unit,
        cert=f"{ctx.certificate} · " if ctx.certificate else "",
        status=f"{text.STATUS}：{zh.STATUS_NAMES.get(ctx.report.status, ctx.report.status)}",
    )


# --- home and report -------------------------------------------------------------------------------------
async def _notices_block(request: web.Request, user_id: int, status: str) -> Safe:
    """What Telegram would have told this person: the report deadline (the status is in the heading); a reminder
    when the deadline is near and a report unsubmitted; the latest broadcasts addressed to them."""
    w = deps(request)
    n = await notices.for_person(w.db, w.settings, user_id, status, w.clock.now())
    due, left = local_date(n.due, w.settings.tz), told.days_left(n.days_left)
    parts = []
    if n.remind:
        parts.append(t('<p class="warn" id="reminder">{b}</p>', b=told.reminder_banner(due, left)))
    parts.append(t("<p>{line}</p>", line=told.deadline_line(due, left)))
    if n.broadcasts:
        items = [
            t(
                '<li><span class="muted small">{at}</span><br>{words}</li>',
                at=local_time(at, w.settings.tz),
                words=words,
            )
            for at, words in n.broadcasts
        ]
        parts.append(t('<h2>{title}</h2><ul id="notices">{items}</ul>', title=told.NOTICES_TITLE, items=join(items)))
    return t('<div class="card">{parts}</div>', parts=join(parts))


async def home(request: web.Request) -> web.StreamResponse:
    w, v = deps(request), visitor(request)
    if access.is_office(v.who):
        raise web.HTTPSeeOther("/office")
    if v.who.role in ("city", "expert"):
        raise web.HTTPSeeOther(f"/{v.who.role}")  # readers' pages: bot/web/roles.py
    mine = await reports_for(w.db, v.who, w.outlines, at=w.now_iso())
    # A lead institution also reads its certificates' organization reports (/lead), as in Telegram.
    leads = v.who.role == "coordinator" and await reading.leads_any(w.db.read, v.who.institution_id or 0)
    if not mine and not leads:
        return message_page(
            request, zh.REFUSALS["no_certificates"] if v.who.role == "org" else zh.NOT_A_COORDINATOR_MENU, status=200
        )
    if len(mine) == 1:  # its report's page links /lead too
        raise web.HTTPSeeOther(f"/r/{mine[0].id}")
    items = []
    for report in mine:
        ctx = await load_ctx(w.db.read, report, w.outlines)
        items.append(t('<li><a href="/r/{id}">{label}</a></li>', id=report.id, label=ctx.certificate or ctx.unit))
    # The banner while any of them is unsubmitted; each report's own status is on its page.
    pending = next((r.status for r in mine if r.status not in ("submitted", "accepted")), "submitted")
    if leads:
        items.append(t('<li><a href="/lead" id="lead">{label}</a></li>', label=roles_text.LEAD_LINK))
    body = t(
        '<div class="card"><h1>{title}</h1><p>{pick}</p><ul>{items}</ul></div>{notices}',
        title=text.REPORTS,
        pick=zh.PICK_CERTIFICATE if mine else "",
        items=join(items),
        notices=await _notices_block(request, v.who.user_id, pending),
    )
    return html_response(request, text.REPORTS, body)


async def report_page(request: web.Request) -> web.StreamResponse:
    v, ctx = await writable(request)
    rid = ctx.report.id
    rows = []
    for s in ctx.state.sections():
        mark = "✅" if s.done == s.total else ("🟡" if s.done else "⬜")
        rows.append(
            t(
                '<tr><td>{mark} <a href="/r/{rid}/s/{no}">{no}. {title}</a></td><td class="num">{progress}</td></tr>',
                mark=mark,
                rid=rid,
                no=s.no,
                title=s.title,
                progress=text.progress_line(s.done, s.total),
            )
        )
    comments = _comments_block(ctx)
    body = t(
        '<div class="card">{head}{comments}</div>{notices}<div class="card"><h2>{sections}</h2><table>{rows}</table>'
        '</div><div class="card"><a class="btn" href="/r/{rid}/review">{review}</a> '
        '<a class="btn light" href="/r/{rid}/word">{word}</a>{tg}{lead}</div>',
        head=unit_heading(ctx),
        comments=comments,
        notices=await _notices_block(request, v.who.user_id, ctx.report.status),
        sections=text.SECTIONS,
        rows=join(rows),
        rid=rid,
        review=text.REVIEW,
        word=text.WORD,
        # Binding Telegram only where a bot runs to read the link (not in web-only mode).
        tg=t(' <a class="btn light" href="/telegram">{l}</a>', l=text.TELEGRAM_TITLE)
        if deps(request).settings.bot_token.get_secret_value()
        else EMPTY,
        lead=t(' <a class="btn light" href="/lead" id="lead">{l}</a>', l=roles_text.LEAD_LINK)
        if v.who.role == "coordinator" and await reading.leads_any(deps(request).db.read, v.who.institution_id or 0)
        else EMPTY,
    )
    return html_response(request, text.REPORTS, body)


def _comments_block(ctx: Ctx) -> Safe:
    if ctx.report.status != "returned" or not ctx.comments:
        return Safe("")
    lines = []
    for key, comment in ctx.comments.items():
        item = ctx.laid.by_key.get(key)
        where = zh.WHOLE_REPORT if key == "*" else (item_title(item) if item else key)
        link = f"/r/{ctx.report.id}/s/{item.section.no}#{key}" if item else f"/r/{ctx.report.id}"
        lines.append(t('<li><a href="{link}">{where}</a>：{comment}</li>', link=link, where=where, comment=comment))
    return t('<div class="warn"><b>{title}</b><ul>{lines}</ul></div>', title=text.RETURN_COMMENT, lines=join(lines))


# --- one section -----------------------------------------------------------------------------------------
def _cell(value: Any) -> str:
    return "" if value is None else str(value)


class SectionPage:
    """Renders a section's items as one form; after a failed save, keeps what was typed."""

    def __init__(
        self,
        ctx: Ctx,
        no: int,
        csrf: str,
        form: dict[str, str] | None,
        outcome: SectionOutcome | None,
        files: dict[str, list[tuple[int, str, int]]],
        max_mb: int = 20,
    ) -> None:
        self.ctx, self.no, self.csrf, self.files = ctx, no, csrf, files
        self.max_mb = max_mb  # said beside each upload form
        self.form = form
        self.outcome = outcome
        self.items = ctx.laid.section_items(no)
        self.keys = {i.key for i in self.items}

    def typed(self, name: str, stored: Any) -> str:
        if self.form is not None and name in self.form:
            return self.form[name]
        return _cell(stored)

    def render(self, notice: Safe, nonce: str) -> Safe:
        ctx, no = self.ctx, self.no
        total = len(ctx.laid.sections)
        section = ctx.laid.sections[no - 1]
        editable = ctx.report.status in EDITABLE
        cards = [self.item_card(item, editable) for item in self.items]
        nav = []
        if no > 1:
            nav.append(t('<a class="btn light" href="/r/{rid}/s/{p}">◀ {p}</a>', rid=ctx.report.id, p=no - 1))
        nav.append(t('<a class="btn light" href="/r/{rid}">{menu}</a>', rid=ctx.report.id, menu=text.HOME))
        if no < total:
            nav.append(t('<a class="btn light" href="/r/{rid}/s/{n}">{n} ▶</a>', rid=ctx.report.id, n=no + 1))
        buttons = Safe("")
        if editable:
            buttons = t(
                '<div class="card"><button form="sec">{save}</button> '
                '<button form="sec" name="next" value="1">{next}</button></div>',
                save=text.SAVE,
                next=text.SAVE_NEXT if no < total else text.SAVE,
            )
        return t(
            '<div class="card"><p class="muted">{unit}</p><h1>{heading}</h1>{notice}</div>'
            '<form id="sec" method="post" action="/r/{rid}/s/{no}">{csrf}</form>{cards}{buttons}'
            '<div class="card">{nav}</div><script nonce="{nonce}">{js}</script>',
            unit=f"{ctx.unit}{' · ' + ctx.certificate if ctx.certificate else ''}",
            heading=text.section_heading(no, total, section.title),
            notice=notice,
            rid=ctx.report.id,
            no=no,
            csrf=hidden_csrf(self.csrf),
            cards=join(cards),
            buttons=buttons,
            nav=join(nav, " "),
            nonce=nonce,
            js=Safe(RATES_JS),
        )

    def item_card(self, item: Item, editable: bool) -> Safe:
        ctx = self.ctx
        can = editable and ctx.may_edit(item)
        out = self.outcome.items.get(item.key) if self.outcome else None
        head = item_title(item) + (" ★" if item.core else "")
        point = item.point
        comment = ctx.comments.get(item.key) or (ctx.comments.get("*") if ctx.report.status == "returned" else None)
        parts = [t("<h3>{h}</h3>", h=head)]
        if point is not None:
            parts.append(t("<p>{q}</p>", q=point.text))
            if point.hint:
                parts.append(t('<p class="muted small">{h}</p>', h=point.hint))
            if point.core:
                parts.append(t('<p class="core">{c}</p>', c=text.CORE_MARK))
        if comment and ctx.report.status == "returned":
            parts.append(t('<p class="warn">{label}：{c}</p>', label=text.RETURN_COMMENT, c=comment))
        parts.append(self.problems(item, out))
        parts.append(self.inputs(item, can))
        if not can and editable:
            parts.append(t('<p class="muted small">{l}</p>', l=text.LOCKED_ITEM))
        if can and item.skippable:
            checked = " checked" if self.typed(f"{item.key}.skip", "") == "1" else ""
            parts.append(
                t(
                    '<label class="opt small"><input type="checkbox" form="sec" name="{n}" value="1"{c}>{l}</label>',
                    n=f"{item.key}.skip",
                    c=Safe(checked),
                    l=text.SKIP,
                )
            )
        if point is not None:
            parts.append(self.evidence(item, can))
        return t('<div class="card" id="{key}">{parts}</div>', key=item.key, parts=join(parts))

    def problems(self, item: Item, out: ItemOutcome | None) -> Safe:
        if out is None:
            return Safe("")
        lines = []
        if out.error is not None:
            lines.append(t('<p class="err">{m}</p>', m=text.invalid(out.error.code, out.error.params)))
        if out.refusal is not None:
            lines.append(t('<p class="err">{m}</p>', m=zh.REFUSALS[out.refusal]))
        errors = [f.message for f in out.findings if f.severity == "error"]
        warns = [f.message for f in out.findings if f.severity == "warn"]
        if errors:
            lines.append(t('<p class="err">{m}</p>', m="；".join(errors) + " 数据未保存，请重新输入。"))
        if warns:
            box = t(
                '<label class="opt"><input type="checkbox" form="sec" name="{n}" value="1">{l}</label>',
                n=f"{item.key}.ok",
                l=text.CONFIRM_WARNINGS,
            )
            lines.append(t('<div class="warn">{m}<br>{box}</div>', m="；".join(warns), box=box))
        question = item.point.answer.note_question() if out.needs_note and item.point is not None else None
        if question is not None:
            lines.append(t('<p class="err">{m}</p>', m=question))
        return join(lines)

    def inputs(self, item: Item, can: bool) -> Safe:
        ctx = self.ctx
        value = ctx.value(item) or {}
        dis = Safe("" if can else " disabled")
        key = item.key
        if item.narrative is not None:
            return t(
                '<textarea form="sec" name="{n}" aria-label="{l}"{d}>{v}</textarea>',
                n=key,
                l=item.narrative.label,
                d=dis,
                v=self.typed(key, value.get("text")),
            )
        assert item.point is not None
        return join(self.field(item, f, dis, can) for f in item.point.answer.web_fields(key, value))

    def field(self, item: Item, field: WebField, dis: Safe, can: bool) -> Safe:
        """One input of a point, as its answer type describes it."""
        if isinstance(field, Options):
            current = self.typed(field.name, field.stored)
            radios = join(
                t(
                    '<label class="opt"><input type="radio" form="sec" name="{n}" value="{v}"{c}{d}>{l}</label>',
                    n=field.name,
                    v=code,
                    c=Safe(" checked" if current == code else ""),
                    d=dis,
                    l=label,
                )
                for code, label in field.options
            )
            return t("<div>{r}</div>", r=radios) if field.boxed else radios
        if isinstance(field, NumberBox):
            return t(
                '<label>{label}（{lo}–{hi}{unit}）<input type="text" inputmode="numeric" form="sec" name="{n}" '
                'value="{v}"{d}></label>',
                label=field.label,
                lo=field.lo,
                hi=field.hi,
                unit=f" {field.unit}" if field.unit else "",
                n=field.name,
                v=self.typed(field.name, field.stored),
                d=dis,
            )
        if isinstance(field, TextBox) and field.prompt:
            return t(
                '<label class="small muted">{p}<textarea form="sec" name="{n}"{d}>{v}</textarea></label>',
                p=field.prompt,
                n=field.name,
                d=dis,
                v=self.typed(field.name, field.stored),
            )
        if isinstance(field, TextBox):
            return t(
                '<textarea form="sec" name="{n}"{d}>{v}</textarea><p class="muted small">{limit}</p>',
                n=field.name,
                d=dis,
                v=self.typed(field.name, field.stored),
                limit=field.limit,
            )
        return self.table(item, field.answer, can)

    def ref(self, field: str, row: Row) -> str:
        """Where the live rate computation finds a number: an input on this page, or a known value."""
        if field == "scale":
            return "" if row.scale is None else f"v:{row.scale}"
        owner = self.ctx.laid.field_owner.get(field)
        if owner in self.keys:
            return f"i:{owner}.{row.key}.{field}"
        known = field_value(self.ctx.laid, self.ctx.state.answers, field, row)
        return "" if known is None else f"v:{known}"

    def table(self, item: Item, answer: Numbers, can: bool) -> Safe:
        ctx = self.ctx
        rows = ctx.rows(item)
        if not rows:
            return t('<p class="muted">{m}</p>', m=zh.NO_ROWS_HINT)
        filled = (ctx.value(item) or {}).get("rows", {})
        first = {"certificates": text.CERTIFICATE, "levels": text.LEVEL}.get(answer.rows, "")
        show_scale = answer.shows_scale
        head = [first] if first else []
        if show_scale:
            head.append(text.SCALE)
        head += [f.label for f in answer.fields] + [r.label for r in answer.rates]
        server = rates(ctx.laid, item, ctx.state.answers, rows)
        body = []
        dis = Safe("" if can else " disabled")
        for n, row in enumerate(rows):
            cells = [t("<td>{l}</td>", l=row.label)] if first else []
            if show_scale:
                cells.append(t('<td class="num">{s}</td>', s=_cell(row.scale)))
            for f in answer.fields:
                name = f"{item.key}.{row.key}.{f.id}"
                cells.append(
                    t(
                        '<td><input type="text" inputmode="numeric" form="sec" name="{n}" value="{v}" '
                        'aria-label="{a}"{d}></td>',
                        n=name,
                        v=self.typed(name, filled.get(row.key, {}).get(f.id)),
                        a=f"{row.label} {f.label}".strip(),
                        d=dis,
                    )
                )
            for r, line in zip(answer.rates, server, strict=True):
                pairs = f"{self.ref(r.numerator, row)}|{self.ref(r.denominator, row)}"
                cells.append(t('<td class="num" data-pairs="{p}">{v}</td>', p=pairs, v=zh.percent(line.per_row[n][1])))
            body.append(t("<tr>{c}</tr>", c=join(cells)))
        if answer.rates and len(rows) > 1:
            span = len(head) - len(answer.rates)
            cells = [t('<td colspan="{s}"><b>{l}</b></td>', s=span, l=text.TOTAL)]
            for r, line in zip(answer.rates, server, strict=True):
                pairs = ";".join(f"{self.ref(r.numerator, row)}|{self.ref(r.denominator, row)}" for row in rows)
                cells.append(t('<td class="num" data-pairs="{p}"><b>{v}</b></td>', p=pairs, v=zh.percent(line.total)))
            body.append(t("<tr>{c}</tr>", c=join(cells)))
        header = join(t("<th>{h}</th>", h=h) for h in head)
        return t('<div class="scroll"><table><tr>{h}</tr>{b}</table></div>', h=header, b=join(body))

    def evidence(self, item: Item, can: bool) -> Safe:
        ctx = self.ctx
        files = self.files.get(item.key, [])
        listing = join(
            t(
                '<li><a href="/r/{rid}/f/{id}">{name}</a> <span class="muted small">{size}</span>{rm}</li>',
                rid=ctx.report.id,
                id=e_id,
                name=name,
                size=zh.size_text(size),
                rm=t(
                    ' <a class="small" href="/r/{rid}/f/{id}/delete">{l}</a>', rid=ctx.report.id, id=e_id, l=text.DELETE
                )
                if can
                else EMPTY,
            )
            for e_id, name, size in files
        ) or t('<li class="muted">{n}</li>', n=text.NO_FILES)
        upload = Safe("")
        if can:
            upload = t(
                '<form method="post" enctype="multipart/form-data" action="/r/{rid}/e/{key}">{csrf}'
                '<input type="file" name="file" aria-label="{label}"> <button class="light">{up}</button>'
                '<br><span class="muted small">{hint}</span></form>',
                rid=ctx.report.id,
                key=item.key,
                csrf=hidden_csrf(self.csrf),
                label=f"{item_title(item)} {text.EVIDENCE}",
                up=text.UPLOAD,
                hint=text.UPLOAD_HINT.format(mb=self.max_mb),
            )
        star = " ★" if item.point is not None and item.point.core and item.point.evidence else ""
        return t(
            '<div class="small"><b>{title}{star}</b><ul>{listing}</ul>{upload}</div>',
            title=text.EVIDENCE,
            star=star,
            listing=listing,
            upload=upload,
        )


async def _section(
    request: web.Request,
    ctx: Ctx,
    v: Visitor,
    *,
    form: dict[str, str] | None = None,
    outcome: SectionOutcome | None = None,
    notice: Safe = EMPTY,
    status: int = 200,
) -> web.Response:
    no = int(request.match_info["no"])
    if not 1 <= no <= len(ctx.laid.sections):
        raise web.HTTPNotFound()
    rows = await evidence_store.of_report(deps(request).db.read, ctx.report.id)
    files: dict[str, list[tuple[int, str, int]]] = {}
    for e in rows:
        files.setdefault(e.item, []).append((e.id, e.name, e.size))
    page = SectionPage(ctx, no, v.csrf, form, outcome, files, deps(request).settings.max_upload_mb)
    return html_response(
        request,
        text.section_heading(no, len(ctx.laid.sections), ctx.laid.sections[no - 1].title),
        page.render(notice, request[NONCE]),
        status=status,
    )


async def section_page(request: web.Request) -> web.StreamResponse:
    v, ctx = await writable(request)
    notice = t('<p class="ok">{m}</p>', m=text.SAVED) if request.query.get("saved") == "1" else Safe("")
    return await _section(request, ctx, v, notice=notice)


async def section_post(request: web.Request) -> web.StreamResponse:
    w = deps(request)
    v, ctx = await writable(request)
    no = int(request.match_info["no"])
    posted = await request.post()
    form = {k: str(val) for k, val in posted.items() if isinstance(val, str)}
    try:
        outcome = await apply_section(
            w.db, w.outlines, v.who, ctx.report.id, no, form, at=w.now_iso(), long_limit=w.settings.max_text_length
        )
    except Refused as refused:
        return message_page(request, zh.REFUSALS[refused.code], status=403)
    if outcome.clean:
        if form.get("next") == "1" and no < len(ctx.laid.sections):
            raise web.HTTPSeeOther(f"/r/{ctx.report.id}/s/{no + 1}")
        raise web.HTTPSeeOther(f"/r/{ctx.report.id}/s/{no}?saved=1")
    notice = t('<p class="err">{m}</p>', m=text.SAVED_WITH_PROBLEMS)
    return await _section(request, outcome.ctx, v, form=form, outcome=outcome, notice=notice, status=400)


# --- evidence --------------------------------------------------------------------------------------------
async def upload(request: web.Request) -> web.StreamResponse:
    """Streams one file to a temp file, counting as it goes; refused before reading when too large."""
    w = deps(request)
    v, ctx = await writable(request)
    item = ctx.laid.by_key.get(request.match_info["item"])
    if item is None or item.point is None:
        raise web.HTTPNotFound()
    if ctx.report.status not in EDITABLE:
        return message_page(request, zh.REFUSALS["locked"], status=403)
    if not ctx.may_edit(item):
        return message_page(request, zh.REFUSALS["not_reopened"], status=403)
    got = await uploads.receive(
        request, csrf=v.csrf, limit_mb=w.settings.max_upload_mb, folder=w.settings.evidence_dir / "tmp"
    )
    if isinstance(got, web.Response):
        return got
    try:
        data = await asyncio.to_thread(got.path.read_bytes)
    finally:
        with contextlib.suppress(FileNotFoundError):
            got.path.unlink()
    name = got.name
    where = item_title(item)
    try:
        stored = await store_upload(
            w.db,
            w.settings.evidence_dir,
            data=data,
            file_name=name,
            report_id=ctx.report.id,
            item=item.key,
            user_id=v.who.user_id,
            file_id=None,
            at=w.now_iso(),
            update_id=None,
        )
    except EvidenceRefused as refused:
        notice = t('<p class="err">{m}</p>', m=text.evidence_refusal(refused.code, refused.params))
        request.match_info["no"] = str(item.section.no)
        return await _section(request, ctx, v, notice=notice, status=400)
    notice = t(
        '<p class="ok">{m}</p>', m=text.UPLOAD_SAVED.format(name=stored.name, where=where, count=stored.count_for_item)
    )
    request.match_info["no"] = str(item.section.no)
    return await _section(request, ctx, v, notice=notice)


def attachment(path: Path, name: str, mime: str) -> web.FileResponse:
    return web.FileResponse(
        path,
        headers={
            "Content-Type": mime,
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
        },
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def export_for(
    request: web.Request, v: Visitor, workbook: str, *, maker: str | None = None, docx: bool = False, **scope: Any
) -> tuple[Exported, Path]:
    """An export made for this request, and the folder of its own it was made in (`temporary_attachment`
    removes it): the workbook named `workbook` (and the Word reports with `docx`), no evidence bundle;
    `scope` says whose (city, audience, report_id); `maker`, who the printed pages say made it."""
    w = deps(request)
    folder = w.settings.exports_dir / f"{stamp(w.clock.now())}-web{v.who.user_id}-{secrets.token_hex(4)}"
    made = {"maker": maker} if maker is not None else {}
    result = await export(
        w.db,
        w.outlines,
        year=w.settings.campaign_year,
        evidence_root=w.settings.evidence_dir,
        out=folder / workbook,
        with_bundle=False,
        meta=await for_campaign(w.db, w.settings, made_at=w.clock.now(), **made),
        data_dir=w.settings.data_dir,
        docx_dir=folder if docx else None,
        **scope,
    )
    return result, folder


async def temporary_attachment(path: Path, folder: Path, mime: str) -> web.Response:
    """An export made for this request: read, its folder removed, then sent (exports for people are temporary)."""
    try:
        data = await asyncio.to_thread(path.read_bytes)
    finally:
        await asyncio.to_thread(shutil.rmtree, folder, True)
    return web.Response(
        body=data,
        headers={"Content-Type": mime, "Content-Disposition": f"attachment; filename*=UTF-8''{quote(path.name)}"},
    )


async def download(request: web.Request) -> web.StreamResponse:
    w = deps(request)
    v, ctx = await readable(request)
    # A reader of a returned report gets only the files of its submitted version, never the draft's.
    found = await reading.reader_file(w.db.read, v.who, ctx.report, int(request.match_info["eid"]))
    if found is None:
        raise web.HTTPForbidden()
    return attachment(blob_path(w.settings.evidence_dir, found.sha256), found.name, found.mime)


# --- review, submit, Word --------------------------------------------------------------------------------
def review_body(ctx: Ctx, v: Visitor, *, can_submit: bool) -> Safe:
    found = review(ctx, ctx.evidence)
    sections = []
    for s in ctx.laid.sections:
        lines = []
        for item in ctx.laid.section_items(s.no):
            files = ctx.evidence.get(item.key, 0)
            lines.append(
                t(
                    '<tr><td><a href="/r/{rid}/s/{no}#{key}">{name}</a>{star}</td><td>{answer}{files}</td></tr>',
                    rid=ctx.report.id,
                    no=s.no,
                    key=item.key,
                    name=item_title(item),
                    star=" ★" if item.core else "",
                    answer=answer_text(ctx, item, ctx.value(item)),
                    files=f"（📎{files}）" if files else "",
                )
            )
        sections.append(
            t(
                '<div class="card"><h2>{no}. {title}</h2><table>{lines}</table></div>',
                no=s.no,
                title=s.title,
                lines=join(lines),
            )
        )
    status = []
    if found.missing:
        status.append(
            t(
                '<p class="err">{h}{names}</p>',
                h=text.REVIEW_MISSING,
                names="、".join(item_title(i) for i in found.missing),
            )
        )
    if found.missing_evidence:
        status.append(
            t(
                '<p class="err">{h}{names}</p>',
                h=text.REVIEW_LACKING,
                names="、".join(item_title(i) for i in found.missing_evidence),
            )
        )
    action = Safe("")
    if can_submit and ctx.report.status in EDITABLE and found.ready:
        status.append(t('<p class="ok">{m}</p>', m=text.REVIEW_READY))
        action = t(
            '<form method="post" action="/r/{rid}/submit">{csrf}<button>{s}</button></form>',
            rid=ctx.report.id,
            csrf=hidden_csrf(v.csrf),
            s=text.SUBMIT,
        )
    return t(
        '<div class="card">{head}{status}{action}</div>{sections}',
        head=unit_heading(ctx),
        status=join(status),
        action=action,
        sections=join(sections),
    )


async def review_page(request: web.Request) -> web.StreamResponse:
    v, ctx = await writable(request)
    return html_response(request, text.REVIEW, review_body(ctx, v, can_submit=True))


def receipt_body(ctx: Ctx, receipt: Receipt, at: str) -> Safe:
    return t(
        '<div class="card"><h1>✅ {title}</h1>{head}<table>'
        '<tr><th>{n}</th><td id="receipt">{number}</td></tr><tr><th>{vl}</th><td>{version}</td></tr>'
        '<tr><th>{al}</th><td>{at}</td></tr><tr><th>{cl}</th><td class="hash">{checksum}</td></tr></table>'
        '<p><a class="btn" href="/r/{rid}/word">{word}</a> <a class="btn light" href="/r/{rid}">{home}</a></p></div>',
        title=text.RECEIPT_TITLE,
        head=unit_heading(ctx),
        n=text.RECEIPT_NUMBER,
        number=receipt.number,
        vl=text.RECEIPT_VERSION,
        version=receipt.version,
        al=text.RECEIPT_AT,
        at=at,
        cl=text.RECEIPT_CHECKSUM,
        checksum=receipt.checksum,
        rid=ctx.report.id,
        word=text.WORD,
        home=text.HOME,
    )


async def submit_post(request: web.Request) -> web.StreamResponse:
    w = deps(request)
    v, ctx = await writable(request)
    try:
        updated, receipt = await submit(
            w.db, w.outlines, v.who, ctx.report.id, year=w.settings.campaign_year, at=w.now_iso(), update_id=None
        )
    except Refused as refused:
        return message_page(request, zh.REFUSALS[refused.code], status=403)
    except Incomplete:
        return html_response(request, text.REVIEW, review_body(ctx, v, can_submit=True), status=400)
    fresh = await load_ctx(w.db.read, updated, w.outlines)
    w.tell(await w.office_ids(), zh.office_submitted(fresh.unit, fresh.certificate, receipt.version, receipt.number))
    return html_response(request, text.RECEIPT_TITLE, receipt_body(fresh, receipt, local_now(request)))


async def word(request: web.Request) -> web.StreamResponse:
    """The report's own people's download (as /menu's in Telegram), and the office's: a returned report's Word
    carries the draft in progress, which readers (lead institution, city, expert) are not shown."""
    v, ctx = await readable(request)
    if not (access.is_office(v.who) or access.may_write(v.who, ctx.report)):
        raise web.HTTPForbidden()
    result, folder = await export_for(request, v, f"{zh.EXPORT_NAME_ONE}.xlsx", docx=True, report_id=ctx.report.id)
    if not result.documents:
        await asyncio.to_thread(shutil.rmtree, folder, True)
        raise web.HTTPNotFound()
    return await temporary_attachment(result.documents[0], folder, DOCX)


async def _removable(request: web.Request) -> tuple[Visitor, Ctx, Item, int, str]:
    w = deps(request)
    v, ctx = await writable(request)
    found = await evidence_store.get(w.db.read, int(request.match_info["eid"]))
    if found is None or found.report_id != ctx.report.id:
        raise web.HTTPForbidden()
    item = ctx.laid.by_key.get(found.item)
    if item is None:
        raise web.HTTPNotFound()
    if ctx.report.status not in EDITABLE or not ctx.may_edit(item):
        raise web.HTTPForbidden()
    return v, ctx, item, found.id, found.name


async def delete_page(request: web.Request) -> web.StreamResponse:
    """Asks before removing a file (soft: submitted versions keep it)."""
    v, ctx, item, _eid, name = await _removable(request)
    body = t(
        '<div class="card"><p>{ask}</p><form method="post">{csrf}<button>{yes}</button> '
        '<a class="btn light" href="/r/{rid}/s/{no}#{key}">{no_label}</a></form></div>',
        ask=text.delete_ask(name, item_title(item)),
        csrf=hidden_csrf(v.csrf),
        yes=text.DELETE,
        rid=ctx.report.id,
        no=item.section.no,
        key=item.key,
        no_label=zh.BTN_CANCEL,
    )
    return html_response(request, text.DELETE, body)


async def delete_post(request: web.Request) -> web.StreamResponse:
    w = deps(request)
    v, ctx, item, eid, name = await _removable(request)
    await remove_evidence(
        w.db,
        report_id=ctx.report.id,
        item=item.key,
        evidence_id=eid,
        name=name,
        user_id=v.who.user_id,
        at=w.now_iso(),
        update_id=None,
    )
    raise web.HTTPSeeOther(f"/r/{ctx.report.id}/s/{item.section.no}#{item.key}")


def routes(app: web.Application) -> None:
    app.router.add_get("/", home)
    app.router.add_get(r"/r/{rid:\d{1,9}}", report_page)
    app.router.add_get(r"/r/{rid:\d{1,9}}/s/{no:\d{1,3}}", section_page)
    app.router.add_post(r"/r/{rid:\d{1,9}}/s/{no:\d{1,3}}", section_post)
    app.router.add_post(r"/r/{rid:\d{1,9}}/e/{item}", upload, name=UPLOAD_ROUTE)
    app.router.add_get(r"/r/{rid:\d{1,9}}/f/{eid:\d{1,9}}", download)
    app.router.add_get(r"/r/{rid:\d{1,9}}/f/{eid:\d{1,9}}/delete", delete_page)
    app.router.add_post(r"/r/{rid:\d{1,9}}/f/{eid:\d{1,9}}/delete", delete_post)
    app.router.add_get(r"/r/{rid:\d{1,9}}/review", review_page)
    app.router.add_post(r"/r/{rid:\d{1,9}}/submit", submit_post)
    app.router.add_get(r"/r/{rid:\d{1,9}}/word", word)


__all__ = ["Report", "answer_text", "readable", "routes", "writable"]
