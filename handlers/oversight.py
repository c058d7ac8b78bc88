"""The office's oversight in chat (progress, sample, experts, grades) and the expert's own screens."""

from __future__ import annotations

import json
import logging

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot import buttons as bt
from bot.charts import progress_png
from bot.deps import Deps, deps
from bot.oversight import GRADES, GradeUnit, NotGradable, draw_sample, findings, grade, grade_unit, grade_units
from bot.progress import STATUSES, Unit, tally, units
from bot.reading import CommentRefused, grade_comment
from bot.stages import GradePending, GradeStage, pending
from handlers.guards import button, office_only, parse_id, with_role
from handlers.longtext import show_long
from handlers.screen import refuse, show, with_retry
from messages import documents as words
from messages import org_oversight as zo
from messages import when, zh
from storage import AlreadyApplied, audit, cursors, oversight, people, roster
from storage.models import ORG_KIND, Grade, Institution, Person

Button = InlineKeyboardButton
log = logging.getLogger("xcheck.oversight")


def _progress_buttons() -> InlineKeyboardMarkup:
    lists = [
        Button(zh.PROGRESS_STATUS[s] + zh.LIST_SUFFIX, callback_data=bt.Progress("list", s).pack()) for s in STATUSES
    ]
    return InlineKeyboardMarkup(
        [
            lists[:3],
            lists[3:],
            [
                Button(zh.BTN_BY_CITY, callback_data=bt.Progress("city").pack()),
                Button(zh.BTN_ORGS, callback_data=bt.Progress("orgs").pack()),
            ],
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
    rows = await units(d.db)
    schools = [u for u in rows if u.institution.kind != "培训评价组织"]
    await show(update, _by_kind(schools), _progress_buttons())
    assert update.effective_chat is not None
    context.application.create_task(
        send_progress_picture(context.bot, d, update.effective_chat.id, rows), update=update
    )


async def send_progress_picture(bot: Bot, d: Deps, chat_id: int, rows: list[Unit]) -> None:
    """The picture follows the table (from the same units): drawn in a worker thread (cached per data), sent
    as a photo."""
    try:
        png = await progress_png(d, rows)
        caption = words.PROGRESS_CAPTION.format(when=when.local_time(d.clock.now(), d.settings.tz))
        await with_retry(lambda: bot.send_photo(chat_id, png, caption=caption))
    except TelegramError:
        log.warning("progress picture for chat %s could not be delivered", chat_id, exc_info=True)


async def press_progress_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Lists names of one status, the table by city, or the organizations' table."""
    d = deps(context)
    if await office_only(update, d) is None:
        return
    query = update.callback_query
    assert query is not None
    pressed = await button(update, bt.Progress)
    if pressed is None:
        return
    action, arg = pressed.action, pressed.status
    all_units = await units(d.db)
    schools = [u for u in all_units if u.institution.kind != "培训评价组织"]
    orgs = [u for u in all_units if u.institution.kind == "培训评价组织"]
    back = InlineKeyboardMarkup([[Button(zh.BTN_BACK_TO_PROGRESS, callback_data=bt.Progress("kind").pack())]])
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
        try:
            sample_id, result = await draw_sample(
                d.db, seed=arg[:64] or None, actor=f"tg:{who.user_id}", at=d.now_iso(), update_id=update.update_id
            )
        except AlreadyApplied:
            return
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
    expert_id = parse_id(args[0]) if args else None
    if len(args) < 2 or expert_id is None:
        await show(update, zh.ASSIGN_USAGE)
        return
    expert = await people.get(d.db.read, expert_id)
    if expert is None or expert.role != "expert":
        await show(update, zh.EXPERT_UNKNOWN)
        return
    found = [await roster.find_institution(d.db.read, ref) for ref in args[1:]]
    if any(f is None for f in found):
        await show(update, zh.INVITE_NO_TARGET)
        return
    try:
        await _assign(d, who, expert, [i for i in found if i is not None], update.update_id)
    except AlreadyApplied:
        return
    await show(update, zh.assigned(expert.name, [i.name for i in found if i]))


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
    certs = {c.id: c.name for c in await roster.certificates(d.db.read)}
    for g in await oversight.all_grades(d.db.read):
        inst = await roster.institution(d.db.read, g.institution_id)
        expert = await people.get(d.db.read, g.user_id)
        label = (inst.name if inst else str(g.institution_id)) + (
            f" · {certs.get(g.certificate_id, g.certificate_id)}" if g.certificate_id else ""
        )
        rows.append((label, g.grade, expert.name if expert else str(g.user_id), g.comment))
    await show_long(update, zh.grades_list(rows))


async def list_flags(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/flags: answers that need attention (fees charged, breaches, implausible rates) and certificates
    whose institutions' numbers disagree with their training organization's."""
    d = deps(context)
    if await office_only(update, d) is None:
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
    await show_long(update, zh.flags_text(rows, mismatches, drafts))


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


async def show_expert_menu(update: Update, d: Deps, who: Person) -> None:
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
        buttons.append([Button(inst.name[:24], callback_data=bt.Expert(inst_id, "card").pack())])
    await show(update, zo.expert_menu(lines), InlineKeyboardMarkup(buttons) if buttons else None)


def _unit_buttons(unit: GradeUnit) -> list[list[InlineKeyboardButton]]:
    rows = []
    if unit.report is not None:
        rows.append(
            [
                Button(zh.BTN_PAGES, callback_data=bt.Review(unit.report.id, "page", 1).pack()),
                Button(zh.BTN_FILES, callback_data=bt.Review(unit.report.id, "files").pack()),
            ]
        )
    if unit.gradable:
        grades = [bt.Expert(unit.institution.id, "g", unit.certificate_id or None, n) for n in range(len(GRADES))]
        rows.append([Button(g, callback_data=b.pack()) for g, b in zip(GRADES, grades, strict=True)])
    return rows


async def _show_unit(update: Update, d: Deps, who: Person, unit: GradeUnit) -> None:
    given = (await _my_grades(d, who)).get((unit.institution.id, unit.certificate_id))
    status = zo.report_status(unit.report.status, unit.report.version) if unit.report else zh.NOT_STARTED
    text = zo.unit_card(
        unit.label, status, unit.files, given.grade if given else None, given.comment if given else None, unit.gradable
    )
    rows = _unit_buttons(unit)
    if unit.certificate_id:
        rows.append([Button(zo.BTN_BACK_TO_ORG, callback_data=bt.Expert(unit.institution.id, "card").pack())])
    else:
        rows.append([Button(zh.BTN_MENU, callback_data=bt.Menu("home").pack())])
    await show(update, text, InlineKeyboardMarkup(rows))


async def _show_org(update: Update, d: Deps, who: Person, found: list[GradeUnit], org_name: str) -> None:
    mine = await _my_grades(d, who)
    rows, buttons = [], []
    for unit in found:
        assert unit.certificate is not None
        given = mine.get((unit.institution.id, unit.certificate_id))
        status = zo.report_status(unit.report.status, unit.report.version) if unit.report else zh.NOT_STARTED
        rows.append(
            (unit.certificate.name, status, unit.files, zo.grade_note(given.grade if given else None, unit.gradable))
        )
        buttons.append(
            [
                Button(
                    f"📄 {unit.certificate.name}"[:24],
                    callback_data=bt.Expert(unit.institution.id, "cert", unit.certificate.id).pack(),
                )
            ]
        )
    buttons.append([Button(zh.BTN_MENU, callback_data=bt.Menu("home").pack())])
    await show(update, zo.org_card(org_name, rows), InlineKeyboardMarkup(buttons))


async def press_expert_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An assigned institution's card (an organization's certificates), and choosing a grade for a unit
    whose report is submitted (the comment is typed next)."""
    d = deps(context)
    who = await with_role(update, d, "expert")
    if who is None:
        return
    pressed = await button(update, bt.Expert)
    if pressed is None:
        return
    inst_id, action = pressed.institution, pressed.action
    if not await oversight.is_assigned(d.db.read, who.user_id, inst_id):
        await refuse(update, zh.NOT_ALLOWED)
        return
    inst = await roster.institution(d.db.read, inst_id)
    assert inst is not None
    if action == "card":
        found = await grade_units(d.db.read, inst_id)
        if inst.kind == ORG_KIND:
            await _show_org(update, d, who, found, inst.name)
        else:
            await _show_unit(update, d, who, found[0])
        return
    if action == "cert" and pressed.certificate is not None:
        unit = await grade_unit(d.db.read, inst_id, pressed.certificate)
        if unit is None:
            await refuse(update, zh.STALE_BUTTON)
            return
        await _show_unit(update, d, who, unit)
        return
    if action != "g" or pressed.grade is None or pressed.grade >= len(GRADES):
        await refuse(update, zh.STALE_BUTTON)
        return
    cert_id = pressed.certificate
    unit = await grade_unit(d.db.read, inst_id, cert_id)
    if unit is None:
        await refuse(update, zh.STALE_BUTTON)
        return
    if not unit.gradable:
        await refuse(update, zo.GRADE_NOT_SUBMITTED)
        return
    value = GRADES[pressed.grade]
    try:
        async with d.db.transaction(update_id=update.update_id, at=d.now_iso()) as conn:
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
    await show(update, zh.grade_comment_prompt(value))


async def take_expert_text(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Person) -> None:
    """The comment of the grade the expert just chose; stores the grade with it if the report is still
    submitted (it may have been returned for revision meanwhile)."""
    d = deps(context)
    message = update.effective_message
    assert message is not None and message.text is not None
    cursor = await cursors.get(d.db.read, who.user_id)
    chosen = pending(cursor, GradePending) if cursor is not None and cursor.stage == GradeStage.COMMENT else None
    if chosen is None:
        await show_expert_menu(update, d, who)
        return
    inst_id, value, cert_id = chosen.institution, chosen.grade, chosen.certificate
    if not await oversight.is_assigned(d.db.read, who.user_id, inst_id):
        await refuse(update, zh.NOT_ALLOWED)
        return
    try:
        comment = grade_comment(value, message.text, limit=d.settings.max_text_length)
    except CommentRefused as refused:
        await refuse(
            update,
            zh.GRADE_COMMENT_REQUIRED if refused.code == "required" else zh.invalid(refused.code, refused.params),
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
            update_id=update.update_id,
        )
    except AlreadyApplied:
        return
    except NotGradable:
        await cursors.reset_stage(d.db, who.user_id, at=d.now_iso())
        await refuse(update, zo.GRADE_NOT_SUBMITTED)
        return
    await cursors.reset_stage(d.db, who.user_id, at=d.now_iso())
    unit = await grade_unit(d.db.read, inst_id, cert_id)
    back = bt.Expert(inst_id, "cert", cert_id).pack() if cert_id else bt.Expert(inst_id, "card").pack()
    await show(
        update,
        zo.graded(unit.label if unit else str(inst_id), value),
        InlineKeyboardMarkup([[Button(zh.BTN_MENU, callback_data=back)]]),
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
