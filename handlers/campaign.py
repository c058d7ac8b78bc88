"""Deadlines, broadcasts and the questionnaire, in chat."""

from __future__ import annotations

import asyncio
import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot import broadcast, senders
from bot import buttons as bt
from bot.answers import Invalid, parse_text, parse_whole_numbers
from bot.deps import Deps, deps
from bot.evidence import EvidenceRefused, blob_path, write_blob
from bot.filetypes import detect
from bot.questionnaire import check
from bot.reminders import due_dates, parse_due
from bot.roster import ANHUI_CITIES, KINDS
from bot.stages import BroadcastPending, BroadcastStage, QuestStage, WalkStage, pending
from handlers.guards import button, office_only
from handlers.screen import acknowledge, refuse, show
from messages import when, zh
from storage import AlreadyApplied, audit, campaign, cursors, roster
from storage.models import Person

Button = InlineKeyboardButton


# --- deadlines -------------------------------------------------------------------------------------------
async def set_deadline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/deadline [report|questionnaire DATE]: shows or sets a deadline (a stored row reminders follow)."""
    d = deps(context)
    who = await office_only(update, d)
    if who is None:
        return
    args = list(context.args or [])
    if not args:
        dues = await due_dates(d)
        shown = [(k, when.local_date(v, d.settings.tz)) for k, v in dues.items()]
        await show(update, zh.deadlines_text(shown) + "\n" + zh.DEADLINE_USAGE)
        return
    if len(args) != 2 or args[0] not in zh.DEADLINE_KINDS:
        await show(update, zh.DEADLINE_USAGE)
        return
    due = parse_due(args[1], year=d.settings.campaign_year)
    if due is None:
        await show(update, zh.DEADLINE_BAD)
        return
    try:
        async with d.db.transaction(update_id=update.update_id, at=d.now_iso()) as conn:
            await campaign.set_deadline(conn, args[0], due.isoformat(), by=f"tg:{who.user_id}", at=d.now_iso())
            await audit.record(
                conn,
                at=d.now_iso(),
                actor=f"tg:{who.user_id}",
                action="deadline.set",
                subject=args[0],
                detail={"due_on": due.isoformat()},
            )
    except AlreadyApplied:
        return
    await show(update, zh.deadline_set(args[0], when.local_date(due, d.settings.tz)))


# --- broadcasts ------------------------------------------------------------------------------------------
async def start_broadcast(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/broadcast: asks for the text; the audience and a preview come next."""
    d = deps(context)
    who = await office_only(update, d)
    if who is None:
        return
    async with d.db.transaction() as conn:
        await cursors.put(
            conn, user_id=who.user_id, report_id=None, item=None, stage=BroadcastStage.TEXT, at=d.now_iso()
        )
    await show(update, zh.BROADCAST_ASK_TEXT)


def _audiences() -> InlineKeyboardMarkup:
    rows = [
        [
            Button(zh.audience_label("all", ""), callback_data=bt.Broadcast("aud", "all").pack()),
            Button(zh.audience_label("pending", ""), callback_data=bt.Broadcast("aud", "pending").pack()),
        ],
        [Button(k, callback_data=bt.Broadcast("aud", "kind", k).pack()) for k in KINDS],
        [Button(zh.audience_label("returned", ""), callback_data=bt.Broadcast("aud", "returned").pack())],
        [
            Button(zh.BTN_AUD_CITIES, callback_data=bt.Broadcast("cities").pack()),
            Button(zh.BTN_AUD_CERTS, callback_data=bt.Broadcast("certs").pack()),
        ],
        [Button(zh.BTN_CANCEL, callback_data=bt.Broadcast("cancel").pack())],
    ]
    return InlineKeyboardMarkup(rows)


async def take_broadcast_text(update: Update, d: Deps, who: Person, text: str) -> None:
    try:
        body = parse_text(text, limit=d.settings.max_text_length)
    except Invalid as invalid:
        await refuse(update, zh.invalid(invalid.code, invalid.params))
        return
    async with d.db.transaction() as conn:
        await cursors.put(
            conn,
            user_id=who.user_id,
            report_id=None,
            item=None,
            stage=BroadcastStage.AUDIENCE,
            pending=BroadcastPending(text=body).dump(),
            at=d.now_iso(),
        )
    await show(update, zh.BROADCAST_PICK, _audiences())


async def press_broadcast_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Audience choice, preview with the number of recipients, confirmation; sending runs in the background."""
    d = deps(context)
    who = await office_only(update, d)
    if who is None:
        return
    query = update.callback_query
    assert query is not None
    pressed = await button(update, bt.Broadcast)
    if pressed is None:
        return
    action, audience, arg = pressed.action, pressed.audience or "", pressed.arg
    cursor = await cursors.get(d.db.read, who.user_id)
    drafted = pending(cursor, BroadcastPending)
    if cursor is None or cursor.stage not in (BroadcastStage.AUDIENCE, BroadcastStage.CONFIRM) or drafted is None:
        await refuse(update, zh.STALE_BUTTON)
        return
    if action == "cancel":
        await cursors.reset_stage(d.db, who.user_id, at=d.now_iso())
        await show(update, zh.CANCELLED)
    elif action == "cities":
        rows = [
            [Button(c, callback_data=bt.Broadcast("aud", "city", c).pack()) for c in ANHUI_CITIES[i : i + 4]]
            for i in range(0, 16, 4)
        ]
        await show(update, zh.BROADCAST_PICK, InlineKeyboardMarkup(rows))
    elif action == "certs":
        certs = await roster.certificates(d.db.read)
        rows = [[Button(c.name[:24], callback_data=bt.Broadcast("aud", "cert", str(c.id)).pack())] for c in certs[:40]]
        await show(
            update,
            zh.BROADCAST_PICK,
            InlineKeyboardMarkup(rows or [[Button(zh.BTN_CANCEL, callback_data=bt.Broadcast("cancel").pack())]]),
        )
    elif action == "aud":
        if audience == "cert":
            cert_id = bt.parse_id(arg)
            cert = await roster.certificate(d.db.read, cert_id) if cert_id is not None else None
            arg = cert.name if cert else ""
        try:
            people_ = await broadcast.recipients(d, audience, arg)
        except ValueError:
            await refuse(update, zh.STALE_BUTTON)
            return
        if not people_:
            await refuse(update, zh.BROADCAST_NOBODY)
            return
        async with d.db.transaction() as conn:
            await cursors.put(
                conn,
                user_id=who.user_id,
                report_id=None,
                item=None,
                stage=BroadcastStage.CONFIRM,
                pending=drafted.model_copy(update={"audience": audience, "arg": arg}).dump(),
                at=d.now_iso(),
            )
        markup = InlineKeyboardMarkup(
            [
                [Button(zh.BTN_SEND, callback_data=bt.Broadcast("go").pack())],
                [Button(zh.BTN_CANCEL, callback_data=bt.Broadcast("cancel").pack())],
            ]
        )
        await show(
            update, zh.broadcast_preview(zh.audience_label(audience, arg), len(people_), drafted.text)[:4000], markup
        )
    elif action == "go" and cursor.stage == BroadcastStage.CONFIRM and drafted.audience is not None:
        people_ = await broadcast.recipients(d, drafted.audience, drafted.arg)
        try:
            async with d.db.transaction(update_id=update.update_id, at=d.now_iso()) as conn:
                bid = await campaign.create_broadcast(
                    conn,
                    # Stored as the HTML it is sent as: the office's words, escaped.
                    text=html.escape(drafted.text),
                    audience=drafted.audience,
                    arg=drafted.arg,
                    by=who.user_id,
                    at=d.now_iso(),
                    recipients=people_,
                )
                await cursors.put(
                    conn, user_id=who.user_id, report_id=None, item=None, stage=WalkStage.ASK, at=d.now_iso()
                )
                await audit.record(
                    conn,
                    at=d.now_iso(),
                    actor=f"tg:{who.user_id}",
                    action="broadcast.create",
                    subject=str(bid),
                    detail={"audience": drafted.audience, "n": len(people_)},
                )
        except AlreadyApplied:
            return
        text, _ = await broadcast.report_text(d, bid)
        await show(update, text)
        if query.message is not None:
            async with d.db.transaction() as conn:
                await campaign.set_report_message(conn, bid, query.message.chat.id, query.message.message_id)
        senders.start_broadcast(context.bot, d, bid)
    else:
        await refuse(update, zh.STALE_BUTTON)


# --- questionnaire ---------------------------------------------------------------------------------------
async def set_questionnaire(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/questionnaire teacher|student URL, or /questionnaire send: the links, and telling every school."""
    d = deps(context)
    who = await office_only(update, d)
    if who is None:
        return
    args = list(context.args or [])
    if args == ["send"]:
        links = {k: u for k, (u, _img) in (await campaign.links(d.db.read)).items()}
        people_ = await broadcast.recipients(d, "schools", "")
        due = (await due_dates(d))["questionnaire"]
        text = zh.quest_notice(links, zh.month_day(due.month, due.day))
        try:
            # The update is recorded with the broadcast: a replay after a crash never tells the schools twice.
            async with d.db.transaction(update_id=update.update_id, at=d.now_iso()) as conn:
                bid = await campaign.create_broadcast(
                    conn, text=text, audience="schools", arg="", by=who.user_id, at=d.now_iso(), recipients=people_
                )
                await audit.record(
                    conn,
                    at=d.now_iso(),
                    actor=f"tg:{who.user_id}",
                    action="questionnaire.send",
                    subject=str(bid),
                    detail={"n": len(people_)},
                )
        except AlreadyApplied:
            return
        report, _ = await broadcast.report_text(d, bid)
        sent = await context.bot.send_message(who.user_id, report)
        async with d.db.transaction() as conn:
            await campaign.set_report_message(conn, bid, sent.chat.id, sent.message_id)
        senders.start_broadcast(context.bot, d, bid)
        return
    if len(args) != 2 or args[0] not in zh.QUEST_KIND:
        await show(update, zh.QUEST_USAGE)
        return
    if not args[1].startswith(("http://", "https://")) or len(args[1]) > 500:
        await show(update, zh.QUEST_BAD_URL)
        return
    try:
        async with d.db.transaction(update_id=update.update_id, at=d.now_iso()) as conn:
            await campaign.set_link(conn, args[0], url=args[1], at=d.now_iso())
    except AlreadyApplied:
        return
    await show(update, zh.quest_link_set(args[0], args[1]))


async def take_questionnaire_qr(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Person) -> None:
    """A QR image from the office, captioned 教师问卷 or 学生问卷: stored like evidence, shown to coordinators."""
    d = deps(context)
    message = update.effective_message
    assert message is not None
    kind = zh.QUEST_CAPTIONS.get((message.caption or "").strip().lower())
    if kind is None:
        await refuse(update, zh.QUEST_QR_HOW)
        return
    file_id = message.photo[-1].file_id if message.photo else message.document.file_id if message.document else ""
    limit = d.settings.max_upload_mb * 1024 * 1024
    try:
        data = await senders.download(context.bot, file_id, limit=limit)
    except EvidenceRefused as refused:
        await refuse(update, refused.text())
        return
    filetype = await asyncio.to_thread(detect, data[:16], data)
    if filetype is None or filetype.kind not in ("jpeg", "png"):
        await refuse(update, zh.QUEST_QR_NOT_IMAGE)
        return
    digest = await asyncio.to_thread(write_blob, d.settings.evidence_dir, data)
    try:
        async with d.db.transaction(update_id=update.update_id, at=d.now_iso()) as conn:
            await campaign.set_link(conn, kind, image=digest, at=d.now_iso())
            await audit.record(
                conn,
                at=d.now_iso(),
                actor=f"tg:{who.user_id}",
                action="questionnaire.qr",
                subject=kind,
                detail={"sha256": digest},
            )
    except AlreadyApplied:
        return
    await show(update, zh.quest_qr_set(kind))


async def send_questionnaire_qr(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends the questionnaires' QR images the office published."""
    d = deps(context)
    assert update.effective_chat is not None
    await acknowledge(update)
    images = {k: img for k, (_url, img) in (await campaign.links(d.db.read)).items() if img}
    if not images:
        await context.bot.send_message(update.effective_chat.id, zh.QUEST_QR_NONE)
        return
    for kind, digest in images.items():
        data = await asyncio.to_thread(blob_path(d.settings.evidence_dir, digest).read_bytes)
        await context.bot.send_photo(update.effective_chat.id, data, caption=zh.QUEST_KIND[kind])


async def list_quota_gaps(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/quotas: institutions that reported numbers and still fall short, with what they lack."""
    d = deps(context)
    if await office_only(update, d) is None:
        return
    counts = await campaign.counts(d.db.read)
    rows = []
    for inst in await roster.institutions(d.db.read):
        if inst.id not in counts:
            continue
        pilots = await roster.pilots_of(d.db.read, inst.id)
        quota = check([(p.certificate_id, p.certificate_name) for p in pilots], counts[inst.id])
        if not quota.met:
            rows.append((inst.name, zh.quota_gap(quota.students_short, quota.teachers_short, quota.uncovered)))
    await show(update, zh.quotas_short(rows))


async def show_questionnaire(update: Update, d: Deps, who: Person, report_id: int) -> None:
    assert who.institution_id is not None
    pilots = await roster.pilots_of(d.db.read, who.institution_id)
    counts = (await campaign.counts(d.db.read)).get(who.institution_id, {})
    quota = check([(p.certificate_id, p.certificate_name) for p in pilots], counts)
    links = {k: u for k, (u, _img) in (await campaign.links(d.db.read)).items()}
    text = zh.quest_screen(
        links,
        [(p.certificate_name, counts.get(p.certificate_id)) for p in pilots],
        zh.quota_gap(quota.students_short, quota.teachers_short, quota.uncovered),
        quota.met,
    )
    rows = [
        [Button(zh.BTN_QUEST_QR, callback_data=bt.Menu("questqr", report_id).pack())],
        [Button(zh.BTN_MENU, callback_data=bt.Menu("home", report_id).pack())],
    ]
    if pilots:
        rows.insert(0, [Button(zh.BTN_QUEST_FILL, callback_data=bt.Menu("questfill", report_id).pack())])
    await show(update, text, InlineKeyboardMarkup(rows))


async def ask_questionnaire_row(update: Update, d: Deps, who: Person, report_id: int, row: int) -> None:
    assert who.institution_id is not None
    pilots = await roster.pilots_of(d.db.read, who.institution_id)
    async with d.db.transaction() as conn:
        await cursors.put(
            conn, user_id=who.user_id, report_id=report_id, item=None, row=row, stage=QuestStage.ROW, at=d.now_iso()
        )
    p = pilots[row]
    await show(update, zh.quest_ask(p.certificate_name, row + 1, len(pilots)))


async def take_questionnaire_text(update: Update, d: Deps, who: Person, text: str) -> None:
    """Stores one certificate's teacher, student and registered counts, then asks the next or shows the quota."""
    cursor = await cursors.get(d.db.read, who.user_id)
    assert cursor is not None and who.institution_id is not None
    pilots = await roster.pilots_of(d.db.read, who.institution_id)
    if cursor.row >= len(pilots):
        await refuse(update, zh.STALE_BUTTON)
        return
    try:
        teachers, students, registered = parse_whole_numbers(text, count=3, maximum=1_000_000)
    except Invalid as invalid:
        await refuse(
            update,
            zh.invalid(invalid.code, invalid.params)
            + "\n"
            + zh.quest_ask(pilots[cursor.row].certificate_name, cursor.row + 1, len(pilots)),
        )
        return
    try:
        async with d.db.transaction(update_id=update.update_id, at=d.now_iso()) as conn:
            await campaign.put_counts(
                conn,
                institution_id=who.institution_id,
                certificate_id=pilots[cursor.row].certificate_id,
                teachers=teachers,
                students=students,
                registered=registered,
                user_id=who.user_id,
                at=d.now_iso(),
            )
            await audit.record(
                conn,
                at=d.now_iso(),
                actor=f"tg:{who.user_id}",
                action="questionnaire.counts",
                subject=str(who.institution_id),
                detail={"certificate": pilots[cursor.row].certificate_id, "counts": [teachers, students, registered]},
            )
    except AlreadyApplied:
        return
    if cursor.row + 1 < len(pilots):
        await ask_questionnaire_row(update, d, who, cursor.report_id or 0, cursor.row + 1)
        return
    await cursors.reset_stage(d.db, who.user_id, at=d.now_iso())
    await show_questionnaire(update, d, who, cursor.report_id or 0)


HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CommandHandler("deadline", set_deadline, filters=filters.ChatType.PRIVATE),
    CommandHandler("broadcast", start_broadcast, filters=filters.ChatType.PRIVATE),
    CommandHandler("questionnaire", set_questionnaire, filters=filters.ChatType.PRIVATE),
    CommandHandler("quotas", list_quota_gaps, filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(press_broadcast_button, pattern=r"^b:"),
]
