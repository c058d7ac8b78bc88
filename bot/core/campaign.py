"""Deadlines, broadcasts and the questionnaire: the flows (handlers/campaign.py is their Telegram side)."""

from __future__ import annotations

import asyncio
import html

from bot.core import buttons as bt
from bot.core.events import Command, Press, Text, Upload
from bot.core.guards import office_only, pressed
from bot.core.stages import BroadcastPending, BroadcastStage, QuestStage, WalkStage, pending
from bot.core.uploads import fetched
from bot.core.views import Button, Keyboard, Out
from bot.deps import Deps
from bot.domain.answers.parsers import Invalid, parse_text, parse_whole_numbers
from bot.domain.campaign import broadcast
from bot.domain.campaign.questionnaire import check
from bot.domain.campaign.reminders import due_dates, parse_due
from bot.domain.people.roster import ANHUI_CITIES, KINDS
from bot.domain.reports.evidence import EvidenceRefused, blob_path, write_blob
from bot.domain.reports.filetypes import detect
from messages import when, zh
from storage import AlreadyApplied, audit, campaign, cursors, roster
from storage.models import Person


# --- deadlines -------------------------------------------------------------------------------------------
async def set_deadline(d: Deps, event: Command, out: Out) -> None:
    """/deadline [report|questionnaire DATE]: shows or sets a deadline (a stored row reminders follow)."""
    who = await office_only(d, event, out)
    if who is None:
        return
    args = list(event.args)
    if not args:
        dues = await due_dates(d)
        shown = [(k, when.local_date(v, d.settings.tz)) for k, v in dues.items()]
        await out.show(zh.deadlines_text(shown) + "\n" + zh.DEADLINE_USAGE)
        return
    if len(args) != 2 or args[0] not in zh.DEADLINE_KINDS:
        await out.show(zh.DEADLINE_USAGE)
        return
    due = parse_due(args[1], year=d.settings.campaign_year)
    if due is None:
        await out.show(zh.DEADLINE_BAD)
        return
    try:
        async with d.db.transaction(update_id=event.sender.update_id, at=d.now_iso()) as conn:
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
    await out.show(zh.deadline_set(args[0], when.local_date(due, d.settings.tz)))


# --- broadcasts ------------------------------------------------------------------------------------------
async def start_broadcast(d: Deps, event: Command, out: Out) -> None:
    """/broadcast: asks for the text; the audience and a preview come next."""
    who = await office_only(d, event, out)
    if who is None:
        return
    async with d.db.transaction() as conn:
        await cursors.put(
            conn, user_id=who.user_id, report_id=None, item=None, stage=BroadcastStage.TEXT, at=d.now_iso()
        )
    await out.show(zh.BROADCAST_ASK_TEXT)


def _audiences() -> Keyboard:
    rows = [
        [
            Button(zh.audience_label("all", ""), bt.Broadcast("aud", "all")),
            Button(zh.audience_label("pending", ""), bt.Broadcast("aud", "pending")),
        ],
        [Button(k, bt.Broadcast("aud", "kind", k)) for k in KINDS],
        [Button(zh.audience_label("returned", ""), bt.Broadcast("aud", "returned"))],
        [
            Button(zh.BTN_AUD_CITIES, bt.Broadcast("cities")),
            Button(zh.BTN_AUD_CERTS, bt.Broadcast("certs")),
        ],
        [Button(zh.BTN_CANCEL, bt.Broadcast("cancel"))],
    ]
    return Keyboard.of(rows)


async def _keep_draft(d: Deps, who: Person, stage: BroadcastStage, draft: BroadcastPending) -> None:
    """The broadcast being written, kept on the office member's cursor until it is sent or cancelled."""
    async with d.db.transaction() as conn:
        await cursors.put(
            conn, user_id=who.user_id, report_id=None, item=None, stage=stage, pending=draft.dump(), at=d.now_iso()
        )


async def take_broadcast_text(d: Deps, who: Person, text: str, out: Out) -> None:
    try:
        body = parse_text(text, limit=d.settings.max_text_length)
    except Invalid as invalid:
        await out.refuse(zh.invalid(invalid.code, invalid.params))
        return
    await _keep_draft(d, who, BroadcastStage.AUDIENCE, BroadcastPending(text=body))
    await out.show(zh.BROADCAST_PICK, _audiences())


async def press_broadcast_button(d: Deps, event: Press, out: Out) -> None:
    """Audience choice, preview with the number of recipients, confirmation; sending runs in the background."""
    who = await office_only(d, event, out)
    if who is None:
        return
    press = await pressed(event, out, bt.Broadcast)
    if press is None:
        return
    action, audience, arg = press.action, press.audience or "", press.arg
    cursor = await cursors.get(d.db.read, who.user_id)
    drafted = pending(cursor, BroadcastPending)
    if cursor is None or cursor.stage not in (BroadcastStage.AUDIENCE, BroadcastStage.CONFIRM) or drafted is None:
        await out.refuse(zh.STALE_BUTTON)
        return
    if action == "cancel":
        await cursors.reset_stage(d.db, who.user_id, at=d.now_iso())
        await out.show(zh.CANCELLED)
    elif action == "cities":
        rows = [[Button(c, bt.Broadcast("aud", "city", c)) for c in ANHUI_CITIES[i : i + 4]] for i in range(0, 16, 4)]
        await out.show(zh.BROADCAST_PICK, Keyboard.of(rows))
    elif action == "certs":
        certs = await roster.certificates(d.db.read)
        rows = [[Button(c.name[:24], bt.Broadcast("aud", "cert", str(c.id)))] for c in certs[:40]]
        await out.show(
            zh.BROADCAST_PICK,
            Keyboard.of(rows or [[Button(zh.BTN_CANCEL, bt.Broadcast("cancel"))]]),
        )
    elif action == "aud":
        if audience == "cert":
            cert_id = bt.parse_id(arg)
            cert = await roster.certificate(d.db.read, cert_id) if cert_id is not None else None
            arg = cert.name if cert else ""
        try:
            people_ = await broadcast.recipients(d, audience, arg)
        except ValueError:
            await out.refuse(zh.STALE_BUTTON)
            return
        if not people_:
            await out.refuse(zh.BROADCAST_NOBODY)
            return
        await _keep_draft(d, who, BroadcastStage.CONFIRM, drafted.model_copy(update={"audience": audience, "arg": arg}))
        markup = Keyboard.of(
            [
                [Button(zh.BTN_SEND, bt.Broadcast("go"))],
                [Button(zh.BTN_CANCEL, bt.Broadcast("cancel"))],
            ]
        )
        await out.show(
            zh.broadcast_preview(zh.audience_label(audience, arg), len(people_), drafted.text)[:4000], markup
        )
    elif action == "go" and cursor.stage == BroadcastStage.CONFIRM and drafted.audience is not None:
        people_ = await broadcast.recipients(d, drafted.audience, drafted.arg)
        try:
            async with d.db.transaction(update_id=event.sender.update_id, at=d.now_iso()) as conn:
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
        # The report replaces the pressed screen; the channel sends the outbox and keeps the report current.
        await out.sending(bid, text)
    else:
        await out.refuse(zh.STALE_BUTTON)


# --- questionnaire ---------------------------------------------------------------------------------------
async def set_questionnaire(d: Deps, event: Command, out: Out) -> None:
    """/questionnaire teacher|student URL, or /questionnaire send: the links, and telling every school."""
    who = await office_only(d, event, out)
    if who is None:
        return
    args = list(event.args)
    if args == ["send"]:
        links = {k: u for k, (u, _img) in (await campaign.links(d.db.read)).items()}
        people_ = await broadcast.recipients(d, "schools", "")
        due = (await due_dates(d))["questionnaire"]
        text = zh.quest_notice(links, zh.month_day(due.month, due.day))
        try:
            # The update is recorded with the broadcast: a replay after a crash never tells the schools twice.
            async with d.db.transaction(update_id=event.sender.update_id, at=d.now_iso()) as conn:
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
        await out.sending(bid, report)
        return
    if len(args) != 2 or args[0] not in zh.QUEST_KIND:
        await out.show(zh.QUEST_USAGE)
        return
    if not args[1].startswith(("http://", "https://")) or len(args[1]) > 500:
        await out.show(zh.QUEST_BAD_URL)
        return
    try:
        async with d.db.transaction(update_id=event.sender.update_id, at=d.now_iso()) as conn:
            await campaign.set_link(conn, args[0], url=args[1], at=d.now_iso())
    except AlreadyApplied:
        return
    await out.show(zh.quest_link_set(args[0], args[1]))


async def take_questionnaire_qr(d: Deps, who: Person, event: Upload, out: Out) -> None:
    """A QR image from the office, captioned 教师问卷 or 学生问卷: stored like evidence, shown to coordinators."""
    kind = zh.QUEST_CAPTIONS.get((event.caption or "").strip().lower())
    if kind is None:
        await out.refuse(zh.QUEST_QR_HOW)
        return
    try:
        data = await fetched(d, event)
    except EvidenceRefused as refused:
        await out.refuse(refused.text())
        return
    filetype = await asyncio.to_thread(detect, data[:16], data)
    if filetype is None or filetype.kind not in ("jpeg", "png"):
        await out.refuse(zh.QUEST_QR_NOT_IMAGE)
        return
    digest = await asyncio.to_thread(write_blob, d.settings.evidence_dir, data)
    try:
        async with d.db.transaction(update_id=event.sender.update_id, at=d.now_iso()) as conn:
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
    await out.show(zh.quest_qr_set(kind))


async def send_questionnaire_qr(d: Deps, event: Press, out: Out) -> None:
    """Sends the questionnaires' QR images the office published."""
    await out.ack()
    images = {k: img for k, (_url, img) in (await campaign.links(d.db.read)).items() if img}
    if not images:
        await out.reply(zh.QUEST_QR_NONE)
        return
    for kind, digest in images.items():
        data = await asyncio.to_thread(blob_path(d.settings.evidence_dir, digest).read_bytes)
        await out.picture(data, zh.QUEST_KIND[kind])


async def list_quota_gaps(d: Deps, event: Command, out: Out) -> None:
    """/quotas: institutions that reported numbers and still fall short, with what they lack."""
    if await office_only(d, event, out) is None:
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
    await out.show(zh.quotas_short(rows))


async def show_questionnaire(d: Deps, who: Person, report_id: int, out: Out) -> None:
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
        [Button(zh.BTN_QUEST_QR, bt.Menu("questqr", report_id))],
        [Button(zh.BTN_MENU, bt.Menu("home", report_id))],
    ]
    if pilots:
        rows.insert(0, [Button(zh.BTN_QUEST_FILL, bt.Menu("questfill", report_id))])
    await out.show(text, Keyboard.of(rows))


async def ask_questionnaire_row(d: Deps, who: Person, report_id: int, row: int, out: Out) -> None:
    assert who.institution_id is not None
    pilots = await roster.pilots_of(d.db.read, who.institution_id)
    if not 0 <= row < len(pilots):  # a stale button (the roster changed) or data nobody's button packs
        await out.refuse(zh.STALE_BUTTON)
        return
    async with d.db.transaction() as conn:
        await cursors.put(
            conn, user_id=who.user_id, report_id=report_id, item=None, row=row, stage=QuestStage.ROW, at=d.now_iso()
        )
    p = pilots[row]
    await out.show(zh.quest_ask(p.certificate_name, row + 1, len(pilots)))


async def take_questionnaire_text(d: Deps, who: Person, event: Text, out: Out) -> None:
    """Stores one certificate's teacher, student and registered counts, then asks the next or shows the quota."""
    cursor = await cursors.get(d.db.read, who.user_id)
    assert cursor is not None and who.institution_id is not None
    pilots = await roster.pilots_of(d.db.read, who.institution_id)
    if cursor.row >= len(pilots):
        await out.refuse(zh.STALE_BUTTON)
        return
    try:
        teachers, students, registered = parse_whole_numbers(event.text, count=3, maximum=1_000_000)
    except Invalid as invalid:
        await out.refuse(
            zh.invalid(invalid.code, invalid.params)
            + "\n"
            + zh.quest_ask(pilots[cursor.row].certificate_name, cursor.row + 1, len(pilots)),
        )
        return
    try:
        async with d.db.transaction(update_id=event.sender.update_id, at=d.now_iso()) as conn:
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
        await ask_questionnaire_row(d, who, cursor.report_id or 0, cursor.row + 1, out)
        return
    await cursors.reset_stage(d.db, who.user_id, at=d.now_iso())
    await show_questionnaire(d, who, cursor.report_id or 0, out)
