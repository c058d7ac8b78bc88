"""Readers' pages: a city bureau (its city's 中职, their reports, the city's package), a lead institution (its
certificates' organization reports) and an expert (the assigned units, reading them, grading). The same
access rules as Telegram (bot.domain.people.access) and the same domain calls (bot.domain.reports.reading,
bot.domain.oversight.oversight)."""

from __future__ import annotations

from aiohttp import web

from bot.domain.campaign.notices import plain
from bot.domain.oversight.oversight import GRADES, GradeUnit, NotGradable, grade, grade_unit, grade_units
from bot.domain.people import access
from bot.domain.reports import reading
from bot.domain.reports.evidence import blob_path
from bot.domain.walk.reporting import Ctx
from bot.export.data import Audience
from bot.web.app import Visitor, deps, html_response, visitor
from bot.web.html import EMPTY, Safe, hidden_csrf, join, t
from bot.web.walk import XLSX, answer_text, attachment, export_for, item_title, temporary_attachment
from messages import documents as words
from messages import org_oversight as zo
from messages import web as text
from messages import web_roles as say
from messages import zh
from messages.when import local_time
from storage import oversight, reports, roster, versions
from storage.models import ORG_KIND, Grade, Report


def _as(request: web.Request, role: str) -> Visitor:
    """The visitor, if they are a `role` (a city bureau with a city); any other role is refused."""
    v = visitor(request)
    if v.who.role != role or (role == "city" and not v.who.city):
        raise web.HTTPForbidden()
    return v


def _notice(kind: str, message: str) -> Safe:
    return t('<p class="{k}">{m}</p>', k=kind, m=message)


def _status(report: Report | None) -> str:
    return zh.STATUS_NAMES.get(report.status, report.status) if report is not None else zh.NOT_STARTED


# --- reading a report -------------------------------------------------------------------------------------
def _back(v: Visitor, report: Report) -> str:
    if access.is_office(v.who):
        return f"/office/r/{report.id}"
    if access.may_write(v.who, report):
        return f"/r/{report.id}"
    return {"city": "/city", "expert": "/expert"}.get(v.who.role, "/lead")


async def _readable(request: web.Request) -> tuple[Visitor, Report]:
    w, v = deps(request), visitor(request)
    report = await reports.get(w.db.read, int(request.match_info["rid"]))
    if report is None or not await access.may_read(w.db, v.who, report):
        raise web.HTTPForbidden()
    return v, report


async def _version_note(request: web.Request, v: Visitor, report: Report) -> Safe:
    """Which content the page shows: the last submitted version (when, which), or a draft as it stands."""
    w = deps(request)
    shown = await versions.version(w.db.read, report.id, report.version) if report.version else None
    if shown is None:
        return _notice("muted", say.NOT_SUBMITTED)
    at = local_time(shown.submitted_at, w.settings.tz)
    if report.status == "returned" and reading.reads_submitted(v.who, report):
        return _notice("info", say.shown_version(shown.version, at))
    return _notice("muted small", say.version_line(shown.version, at))


def _read_body(ctx: Ctx, files: dict[str, list[tuple[int, str]]], note: Safe, back: str) -> Safe:
    sections = []
    for s in ctx.laid.sections:
        lines = []
        for item in ctx.laid.section_items(s.no):
            links = join(
                t('<a href="/read/{rid}/f/{id}">📎 {n}</a> ', rid=ctx.report.id, id=eid, n=name)
                for eid, name in files.get(item.key, [])
            )
            lines.append(
                t(
                    '<tr id="{key}"><td>{name}{star}</td><td>{answer}<div class="small">{links}</div></td></tr>',
                    key=item.key,
                    name=item_title(item),
                    star=" ★" if item.core else "",
                    answer=answer_text(ctx, item, ctx.value(item)),
                    links=links,
                )
            )
        sections.append(
            t(
                '<div class="card scroll"><h2>{no}. {title}</h2><table>{lines}</table></div>',
                no=s.no,
                title=s.title,
                lines=join(lines),
            )
        )
    return t(
        '<div class="card"><h1>{unit}</h1><p class="muted">{cert}{sl}：<span id="status">{status}</span></p>{note}'
        '<p><a class="btn light" href="{back}">{back_label}</a></p></div>{sections}',
        unit=ctx.unit,
        cert=f"{ctx.certificate} · " if ctx.certificate else "",
        sl=text.STATUS,
        status=zh.STATUS_NAMES.get(ctx.report.status, ctx.report.status),
        note=note,
        back=back,
        back_label=say.BACK,
        sections=join(sections),
    )


async def read_page(request: web.Request) -> web.StreamResponse:
    """A report for anyone who may read it; readers of a returned report see its last submitted version."""
    w = deps(request)
    v, report = await _readable(request)
    ctx = await reading.reader_ctx(w.db.read, v.who, report, w.outlines)
    files: dict[str, list[tuple[int, str]]] = {}
    for e in await reading.reader_files(w.db.read, v.who, report):
        files.setdefault(e.item, []).append((e.id, e.name))
    note = await _version_note(request, v, report)
    return html_response(request, say.READ, _read_body(ctx, files, note, _back(v, report)))


async def read_file(request: web.Request) -> web.StreamResponse:
    """One file of what the reader is shown (a returned report's draft files are not theirs to open)."""
    w = deps(request)
    v, report = await _readable(request)
    found = await reading.reader_file(w.db.read, v.who, report, int(request.match_info["eid"]))
    if found is None:
        raise web.HTTPForbidden()
    return attachment(blob_path(w.settings.evidence_dir, found.sha256), found.name, found.mime)


# --- the city bureau --------------------------------------------------------------------------------------
async def _city(request: web.Request, v: Visitor, notice: Safe = EMPTY, status: int = 200) -> web.Response:
    w = deps(request)
    city = v.who.city
    assert city is not None
    rows = await reading.city_rows(w.db.read, city, zh.STATUS_NAMES, zh.NOT_STARTED)
    completed = await versions.city_completed(w.db.read, city)
    lines = [
        t(
            "<tr><td>{name}</td><td>{status}</td><td>{read}</td></tr>",
            name=r.institution.name,
            status=r.status,
            read=t('<a href="/read/{rid}">{l}</a>', rid=r.report.id, l=say.READ) if r.report else EMPTY,
        )
        for r in rows
    ]
    table = (
        t(
            '<div class="scroll"><table id="schools"><tr><th>{s}</th><th>{st}</th><th></th></tr>{l}</table></div>',
            s=say.SCHOOL,
            st=text.STATUS,
            l=join(lines),
        )
        if lines
        else t('<p class="muted">{m}</p>', m=say.CITY_NONE)
    )
    body = t(
        '<div class="card"><h1>{heading}</h1>{done}{notice}</div><div class="card">{table}</div>'
        '<div class="card"><form method="post" action="/city/complete">{csrf}<button>{complete}</button></form>'
        '<p><a class="btn light" href="/city/export">{export}</a></p><p class="muted small">{note}</p></div>',
        heading=say.city_heading(city, sum(r.done for r in rows), len(rows)),
        done=_notice("ok", say.city_done(local_time(completed, w.settings.tz))) if completed else EMPTY,
        notice=notice,
        table=table,
        csrf=hidden_csrf(v.csrf),
        complete=say.CITY_COMPLETE,
        export=say.CITY_EXPORT,
        note=say.CITY_EXPORT_NOTE,
    )
    return html_response(request, say.CITY_TITLE, body, status=status)


async def city_page(request: web.Request) -> web.StreamResponse:
    return await _city(request, _as(request, "city"))


async def city_complete(request: web.Request) -> web.StreamResponse:
    """Confirms the city's 中职 package complete once every one of them has submitted; tells the office."""
    w, v = deps(request), _as(request, "city")
    city = v.who.city
    assert city is not None
    rows = await reading.city_rows(w.db.read, city, zh.STATUS_NAMES, zh.NOT_STARTED)
    try:
        await reading.complete_city(w.db, v.who, rows, at=w.now_iso(), update_id=None, actor=f"tg:{v.who.user_id}")
    except reading.NotReady as not_ready:
        return await _city(request, v, _notice("err", plain(zh.city_not_ready(not_ready.waiting))), 409)
    w.tell(await w.office_ids(), zh.office_city_completed(city))
    return await _city(request, v, _notice("ok", plain(zh.city_completed(city))))


async def city_export(request: web.Request) -> web.StreamResponse:
    """The city's 中职 workbook (as /export in Telegram, for this city's audience only)."""
    v = _as(request, "city")
    city = v.who.city
    assert city is not None
    result, folder = await export_for(
        request,
        v,
        f"{zh.export_name_city(city)}.xlsx",
        maker=words.maker_city(city),
        city=city,
        audience=Audience.of_city(city),
    )
    return await temporary_attachment(result.workbook, folder, XLSX)


# --- the lead institution ---------------------------------------------------------------------------------
async def lead_page(request: web.Request) -> web.StreamResponse:
    w, v = deps(request), _as(request, "coordinator")
    if v.who.institution_id is None:
        raise web.HTTPForbidden()
    rows = await reading.lead_rows(w.db.read, v.who.institution_id)
    lines = [
        t(
            "<tr><td>{cert}</td><td>{org}</td><td>{status}</td><td>{read}</td></tr>",
            cert=r.certificate.name,
            org=r.organization.name if r.organization else "",
            status=_status(r.report),
            read=t('<a href="/read/{rid}">{l}</a>', rid=r.report.id, l=say.READ) if r.report else EMPTY,
        )
        for r in rows
    ]
    table = (
        t(
            '<div class="scroll"><table id="certificates"><tr><th>{c}</th><th>{o}</th><th>{s}</th><th></th></tr>'
            "{l}</table></div>",
            c=text.CERTIFICATE,
            o=say.ORGANIZATION,
            s=text.STATUS,
            l=join(lines),
        )
        if lines
        else t('<p class="muted">{m}</p>', m=say.LEAD_NONE)
    )
    body = t(
        '<div class="card"><h1>{h}</h1>{table}<p><a class="btn light" href="/">{home}</a></p></div>',
        h=say.LEAD_HEADING,
        table=table,
        home=text.HOME,
    )
    return html_response(request, say.LEAD_TITLE, body)


# --- the expert -------------------------------------------------------------------------------------------
async def _my_grades(request: web.Request, v: Visitor) -> dict[tuple[int, int | None], Grade]:
    return {
        (g.institution_id, g.certificate_id or None): g  # certificate 0: an institution as a whole
        for g in await oversight.all_grades(deps(request).db.read)
        if g.user_id == v.who.user_id
    }


def _unit_url(unit: GradeUnit) -> str:
    return f"/expert/{unit.institution.id}/{unit.certificate_id or 0}"


async def expert_page(request: web.Request) -> web.StreamResponse:
    """The assigned sample: each institution, and each certificate of an assigned organization, with its
    report's status and this expert's grade."""
    w, v = deps(request), _as(request, "expert")
    mine = await _my_grades(request, v)
    cards = []
    for inst_id in await oversight.assigned_to(w.db.read, v.who.user_id):
        found = await grade_units(w.db.read, inst_id)
        if not found:  # an organization with no certificate in the roster yet
            org = await roster.institution(w.db.read, inst_id)
            if org is not None:
                cards.append(
                    t('<div class="card"><h2>{n}</h2><p class="muted">{m}</p></div>', n=org.name, m=say.NO_CERTIFICATES)
                )
            continue
        inst = found[0].institution
        rows = []
        for unit in found:
            given = mine.get((inst_id, unit.certificate_id))
            rows.append(
                t(
                    '<tr><td><a href="{url}">{label}</a></td><td>{status}</td><td>{grade}</td></tr>',
                    url=_unit_url(unit),
                    label=unit.certificate.name if unit.certificate else unit.label,
                    status=zo.report_status(unit.report.status, unit.report.version) if unit.report else zh.NOT_STARTED,
                    grade=zo.grade_note(given.grade if given else None, unit.gradable),
                )
            )
        intro = t('<p class="muted small">{m}</p>', m=say.BY_CERTIFICATE) if inst.kind == ORG_KIND else EMPTY
        cards.append(
            t(
                '<div class="card scroll"><h2>{name}</h2>{intro}<table>{rows}</table></div>',
                name=inst.name,
                intro=intro,
                rows=join(rows),
            )
        )
    head = say.EXPERT_HEADING if cards else say.EXPERT_NONE
    body = t('<div class="card"><h1>{h}</h1></div>{cards}', h=head, cards=join(cards))
    return html_response(request, say.EXPERT_TITLE, body)


async def _assigned_unit(request: web.Request, v: Visitor) -> GradeUnit:
    w = deps(request)
    inst_id, cert = int(request.match_info["inst"]), int(request.match_info["cert"])
    if not await oversight.is_assigned(w.db.read, v.who.user_id, inst_id):
        raise web.HTTPForbidden()
    unit = await grade_unit(w.db.read, inst_id, cert or None)
    if unit is None:
        raise web.HTTPNotFound()
    return unit


async def _unit_card(
    request: web.Request, v: Visitor, unit: GradeUnit, notice: Safe = EMPTY, status: int = 200
) -> web.Response:
    given = (await _my_grades(request, v)).get((unit.institution.id, unit.certificate_id))
    report_status = zo.report_status(unit.report.status, unit.report.version) if unit.report else zh.NOT_STARTED
    read = t('<a class="btn" href="/read/{rid}">{l}</a>', rid=unit.report.id, l=say.READ) if unit.report else EMPTY
    form = _notice("muted", say.GRADE_NOT_SUBMITTED)
    if unit.gradable:
        choices = join(
            t(
                '<label class="opt"><input type="radio" name="grade" value="{g}" required{c}> {g}</label>',
                g=g,
                c=Safe(" checked" if given is not None and given.grade == g else ""),
            )
            for g in GRADES
        )
        form = t(
            '<form method="post" action="{url}">{csrf}<p>{intro}</p><fieldset><legend>{gt}</legend>{choices}'
            '</fieldset><p><label>{cl}<br><textarea name="comment" maxlength="{limit}">{comment}</textarea></label>'
            '</p><p class="muted small">{hint}</p><button>{submit}</button></form>',
            url=_unit_url(unit),
            csrf=hidden_csrf(v.csrf),
            intro=say.GRADE_NOW,
            gt=say.GRADE_TITLE,
            choices=choices,
            cl=say.GRADE_COMMENT,
            limit=deps(request).settings.max_text_length,
            comment=given.comment if given is not None else "",
            hint=say.GRADE_HINT,
            submit=say.GRADE_SUBMIT,
        )
    body = t(
        '<div class="card"><h1>{label}</h1><p>{status}</p><p id="grade">{grade}</p>{notice}<p>{read} '
        '<a class="btn light" href="/expert">{back}</a></p></div><div class="card">{form}</div>',
        label=unit.label,
        status=say.unit_status(report_status, unit.files),
        grade=say.current_grade(given.grade, given.comment) if given is not None else say.NOT_GRADED,
        notice=notice,
        read=read,
        back=say.BACK,
        form=form,
    )
    return html_response(request, say.GRADE, body, status=status)


async def unit_page(request: web.Request) -> web.StreamResponse:
    v = _as(request, "expert")
    return await _unit_card(request, v, await _assigned_unit(request, v))


async def grade_post(request: web.Request) -> web.StreamResponse:
    """Records the expert's grade and comment with the same domain call as Telegram
    (bot.domain.oversight.oversight.grade):
    only while the unit's report is submitted; the comment under Telegram's rules."""
    w, v = deps(request), _as(request, "expert")
    unit = await _assigned_unit(request, v)
    form = await request.post()
    value = str(form.get("grade", ""))
    if value not in GRADES:
        return await _unit_card(request, v, unit, _notice("err", say.GRADE_PICK), 400)
    try:
        comment = reading.grade_comment(value, str(form.get("comment", "")), limit=w.settings.max_text_length)
    except reading.CommentRefused as refused:
        message = say.GRADE_REQUIRED if refused.code == "required" else zh.invalid(refused.code, refused.params)
        return await _unit_card(request, v, unit, _notice("err", plain(message)), 400)
    try:
        await grade(
            w.db,
            expert=v.who.user_id,
            institution_id=unit.institution.id,
            certificate_id=unit.certificate_id,
            value=value,
            comment=comment,
            at=w.now_iso(),
            update_id=None,
        )
    except NotGradable:
        fresh = await grade_unit(w.db.read, unit.institution.id, unit.certificate_id) or unit
        return await _unit_card(request, v, fresh, _notice("err", say.GRADE_NOT_SUBMITTED), 409)
    return await _unit_card(request, v, unit, _notice("ok", say.graded(unit.label, value)))


def routes(app: web.Application) -> None:
    app.router.add_get(r"/read/{rid:\d{1,9}}", read_page)
    app.router.add_get(r"/read/{rid:\d{1,9}}/f/{eid:\d{1,9}}", read_file)
    app.router.add_get("/city", city_page)
    app.router.add_post("/city/complete", city_complete)
    app.router.add_get("/city/export", city_export)
    app.router.add_get("/lead", lead_page)
    app.router.add_get("/expert", expert_page)
    app.router.add_get(r"/expert/{inst:\d{1,9}}/{cert:\d{1,9}}", unit_page)
    app.router.add_post(r"/expert/{inst:\d{1,9}}/{cert:\d{1,9}}", grade_post)
