"""Reading a report section by section, the summary before submitting, and submitting it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot import buttons as bt
from bot.deps import Deps, deps
from bot.evidence import blob_path
from bot.lifecycle import Incomplete, Review, may_read, review, submit
from bot.reading import reader_ctx, reader_file, reader_files
from bot.reporting import Ctx, Refused, load_ctx, may_write
from handlers import notify
from handlers.exports import schedule_own_report
from handlers.guards import bound, button
from handlers.longtext import show_long
from handlers.office_review import render_card
from handlers.render import answer_text, item_label
from handlers.screen import acknowledge, refuse, show, with_retry
from messages import entry as en
from messages import when, zh
from storage import AlreadyApplied, cursors, reports
from storage.models import Evidence, Person

Button = InlineKeyboardButton


def page_lines(ctx: Ctx, section_no: int) -> list[str]:
    lines = []
    for item in ctx.laid.section_items(section_no):
        value = ctx.value(item)
        shown = answer_text(ctx, item, value) or zh.NOT_ANSWERED
        if "\n" in shown:
            shown = "\n" + shown
        comment = ctx.comments.get(item.key) or ctx.comments.get("*")
        lines.append(
            zh.review_line(item_label(ctx, item.key), item.core, shown, ctx.evidence.get(item.key, 0), comment)
        )
    return lines


def render_page(ctx: Ctx, section_no: int, home: str) -> tuple[str, InlineKeyboardMarkup]:
    total = len(ctx.laid.sections)
    section = ctx.laid.sections[section_no - 1]
    text = zh.section_page(ctx.unit, ctx.certificate, section_no, total, section.title, page_lines(ctx, section_no))
    nav = []
    if section_no > 1:
        nav.append(Button(zh.BTN_PREV_PAGE, callback_data=bt.Review(ctx.report.id, "page", section_no - 1).pack()))
    if section_no < total:
        nav.append(Button(zh.BTN_NEXT_PAGE, callback_data=bt.Review(ctx.report.id, "page", section_no + 1).pack()))
    return text, InlineKeyboardMarkup([nav, [Button(zh.BTN_SUMMARY, callback_data=home)]])


def names(ctx: Ctx, keys: list[str]) -> list[str]:
    out = []
    for key in keys:
        item = ctx.laid.by_key[key]
        out.append(item_label(ctx, key) + (" ★" if item.core else ""))
    return out


def render_summary(ctx: Ctx, *, can_submit: bool) -> tuple[str, InlineKeyboardMarkup]:
    found = review(ctx, ctx.evidence)
    text = zh.review_summary(
        ctx.unit,
        ctx.certificate,
        ctx.report.status,
        ctx.report.version,
        names(ctx, [i.key for i in found.missing]),
        names(ctx, [i.key for i in found.missing_evidence]),
        sum(ctx.evidence.values()),
        # "可以提交" is for whoever may submit it, and only while it can be: never for readers.
        for_author=can_submit and ctx.report.status in ("draft", "returned"),
    )
    rows = [
        [
            Button(zh.BTN_PAGES, callback_data=bt.Review(ctx.report.id, "page", 1).pack()),
            Button(zh.BTN_FILES, callback_data=bt.Review(ctx.report.id, "files").pack()),
        ]
    ]
    if can_submit and ctx.report.status in ("draft", "returned"):
        rows.append([Button(zh.BTN_SUBMIT, callback_data=bt.Submit(ctx.report.id, "ask").pack())])
    rows.append([Button(zh.BTN_MENU, callback_data=bt.Menu("home", ctx.report.id).pack())])
    return text, InlineKeyboardMarkup(rows)


JUMP_BUTTONS = 24  # a screen of buttons; the rest are named in the text


def render_incomplete(ctx: Ctx, found: Review) -> tuple[str, InlineKeyboardMarkup]:
    """Why the report cannot be submitted yet, with a button to each item still missing something."""
    missing = names(ctx, [i.key for i in found.missing])
    lacking = names(ctx, [i.key for i in found.missing_evidence])
    todo = sorted({i.key: i for i in found.missing + found.missing_evidence}.values(), key=lambda i: i.index)
    buttons = [
        Button(
            en.jump_label(item_label(ctx, i.key), i.core, i in found.missing, i in found.missing_evidence),
            callback_data=bt.Walk(ctx.report.id, i.key, "go").pack(),
        )
        for i in todo[:JUMP_BUTTONS]
    ]
    rows = [buttons[n : n + 2] for n in range(0, len(buttons), 2)]
    rows.append([Button(zh.BTN_SUMMARY, callback_data=bt.Review(ctx.report.id, "sum").pack())])
    return zh.submit_refused(missing, lacking) + "\n" + en.JUMP_HINT, InlineKeyboardMarkup(rows)


async def _readable(update: Update, d: Deps, report_id: int) -> tuple[Person, Ctx] | None:
    who = await bound(update, d)
    if who is None:
        return None
    report = await reports.get(d.db.read, report_id)
    if report is None or not await may_read(d.db.read, who, report):
        await refuse(update, zh.NOT_ALLOWED)
        return None
    return who, await reader_ctx(d.db.read, who, report, d.outlines)  # a reader: the submitted version


async def show_review(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Shows a report's summary or one section page to anyone allowed to read it."""
    d = deps(context)
    query = update.callback_query
    assert query is not None
    pressed = await button(update, bt.Review)
    if pressed is None:
        return
    action, arg = pressed.action, pressed.arg
    found = await _readable(update, d, pressed.report)
    if found is None:
        return
    who, ctx = found
    if who.role == "office" and action == "sum":
        await show(update, *await render_card(d, ctx))
        return
    home = bt.Review(ctx.report.id, "sum").pack() if who.role != "office" else bt.Card(ctx.report.id, "card").pack()
    if action == "page" and arg is not None and 1 <= arg <= len(ctx.laid.sections):
        # A page of long narratives may pass Telegram's 4096 characters: sent in parts, cut at line ends.
        await show_long(update, *render_page(ctx, arg, home))
    elif action == "files":
        files = await reader_files(d.db.read, who, ctx.report)
        rows = [
            [Button(f"📄 {n}. {f.name}"[:24], callback_data=bt.Review(ctx.report.id, "file", f.id).pack())]
            for n, f in enumerate(files[:30], 1)
        ]
        rows.append([Button(zh.BTN_SUMMARY, callback_data=home)])
        text = zh.evidence_list(
            ctx.unit + (f" · {ctx.certificate}" if ctx.certificate else ""),
            [(f.id, f.name, f.size) for f in files],
            readonly=True,
        )
        await show(update, text, InlineKeyboardMarkup(rows))
    elif action == "file" and arg is not None:
        wanted = await reader_file(d.db.read, who, ctx.report, arg)
        if wanted is None:
            await refuse(update, zh.STALE_BUTTON)
            return
        await acknowledge(update)
        chat_id = update.effective_chat.id if update.effective_chat else who.user_id
        await send_evidence(context, chat_id, wanted, d.settings.evidence_dir)
    elif action == "sum":
        if may_write(who, ctx.report):
            async with d.db.transaction() as conn:  # 取消 on the submit confirmation ends that flow
                await cursors.end_submit(conn, who.user_id, at=d.now_iso())
        await show(update, *render_summary(ctx, can_submit=may_write(who, ctx.report)))
    else:
        await refuse(update, zh.STALE_BUTTON)


async def submit_report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Asks to confirm, then locks the report as a new version, sends the receipt and tells the office."""
    d = deps(context)
    query = update.callback_query
    assert query is not None
    who = await bound(update, d)
    if who is None:
        return
    pressed = await button(update, bt.Submit)
    if pressed is None:
        return
    action = pressed.action
    report = await reports.get(d.db.read, pressed.report)
    if report is None or not may_write(who, report):
        await refuse(update, zh.NOT_ALLOWED)
        return
    ctx = await load_ctx(d.db.read, report, d.outlines)
    if action == "ask":
        found = review(ctx, ctx.evidence)
        if report.status not in ("draft", "returned"):
            await refuse(update, zh.REFUSALS["locked"])
        elif not found.ready:
            await show(update, *render_incomplete(ctx, found))
        else:
            async with d.db.transaction() as conn:
                await cursors.start_submit(conn, who.user_id, report.id, at=d.now_iso())
            confirm = InlineKeyboardMarkup(
                [
                    [Button(zh.BTN_SUBMIT_CONFIRM, callback_data=bt.Submit(report.id, "go").pack())],
                    [Button(zh.BTN_CANCEL, callback_data=bt.Review(report.id, "sum").pack())],
                ]
            )
            await show(update, zh.SUBMIT_CONFIRM, confirm)
        return
    if action != "go":
        await refuse(update, zh.STALE_BUTTON)
        return
    try:
        updated, receipt = await submit(
            d.db, d.outlines, who, report.id, year=d.settings.campaign_year, at=d.now_iso(), update_id=update.update_id
        )
    except AlreadyApplied:
        return
    except Refused as refused:
        await refuse(update, zh.REFUSALS[refused.code])
        return
    except Incomplete as incomplete:
        await show(update, *render_incomplete(ctx, incomplete.review))
        return
    finally:
        async with d.db.transaction() as conn:  # the flow ended: held reminders may go out again
            await cursors.end_submit(conn, who.user_id, at=d.now_iso())
    local = when.local_time(d.clock.now(), d.settings.tz)
    text = zh.receipt(ctx.unit, ctx.certificate, receipt.number, receipt.version, local, receipt.checksum)
    await show(
        update, text, InlineKeyboardMarkup([[Button(zh.BTN_MENU, callback_data=bt.Menu("home", updated.id).pack())]])
    )
    # The document they must print, seal and e-mail comes right after the receipt.
    schedule_own_report(context, update, d, updated.id)
    card = InlineKeyboardMarkup([[Button(zh.BTN_OPEN_CARD, callback_data=bt.Card(updated.id, "card").pack())]])
    await notify.tell(
        context.bot,
        await notify.office_ids(d),
        zh.office_submitted(ctx.unit, ctx.certificate, receipt.version, receipt.number),
        card,
    )


async def send_evidence(context: ContextTypes.DEFAULT_TYPE, chat_id: int, found: Evidence, root: Path) -> None:
    """Sends a copy: by Telegram's file_id when it still works, else from our own stored bytes."""
    if found.tg_file_id:
        try:
            await with_retry(lambda: context.bot.send_document(chat_id, found.tg_file_id or "", filename=found.name))
            return
        except BadRequest:
            pass  # file ids belong to one bot and may change; our copy is the record
    data = await asyncio.to_thread(blob_path(root, found.sha256).read_bytes)
    await with_retry(lambda: context.bot.send_document(chat_id, data, filename=found.name))


HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CallbackQueryHandler(show_review, pattern=r"^r:"),
    CallbackQueryHandler(submit_report, pattern=r"^s:"),
]
