"""The office's oversight (progress, sample, experts, grades, flags) and the expert's own screens."""

from __future__ import annotations

import json
import logging

from bot.core import buttons as bt
from bot.core.buttons import parse_id
from bot.core.events import Command, Press, Text
from bot.core.guards import office_only, pressed, with_role
from bot.core.stages import GradePending, GradeStage, pending
from bot.core.tasks import spawn
from bot.core.views import Button, Keyboard, Out
from bot.deps import Deps
from bot.domain.campaign.progress import STATUSES, Unit, tally, units
from bot.domain.oversight.oversight import (
    GRADES,
    GradeUnit,
    NotGradable,
    draw_sample,
    findings,
    grade,
    grade_unit,
    grade_units,
)
from bot.domain.reports.reading import CommentRefused, grade_comment
from bot.export.pictures import progress_png
from messages import documents as words
from messages import org_oversight as zo
from messages import when, zh
from storage import AlreadyApplied, audit, cursors, oversight, people, roster
from storage.models import ORG_KIND, Grade, Institution, Person

log = logging.getLogger("xcheck.oversight")


def _progress_buttons() -> Keyboard:
    lists = [Button(zh.PROGRESS_STATUS[s] + zh.LIST_SUFFIX, bt.Progress("list", s)) for s in STATUSES]
    return Keyboard.of(
        [
            lists[:3],
            lists[3:],
            [Button(zh.BTN_BY_CITY, bt.Progress("city")), Button(zh.BTN_ORGS, bt.Progress("orgs"))],
        ]
    )


def _by_kind(schools: list[Unit]) -> str:
    """The table of institutions by kind and status, with a total row."""
    by_kind = tally(schools, "kind")
    groups = [(k, dict(by_kind.get(k, {}))) for k in ("本科", "高职", "中职")]
    groups.append((zh.TOTAL_LABEL, {s: sum(g[1].get(s, 0) for g in groups) for s in STATUSES}))
    return zh.progress_table(zh.progress_schools_title(len(schools)), groups)


async def show_progress(d: Deps, event: Command, out: Out) -> None:
    """/progress: institutions by kind and status, with buttons for lists, cities and organizations; the
    picture follows, drawn off the flow."""
    if await office_only(d, event, out) is None:
        return
    rows = await units(d.db)
    schools = [u for u in rows if u.institution.kind != "培训评价组织"]
    await out.show(_by_kind(schools), _progress_buttons())
    spawn(d, send_progress_picture(d, out, rows), name=f"xcheck.progress.{event.sender.chat_id}")


async def send_progress_picture(d: Deps, out: Out, rows: list[Unit]) -> None:
    """The picture follows the table (from the same units): drawn in a worker thread (cached per data), sent
    as a photo. Not delivered is the channel's failure (a warning); failing to draw it is ours."""
    png = await progress_png(d, rows)
    caption = words.PROGRESS_CAPTION.format(when=when.local_time(d.clock.now(), d.settings.tz))
    try:
        await out.picture(png, caption)
    except Exception:
        log.warning("progress picture could not be delivered", exc_info=True)


async def press_progress_button(d: Deps, event: Press, out: Out) -> None:
    """Lists names of one status, the table by city, or the organizations' table."""
    if await office_only(d, event, out) is None:
        return
    progress = await pressed(event, out, bt.Progress)
    if progress is None:
        return
    action, arg = progress.action, progress.status
    all_units = await units(d.db)
    schools = [u for u in all_units if u.institution.kind != "培训评价组织"]
    orgs = [u for u in all_units if u.institution.kind == "培训评价组织"]
    back = Keyboard.of([[Button(zh.BTN_BACK_TO_PROGRESS, bt.Progress("kind"))]])
    if action == "list" and arg in STATUSES:
        names = [f"{u.institution.seq or ''} {u.institution.name}".strip() for u in schools if u.status == arg]
        names += [f"{u.institution.name} · {u.certificate}" for u in orgs if u.status == arg]
        await out.show(zh.status_list(arg, names), back)  # a long list goes out in parts
    elif action == "city":
        by_city = tally(schools, "city")
        groups = sorted(((c, dict(v)) for c, v in by_city.items()), key=lambda g: g[0])
        await out.show(zh.progress_table(zh.PROGRESS_BY_CITY, groups), back)
    elif action == "orgs":
        groups = [("证书", {s: sum(1 for u in orgs if u.status == s) for s in STATUSES})]
        await out.show(zh.progress_table(zh.progress_orgs_title(len(orgs)), groups), back)
    elif action == "kind":
        await out.show(_by_kind(schools), _progress_buttons())
    else:
        await out.refuse(zh.STALE_BUTTON)


async def draw_or_show_sample(d: Deps, event: Command, out: Out) -> None:
    """/sample [seed]: draws a recorded, reproducible sample; /sample show: the latest one."""
    who = await office_only(d, event, out)
    if who is None:
        return
    arg = " ".join(event.args).strip()
    if arg == "show":
        latest = await oversight.latest_sample(d.db.read)
        if latest is None:
            await out.show(zh.NO_SAMPLE)
            return
        sample_id, seed, _by, _at, strata = latest
        members = await oversight.sample_members(d.db.read, sample_id)
    else:
        try:
            sample_id, result = await draw_sample(
                d.db,
                seed=arg[:64] or None,
                actor=f"tg:{who.user_id}",
                at=d.now_iso(),
                update_id=event.sender.update_id,
            )
        except AlreadyApplied:
            return
        seed, strata = result.seed, json.dumps(result.strata)
        members = [(c.id, c.stratum) for c in result.picked]
    names = []
    for inst_id, _ in members:
        inst = await roster.institution(d.db.read, inst_id)
        names.append(inst.name if inst else str(inst_id))
    await out.show(zh.sample_drawn(sample_id, seed, json.loads(strata), names))


async def assign_expert(d: Deps, event: Command, out: Out) -> None:
    """/assign <expert id> <附件3 numbers or names...>: the institutions an expert may read and grade."""
    who = await office_only(d, event, out)
    if who is None:
        return
    args = list(event.args)
    expert_id = parse_id(args[0]) if args else None
    if len(args) < 2 or expert_id is None:
        await out.show(zh.ASSIGN_USAGE)
        return
    expert = await people.get(d.db.read, expert_id)
    if expert is None or expert.role != "expert":
        await out.show(zh.EXPERT_UNKNOWN)
        return
    found = [await roster.find_institution(d.db.read, ref) for ref in args[1:]]
    if any(f is None for f in found):
        await out.show(zh.INVITE_NO_TARGET)
        return
    try:
        await _assign(d, who, expert, [i for i in found if i is not None], event.sender.update_id)
    except AlreadyApplied:
        return
    await out.show(zh.assigned(expert.name, [i.name for i in found if i]))


async def _assign(d: Deps, who: Person, expert: Person, found: list[Institution], update_id: int) -> None:
    async with d.db.transaction(update_id=update_id, at=d.now_iso()) as conn:
        for inst in found:
            assert inst is not None
            await oversight.assign(conn, expert.user_id, inst.id, at=d.now_iso())
        await audit.record(
            conn,
            at=d.now_iso(),
            actor=f"tg:{who.user_id}",
            action="expert.assign",
            subject=str(expert.user_id),
            detail=[i.id for i in found],
        )


async def list_experts(d: Deps, event: Command, out: Out) -> None:
    """/experts: experts with their Telegram ids and how many institutions each was assigned."""
    if await office_only(d, event, out) is None:
        return
    rows = [
        (p.user_id, p.name, len(await oversight.assigned_to(d.db.read, p.user_id)))
        for p in await people.with_role(d.db.read, "expert")
    ]
    await out.show(zh.experts_list(rows))


async def list_grades(d: Deps, event: Command, out: Out) -> None:
    """/grades: every expert's grade and comment."""
    if await office_only(d, event, out) is None:
        return
    rows = []
    certs = {c.id: c.name for c in await roster.certificates(d.db.read)}
    for g in await oversight.all_grades(d.db.read):
        inst = await roster.institution(d.db.read, g.institution_id)
        expert = await people.get(d.db.read, g.user_id)
        label = (inst.name if inst else str(g.institution_id)) + (
            f" · {certs.get(g.certificate_id, g.certificate_id)}" if g.certificate_id else ""
        )
        rows.append((label, g.grade, expert.name if expert else str(g.user_id), g.comment))
    await out.show(zh.grades_list(rows))


async def list_flags(d: Deps, event: Command, out: Out) -> None:
    """/flags: answers that need attention (fees charged, breaches, implausible rates) and certificates
    whose institutions' numbers disagree with their training organization's."""
    if await office_only(d, event, out) is None:
        return
    found = await findings(d.db, d.outlines)
    names = {
        u.report.id: u.institution.name + (f" · {u.certificate}" if u.certificate else "")
        for u in await units(d.db)
        if u.report is not None
    }
    rows = [(names.get(rid, str(rid)), flags) for rid, flags in found.by_report.items() if flags]
    certs = {c.id: c.name for c in await roster.certificates(d.db.read)}
    mismatches = [
        zh.mismatch(
            certs.get(c.certificate_id, str(c.certificate_id)),
            c.label,
            c.schools_total,
            c.schools_reporting,
            c.org_value,
        )
        for c in found.cross
        if not c.matches
    ]
    drafts = []
    for draft in found.drafts:
        inst = await roster.institution(d.db.read, draft.institution_id)
        name = inst.name if inst else str(draft.institution_id)
        drafts.append(zo.cross_draft(certs.get(draft.certificate_id, str(draft.certificate_id)), name, draft.org))
    await out.show(zh.flags_text(rows, mismatches, drafts))


# --- the expert ------------------------------------------------------------------------------------------
# An institution is graded as a whole; a training organization per certificate (附件2 is “以证书为单位”:
# one report per certificate). Buttons: x:<institution>:card: (an institution's card, or an organization's
# list of certificates), x:<org>:cert:<certificate> (one certificate's card), x:<institution>:g:<n> and
# x:<org>:g:<n>c<certificate> (grade n of GRADES for that unit).


async def _my_grades(d: Deps, who: Person) -> dict[tuple[int, int | None], Grade]:
    return {
        (g.institution_id, g.certificate_id or None): g
        for g in await oversight.all_grades(d.db.read)
        if g.user_id == who.user_id
    }


async def show_expert_menu(d: Deps, who: Person, out: Out) -> None:
    """The expert's menu: every assigned unit with its report's status and the grade given, a button each."""
    lines, buttons = [], []
    mine = await _my_grades(d, who)
    for inst_id in await oversight.assigned_to(d.db.read, who.user_id):
        found = await grade_units(d.db.read, inst_id)
        for unit in found:
            given = mine.get((inst_id, unit.certificate_id))
            status = unit.report.status if unit.report else None
            lines.append(zo.expert_menu_line(unit.label, status, given.grade if given else None, unit.gradable))
        inst = found[0].institution if found else await roster.institution(d.db.read, inst_id)
        if inst is None:
            continue
        if not found:  # an organization with no certificate in the roster yet
            lines.append(zo.expert_menu_line(inst.name, None, None, False))
        buttons.append([Button(inst.name[:24], bt.Expert(inst_id, "card"))])
    await out.show(zo.expert_menu(lines), Keyboard.of(buttons) if buttons else None)


def _unit_buttons(unit: GradeUnit) -> list[list[Button]]:
    rows = []
    if unit.report is not None:
        rows.append(
            [
                Button(zh.BTN_PAGES, bt.Review(unit.report.id, "page", 1)),
                Button(zh.BTN_FILES, bt.Review(unit.report.id, "files")),
            ]
        )
    if unit.gradable:
        grades = [bt.Expert(unit.institution.id, "g", unit.certificate_id or None, n) for n in range(len(GRADES))]
        rows.append([Button(g, b) for g, b in zip(GRADES, grades, strict=True)])
    return rows


async def _show_unit(d: Deps, who: Person, unit: GradeUnit, out: Out) -> None:
    given = (await _my_grades(d, who)).get((unit.institution.id, unit.certificate_id))
    status = zo.report_status(unit.report.status, unit.report.version) if unit.report else zh.NOT_STARTED
    text = zo.unit_card(
        unit.label, status, unit.files, given.grade if given else None, given.comment if given else None, unit.gradable
    )
    rows = _unit_buttons(unit)
    if unit.certificate_id:
        rows.append([Button(zo.BTN_BACK_TO_ORG, bt.Expert(unit.institution.id, "card"))])
    else:
        rows.append([Button(zh.BTN_MENU, bt.Menu("home"))])
    await out.show(text, Keyboard.of(rows))


async def _show_org(d: Deps, who: Person, found: list[GradeUnit], org_name: str, out: Out) -> None:
    mine = await _my_grades(d, who)
    rows, buttons = [], []
    for unit in found:
        assert unit.certificate is not None
        given = mine.get((unit.institution.id, unit.certificate_id))
        status = zo.report_status(unit.report.status, unit.report.version) if unit.report else zh.NOT_STARTED
        rows.append(
            (unit.certificate.name, status, unit.files, zo.grade_note(given.grade if given else None, unit.gradable))
        )
        label = f"📄 {unit.certificate.name}"[:24]
        buttons.append([Button(label, bt.Expert(unit.institution.id, "cert", unit.certificate.id))])
    buttons.append([Button(zh.BTN_MENU, bt.Menu("home"))])
    await out.show(zo.org_card(org_name, rows), Keyboard.of(buttons))


async def press_expert_button(d: Deps, event: Press, out: Out) -> None:
    """An assigned institution's card (an organization's certificates), and choosing a grade for a unit
    whose report is submitted (the comment is typed next)."""
    who = await with_role(d, event, out, "expert")
    if who is None:
        return
    expert = await pressed(event, out, bt.Expert)
    if expert is None:
        return
    inst_id, action = expert.institution, expert.action
    if not await oversight.is_assigned(d.db.read, who.user_id, inst_id):
        await out.refuse(zh.NOT_ALLOWED)
        return
    inst = await roster.institution(d.db.read, inst_id)
    assert inst is not None
    if action == "card":
        found = await grade_units(d.db.read, inst_id)
        if inst.kind == ORG_KIND:
            await _show_org(d, who, found, inst.name, out)
        else:
            await _show_unit(d, who, found[0], out)
        return
    if action == "cert" and expert.certificate is not None:
        unit = await grade_unit(d.db.read, inst_id, expert.certificate)
        if unit is None:
            await out.refuse(zh.STALE_BUTTON)
            return
        await _show_unit(d, who, unit, out)
        return
    if action != "g" or expert.grade is None or expert.grade >= len(GRADES):
        await out.refuse(zh.STALE_BUTTON)
        return
    cert_id = expert.certificate
    unit = await grade_unit(d.db.read, inst_id, cert_id)
    if unit is None:
        await out.refuse(zh.STALE_BUTTON)
        return
    if not unit.gradable:
        await out.refuse(zo.GRADE_NOT_SUBMITTED)
        return
    value = GRADES[expert.grade]
    try:
        async with d.db.transaction(update_id=event.sender.update_id, at=d.now_iso()) as conn:
            await cursors.put(
                conn,
                user_id=who.user_id,
                report_id=unit.report.id if unit.report else None,
                item=None,
                stage=GradeStage.COMMENT,
                pending=GradePending(institution=inst_id, certificate=cert_id, grade=value).dump(),
                at=d.now_iso(),
            )
    except AlreadyApplied:
        return
    await out.show(zh.grade_comment_prompt(value))


async def take_expert_text(d: Deps, event: Text, who: Person, out: Out) -> None:
    """The comment of the grade the expert just chose; stores the grade with it if the report is still
    submitted (it may have been returned for revision meanwhile)."""
    cursor = await cursors.get(d.db.read, who.user_id)
    chosen = pending(cursor, GradePending) if cursor is not None and cursor.stage == GradeStage.COMMENT else None
    if chosen is None:
        await show_expert_menu(d, who, out)
        return
    inst_id, value, cert_id = chosen.institution, chosen.grade, chosen.certificate
    if not await oversight.is_assigned(d.db.read, who.user_id, inst_id):
        await out.refuse(zh.NOT_ALLOWED)
        return
    try:
        comment = grade_comment(value, event.text, limit=d.settings.max_text_length)
    except CommentRefused as refused:
        await out.refuse(
            zh.GRADE_COMMENT_REQUIRED if refused.code == "required" else zh.invalid(refused.code, refused.params)
        )
        return
    try:
        await grade(
            d.db,
            expert=who.user_id,
            institution_id=inst_id,
            certificate_id=cert_id,
            value=value,
            comment=comment,
            at=d.now_iso(),
            update_id=event.sender.update_id,
        )
    except AlreadyApplied:
        return
    except NotGradable:
        await cursors.reset_stage(d.db, who.user_id, at=d.now_iso())
        await out.refuse(zo.GRADE_NOT_SUBMITTED)
        return
    await cursors.reset_stage(d.db, who.user_id, at=d.now_iso())
    unit = await grade_unit(d.db.read, inst_id, cert_id)
    back = bt.Expert(inst_id, "cert", cert_id) if cert_id else bt.Expert(inst_id, "card")
    await out.show(zo.graded(unit.label if unit else str(inst_id), value), Keyboard.of([[Button(zh.BTN_MENU, back)]]))
