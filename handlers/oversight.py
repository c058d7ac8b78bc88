"""The office's oversight in chat (progress, sample, experts, grades) and the expert's own screens."""

from __future__ import annotations

import json

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.deps import Deps, deps
from bot.oversight import GRADES, draw_sample, findings, grade
from bot.progress import STATUSES, Unit, tally, units
from handlers.guards import button_parts, office_only, with_role
from handlers.longtext import show_long
from handlers.screen import refuse, show
from messages import zh
from storage import AlreadyApplied, audit, cursors, oversight, people, reports, roster
from storage import evidence as evidence_store
from storage.models import Person

Button = InlineKeyboardButton


def _progress_buttons() -> InlineKeyboardMarkup:
    lists = [Button(zh.PROGRESS_STATUS[s] + zh.LIST_SUFFIX, callback_data=f"p:list:{s}") for s in STATUSES]
    return InlineKeyboardMarkup(
        [
            lists[:3],
            lists[3:],
            [Button(zh.BTN_BY_CITY, callback_data="p:city:"), Button(zh.BTN_ORGS, callback_data="p:orgs:")],
        ]
    )


def _by_kind(schools: list[Unit]) -> str:
    """The table of institutions by kind and status, with a total row."""
    by_kind = tally(schools, "kind")
    groups = [(k, dict(by_kind.get(k, {}))) for k in ("本科", "高职", "中职")]
    groups.append((zh.TOTAL_LABEL, {s: sum(g[1].get(s, 0) for g in groups) for s in STATUSES}))
    return zh.progress_table(zh.progress_schools_title(len(schools)), groups)


async def show_progress(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/progress: institutions by kind and status, with buttons for lists, cities and organizations."""
    d = deps(context)
    if await office_only(update, d) is None:
        return
    schools = [u for u in await units(d.db) if u.institution.kind != "培训评价组织"]
    await show(update, _by_kind(schools), _progress_buttons())


async def press_progress_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Lists names of one status, the table by city, or the organizations' table."""
    d = deps(context)
    if await office_only(update, d) is None:
        return
    query = update.callback_query
    assert query is not None
    _, action, arg = ((query.data or "") + "::").split(":")[:3]
    all_units = await units(d.db)
    schools = [u for u in all_units if u.institution.kind != "培训评价组织"]
    orgs = [u for u in all_units if u.institution.kind == "培训评价组织"]
    back = InlineKeyboardMarkup([[Button(zh.BTN_BACK_TO_PROGRESS, callback_data="p:kind:")]])
    if action == "list" and arg in STATUSES:
        names = [f"{u.institution.seq or ''} {u.institution.name}".strip() for u in schools if u.status == arg]
        names += [f"{u.institution.name} · {u.certificate}" for u in orgs if u.status == arg]
        await show_long(update, zh.status_list(arg, names), back)
    elif action == "city":
        by_city = tally(schools, "city")
        groups = sorted(((c, dict(v)) for c, v in by_city.items()), key=lambda g: g[0])
        await show(update, zh.progress_table(zh.PROGRESS_BY_CITY, groups), back)
    elif action == "orgs":
        groups = [("证书", {s: sum(1 for u in orgs if u.status == s) for s in STATUSES})]
        await show(update, zh.progress_table(zh.progress_orgs_title(len(orgs)), groups), back)
    elif action == "kind":
        await show(update, _by_kind(schools), _progress_buttons())
    else:
        await refuse(update, zh.STALE_BUTTON)


async def draw_or_show_sample(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/sample [seed]: draws a recorded, reproducible sample; /sample show: the latest one."""
    d = deps(context)
    who = await office_only(update, d)
    if who is None:
        return
    arg = " ".join(context.args or []).strip()
    if arg == "show":
        latest = await oversight.latest_sample(d.db.read)
        if latest is None:
            await show(update, zh.NO_SAMPLE)
            return
        sample_id, seed, _by, _at, strata = latest
        members = await oversight.sample_members(d.db.read, sample_id)
    else:
        sample_id, result = await draw_sample(d.db, seed=arg[:64] or None, actor=f"tg:{who.user_id}", at=d.now_iso())
        seed, strata = result.seed, json.dumps(result.strata)
        members = [(c.id, c.stratum) for c in result.picked]
    names = []
    for inst_id, _ in members:
        inst = await roster.institution(d.db.read, inst_id)
        names.append(inst.name if inst else str(inst_id))
    await show_long(update, zh.sample_drawn(sample_id, seed, json.loads(strata), names))


async def assign_expert(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/assign <expert id> <附件3 numbers or names...>: the institutions an expert may read and grade."""
    d = deps(context)
    who = await office_only(update, d)
    if who is None:
        return
    args = list(context.args or [])
    if len(args) < 2 or not args[0].isdigit():
        await show(update, zh.ASSIGN_USAGE)
        return
    expert = await people.get(d.db.read, int(args[0]))
    if expert is None or expert.role != "expert":
        await show(update, zh.EXPERT_UNKNOWN)
        return
    found = [await roster.find_institution(d.db.read, ref) for ref in args[1:]]
    if any(f is None for f in found):
        await show(update, zh.INVITE_NO_TARGET)
        return
    async with d.db.transaction() as conn:
        for inst in found:
            assert inst is not None
            await oversight.assign(conn, expert.user_id, inst.id, at=d.now_iso())
        await audit.record(
            conn,
            at=d.now_iso(),
            actor=f"tg:{who.user_id}",
            action="expert.assign",
            subject=str(expert.user_id),
            detail=[i.id for i in found if i],
        )
    await show(update, zh.assigned(expert.name, [i.name for i in found if i]))


async def list_experts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/experts: experts with their Telegram ids and how many institutions each was assigned."""
    d = deps(context)
    if await office_only(update, d) is None:
        return
    rows = [
        (p.user_id, p.name, len(await oversight.assigned_to(d.db.read, p.user_id)))
        for p in await people.with_role(d.db.read, "expert")
    ]
    await show(update, zh.experts_list(rows))


async def list_grades(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/grades: every expert's grade and comment."""
    d = deps(context)
    if await office_only(update, d) is None:
        return
    rows = []
    for user_id, inst_id, value, comment, _at in await oversight.grades(d.db.read):
        inst = await roster.institution(d.db.read, inst_id)
        expert = await people.get(d.db.read, user_id)
        rows.append((inst.name if inst else str(inst_id), value, expert.name if expert else str(user_id), comment))
    await show_long(update, zh.grades_list(rows))


async def list_flags(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/flags: answers that need attention (fees charged, breaches, implausible rates) and certificates
    whose institutions' numbers disagree with their training organization's."""
    d = deps(context)
    if await office_only(update, d) is None:
        return
    found = await findings(d.db)
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
    await show_long(update, zh.flags_text(rows, mismatches))


# --- the expert ------------------------------------------------------------------------------------------
async def show_expert_menu(update: Update, d: Deps, who: Person) -> None:
    rows, buttons = [], []
    current = {inst: (g, c) for uid, inst, g, c, _ in await oversight.grades(d.db.read) if uid == who.user_id}
    for inst_id in await oversight.assigned_to(d.db.read, who.user_id):
        inst = await roster.institution(d.db.read, inst_id)
        report = await reports.find(d.db.read, inst_id, None)
        status = zh.STATUS_NAMES[report.status] if report else zh.NOT_STARTED
        name = inst.name if inst else str(inst_id)
        rows.append((name, status, current.get(inst_id, (None, None))[0]))
        buttons.append([Button(name[:24], callback_data=f"x:{inst_id}:card:")])
    await show(update, zh.expert_menu(rows), InlineKeyboardMarkup(buttons) if buttons else None)


async def press_expert_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An assigned institution's card, and choosing a grade (the comment is typed next)."""
    d = deps(context)
    who = await with_role(update, d, "expert")
    if who is None:
        return
    parts = await button_parts(update, 4)
    if parts is None:
        return
    inst_id, action, arg = int(parts[1]), parts[2], parts[3]
    if not await oversight.is_assigned(d.db.read, who.user_id, inst_id):
        await refuse(update, zh.NOT_ALLOWED)
        return
    inst = await roster.institution(d.db.read, inst_id)
    assert inst is not None
    report = await reports.find(d.db.read, inst_id, None)
    if action == "card":
        mine = next(
            ((g, c) for uid, i, g, c, _ in await oversight.grades(d.db.read) if uid == who.user_id and i == inst_id),
            (None, None),
        )
        files = len(await evidence_store.of_report(d.db.read, report.id)) if report else 0
        status = zh.STATUS_NAMES[report.status] if report else zh.NOT_STARTED
        rows = [[Button(g, callback_data=f"x:{inst_id}:g:{n}") for n, g in enumerate(GRADES)]]
        if report is not None:
            rows.insert(
                0,
                [
                    Button(zh.BTN_PAGES, callback_data=f"r:{report.id}:page:1"),
                    Button(zh.BTN_FILES, callback_data=f"r:{report.id}:files:"),
                ],
            )
        await show(update, zh.expert_card(inst.name, status, files, mine[0], mine[1]), InlineKeyboardMarkup(rows))
    elif action == "g" and arg.isdigit() and int(arg) < len(GRADES):
        value = GRADES[int(arg)]
        try:
            async with d.db.transaction(update_id=update.update_id, at=d.now_iso()) as conn:
                await cursors.put(
                    conn,
                    user_id=who.user_id,
                    report_id=report.id if report else None,
                    item=None,
                    stage="grade_comment",
                    pending={"institution": inst_id, "grade": value},
                    at=d.now_iso(),
                )
        except AlreadyApplied:
            return
        await show(update, zh.grade_comment_prompt(value))
    else:
        await refuse(update, zh.STALE_BUTTON)


async def take_expert_text(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Person) -> None:
    """The comment of the grade the expert just chose; stores the grade with it."""
    d = deps(context)
    message = update.effective_message
    assert message is not None and message.text is not None
    cursor = await cursors.get(d.db.read, who.user_id)
    if cursor is None or cursor.stage != "grade_comment":
        await show_expert_menu(update, d, who)
        return
    pending = json.loads(cursor.pending)
    inst_id, value = int(pending["institution"]), str(pending["grade"])
    if not await oversight.is_assigned(d.db.read, who.user_id, inst_id):
        await refuse(update, zh.NOT_ALLOWED)
        return
    comment = message.text.strip()
    if comment in ("无", "没有", "-"):
        comment = ""
    if not comment and value in ("整改", "取消试点资格"):
        await refuse(update, zh.GRADE_COMMENT_REQUIRED)
        return
    if len(comment) > d.settings.max_text_length:
        await refuse(update, zh.invalid("too_long", {"limit": d.settings.max_text_length, "got": len(comment)}))
        return
    try:
        await grade(
            d.db,
            expert=who.user_id,
            institution_id=inst_id,
            value=value,
            comment=comment,
            at=d.now_iso(),
            update_id=update.update_id,
        )
    except AlreadyApplied:
        return
    await cursors.reset_stage(d.db, who.user_id, at=d.now_iso())
    inst = await roster.institution(d.db.read, inst_id)
    await show(
        update,
        zh.graded(inst.name if inst else str(inst_id), value),
        InlineKeyboardMarkup([[Button(zh.BTN_MENU, callback_data=f"x:{inst_id}:card:")]]),
    )


HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CommandHandler("progress", show_progress, filters=filters.ChatType.PRIVATE),
    CommandHandler("sample", draw_or_show_sample, filters=filters.ChatType.PRIVATE),
    CommandHandler("assign", assign_expert, filters=filters.ChatType.PRIVATE),
    CommandHandler("experts", list_experts, filters=filters.ChatType.PRIVATE),
    CommandHandler("grades", list_grades, filters=filters.ChatType.PRIVATE),
    CommandHandler("flags", list_flags, filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(press_progress_button, pattern=r"^p:"),
    CallbackQueryHandler(press_expert_button, pattern=r"^x:"),
]
