"""The office reviews a report: read it, return points or all of it with comments, accept, compare versions."""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot import buttons as bt
from bot.core import exports
from bot.core.render import answer_text, item_label
from bot.deps import Deps, deps
from bot.lifecycle import accept, diff, return_for_revision, review
from bot.reporting import Ctx, Refused, load_ctx
from bot.stages import BroadcastStage, ReturnPending, ReturnStage, pending
from handlers import notify
from handlers.adapter import TelegramOut
from handlers.campaign import take_broadcast_text
from handlers.firstday import resolve_unit
from handlers.guards import button, office_only
from handlers.longtext import show_long
from handlers.screen import refuse, show
from messages import documents as words
from messages import entry as en
from messages import when, zh
from storage import AlreadyApplied, cursors, replies, reports, versions
from storage.models import Person

Button = InlineKeyboardButton
_LINE = re.compile(r"^\s*(?:监测点\s*)?(s?\d+)\s*[：:，,\s]\s*(.+?)\s*$", re.I)
COMMENT_LIMIT = 500


async def render_card(d: Deps, ctx: Ctx) -> tuple[str, InlineKeyboardMarkup]:
    found = review(ctx, ctx.evidence)
    history = await versions.versions(d.db.read, ctx.report.id)
    text = zh.card(
        ctx.unit,
        ctx.certificate,
        ctx.report.status,
        ctx.report.version,
        when.local_time(ctx.report.submitted_at, d.settings.tz) if ctx.report.submitted_at else None,
        len(found.missing),
        sum(ctx.evidence.values()),
        len(history),
    )
    text += await _last_return(d, ctx)
    rid = ctx.report.id
    rows = [[Button(zh.BTN_PAGES, callback_data=bt.Review(rid, "page", 1).pack())]]
    if ctx.report.status == "submitted":
        rows.append(
            [
                Button(zh.BTN_RETURN_POINTS, callback_data=bt.Card(rid, "retpts").pack()),
                Button(zh.BTN_RETURN_ALL, callback_data=bt.Card(rid, "retall").pack()),
            ]
        )
        rows.append([Button(zh.BTN_ACCEPT, callback_data=bt.Card(rid, "acceptask").pack())])
    if len(history) >= 2:
        rows.append([Button(zh.BTN_DIFF, callback_data=bt.Card(rid, "diff").pack())])
    if history:
        rows.append([Button(words.BTN_CARD_WORD, callback_data=bt.Card(rid, "word").pack())])
    return text, InlineKeyboardMarkup(rows)


async def _last_return(d: Deps, ctx: Ctx) -> str:
    """The latest return's comments, each with what the coordinator replied beside it."""
    returns = await versions.revisions(d.db.read, ctx.report.id)
    if not returns:
        return ""
    last = returns[-1]
    answered = await replies.of_revision(d.db.read, last.id)
    blocks = [
        en.office_comment(item_label(ctx, key), comment, [r.text for r in answered.get(key, [])])
        for key, comment in last.comments.items()
    ]
    return "\n\n" + en.office_comments(en.last_return_title(last.version), blocks)


async def open_review(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/review [institution]: a report's card, or the list of reports waiting for review."""
    d = deps(context)
    if await office_only(update, d) is None:
        return
    ref = " ".join(context.args or [])
    if ref:
        # A number, a full name or an unambiguous part of one: /review 安徽工商
        inst = await resolve_unit(update, d, ref, ("本科", "高职", "中职", "培训评价组织"))
        if inst is None:
            return
        found = await reports.of_institution(d.db.read, inst.id)
    else:
        found = [r for r in await reports.all_reports(d.db.read) if r.status == "submitted"][:20]
    if not found:
        await show(update, zh.REVIEW_NOTHING if not ref else zh.REVIEW_USAGE)
        return
    if len(found) == 1:
        ctx = await load_ctx(d.db.read, found[0], d.outlines)
        await show(update, *await render_card(d, ctx))
        return
    rows = []
    for r in found:
        ctx = await load_ctx(d.db.read, r, d.outlines)
        label = f"{ctx.unit}{' · ' + ctx.certificate if ctx.certificate else ''}"[:40]
        rows.append([Button(label, callback_data=bt.Card(r.id, "card").pack())])
    await show(update, zh.REVIEW_PICK, InlineKeyboardMarkup(rows))


def parse_return_lines(ctx: Ctx, text: str) -> tuple[dict[str, str], list[str]]:
    comments: dict[str, str] = {}
    bad: list[str] = []
    for line in (raw for raw in text.splitlines() if raw.strip()):
        match = _LINE.match(line)
        if not match or len(match.group(2)) > COMMENT_LIMIT:
            bad.append(line.strip()[:40])
            continue
        ref, comment = match.group(1).lower(), match.group(2)
        if ref.startswith("s"):
            keys = [i.key for i in ctx.laid.items if i.narrative and f"s{i.section.no}" == ref]
        else:
            keys = [f"p{ref}"] if f"p{ref}" in ctx.laid.by_key else []
        if not keys:
            bad.append(line.strip()[:40])
        for key in keys:
            comments[key] = comment
    return comments, bad


async def take_office_text(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Person) -> None:
    """Typed text from the office: the comments of a return being prepared, else a hint."""
    d = deps(context)
    message = update.effective_message
    assert message is not None and message.text is not None
    cursor = await cursors.get(d.db.read, who.user_id)
    if cursor is not None and cursor.stage == BroadcastStage.TEXT:
        await take_broadcast_text(update, d, who, message.text)
        return
    report = await reports.get(d.db.read, cursor.report_id) if cursor and cursor.report_id else None
    if cursor is None or report is None or cursor.stage not in (ReturnStage.POINTS, ReturnStage.ALL):
        await refuse(update, zh.HELP_OFFICE.strip())
        return
    ctx = await load_ctx(d.db.read, report, d.outlines)
    if cursor.stage == ReturnStage.ALL:
        comment = message.text.strip()
        if not comment or len(comment) > COMMENT_LIMIT:
            await refuse(update, zh.RETURN_TOO_LONG)
            return
        comments = {"*": comment}
    else:
        comments, bad = parse_return_lines(ctx, message.text)
        if bad or not comments:
            await refuse(update, zh.RETURN_BAD_LINES + "\n" + "\n".join(bad or [message.text[:40]]))
            return
    async with d.db.transaction(update_id=update.update_id, at=d.now_iso()) as conn:
        await cursors.put(
            conn,
            user_id=who.user_id,
            report_id=report.id,
            item=None,
            stage=ReturnStage.CONFIRM,
            pending=ReturnPending(comments).dump(),
            at=d.now_iso(),
        )
    lines = [(item_label(ctx, k), c) for k, c in comments.items()]
    markup = InlineKeyboardMarkup(
        [
            [Button(zh.BTN_RETURN_CONFIRM, callback_data=bt.Card(report.id, "retgo").pack())],
            [Button(zh.BTN_CANCEL, callback_data=bt.Card(report.id, "card").pack())],
        ]
    )
    await show(update, zh.return_preview(lines), markup)


async def press_office_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The review card's buttons: start a return, confirm it, accept, compare the last two versions."""
    d = deps(context)
    who = await office_only(update, d)
    if who is None:
        return
    pressed = await button(update, bt.Card)
    if pressed is None:
        return
    report = await reports.get(d.db.read, pressed.report)
    if report is None:
        await refuse(update, zh.STALE_BUTTON)
        return
    action = pressed.action
    ctx = await load_ctx(d.db.read, report, d.outlines)
    card_button = InlineKeyboardMarkup([[Button(zh.BTN_CARD, callback_data=bt.Card(report.id, "card").pack())]])
    try:
        if action == "card":
            await show(update, *await render_card(d, ctx))
        elif action == "word":
            if update.callback_query is not None:
                await update.callback_query.answer()
            assert update.effective_chat is not None
            exports.schedule_report_word(d, update.effective_chat.id, TelegramOut(update, context.bot), report.id)
        elif action in ("retpts", "retall"):
            if report.status != "submitted":
                raise Refused("not_submitted" if report.status != "accepted" else "accepted_final")
            stage = ReturnStage.POINTS if action == "retpts" else ReturnStage.ALL
            async with d.db.transaction(update_id=update.update_id, at=d.now_iso()) as conn:
                await cursors.put(
                    conn, user_id=who.user_id, report_id=report.id, item=None, stage=stage, at=d.now_iso()
                )
            await show(update, zh.RETURN_POINTS_PROMPT if action == "retpts" else zh.RETURN_ALL_PROMPT, card_button)
        elif action == "retgo":
            cursor = await cursors.get(d.db.read, who.user_id)
            if cursor is None or cursor.report_id != report.id or cursor.stage != ReturnStage.CONFIRM:
                raise Refused("stale")
            prepared = pending(cursor, ReturnPending)
            if prepared is None or not prepared.root:
                raise Refused("stale")
            comments = prepared.dump()
            await return_for_revision(d.db, who, report.id, comments, at=d.now_iso(), update_id=update.update_id)
            await cursors.reset_stage(d.db, who.user_id, at=d.now_iso())
            await show(update, zh.returned_done(ctx.unit, len(comments)), card_button)
            lines = [(item_label(ctx, k), c) for k, c in comments.items()]
            first = next((i for i in ctx.laid.items if "*" in comments or i.key in comments), None)
            start = InlineKeyboardMarkup(
                [[Button(zh.BTN_START_REVISION, callback_data=bt.Walk(report.id, first.key, "go").pack())]]
                if first
                else []
            )
            await notify.tell(
                context.bot,
                await notify.coordinator_ids(d, report.institution_id),
                zh.returned_to_coordinator(ctx.unit, ctx.certificate, lines),
                start,
            )
        elif action == "acceptask":
            if report.status != "submitted":
                raise Refused("not_submitted" if report.status != "accepted" else "accepted_final")
            markup = InlineKeyboardMarkup(
                [
                    [Button(zh.BTN_ACCEPT_CONFIRM, callback_data=bt.Card(report.id, "acceptgo").pack())],
                    [Button(zh.BTN_CANCEL, callback_data=bt.Card(report.id, "card").pack())],
                ]
            )
            await show(update, zh.ACCEPT_ASK, markup)
        elif action == "acceptgo":
            await accept(d.db, who, report.id, at=d.now_iso(), update_id=update.update_id)
            await show(update, zh.accepted(ctx.unit), card_button)
            await notify.tell(
                context.bot,
                await notify.coordinator_ids(d, report.institution_id),
                zh.accepted_notice(ctx.unit, ctx.certificate),
            )
        elif action == "diff":
            history = await versions.versions(d.db.read, report.id)
            if len(history) < 2:
                await show(update, zh.DIFF_NEED_TWO, card_button)
                return
            old, new = history[-2].version, history[-1].version
            found = await diff(d.db.read, report.id, old, new)
            changed = [
                (item_label(ctx, key), _brief(ctx, key, before), _brief(ctx, key, after))
                for key, before, after in found.changed
            ]
            text = zh.diff_text(
                old, new, changed, [f["name"] for f in found.added_files], [f["name"] for f in found.removed_files]
            )
            await show_long(update, text, card_button)
        else:
            raise Refused("stale")
    except Refused as refused:
        await refuse(update, zh.REFUSALS[refused.code])
    except AlreadyApplied:
        return


def _brief(ctx: Ctx, key: str, value: object) -> str:
    item = ctx.laid.by_key.get(key)
    if item is None or value is None:
        return zh.NOT_ANSWERED
    text = answer_text(ctx, item, value) or zh.NOT_ANSWERED
    return zh.clip(text.replace("\n", " "), 120)


HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CommandHandler("review", open_review, filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(press_office_button, pattern=r"^o:"),
]
