"""Evidence: files and photos sent during the walk attach to the current item; list and remove them."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.deps import deps
from bot.evidence import EvidenceRefused, download, store_upload
from bot.evidence import remove as remove_evidence
from bot.reporting import load_ctx, may_write
from handlers.campaign import take_questionnaire_qr
from handlers.guards import bound, button_parts
from handlers.render import item_name, menu_data, walk_data
from handlers.screen import refuse, show
from messages import zh
from storage import AlreadyApplied, cursors, reports
from storage import evidence as store
from storage.models import Evidence

Button = InlineKeyboardButton


def evidence_data(report_id: int, item: str, action: str, arg: str = "") -> str:
    return f"e:{report_id}:{item}:{action}:{arg}"


async def receive_evidence(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Downloads a document or photo, checks it, stores it once by SHA-256 and indexes it to the current item."""
    d = deps(context)
    message = update.effective_message
    assert message is not None
    who = await bound(update, d)
    if who is None:
        return
    if who.role == "office":
        await take_questionnaire_qr(update, context, who)
        return
    cursor = await cursors.get(d.db.read, who.user_id)
    report = await reports.get(d.db.read, cursor.report_id) if cursor and cursor.report_id else None
    if cursor is None or report is None or not may_write(who, report):
        await refuse(update, zh.REFUSALS["evidence_no_item"])
        return
    ctx = await load_ctx(d.db.read, report, d.outlines)
    item = ctx.laid.by_key.get(cursor.item or "")
    if item is None:
        await refuse(update, zh.REFUSALS["evidence_no_item"])
        return
    if report.status not in ("draft", "returned"):
        await refuse(update, zh.REFUSALS["locked"])
        return
    if not ctx.may_edit(item):
        await refuse(update, zh.REFUSALS["not_reopened"])
        return
    if message.document is not None:
        file_id, name, size = message.document.file_id, message.document.file_name, message.document.file_size
    else:
        photo = message.photo[-1]
        file_id, name, size = photo.file_id, None, photo.file_size
    limit = d.settings.max_upload_mb * 1024 * 1024
    try:
        if size is not None and size > limit:
            # Refused before downloading a byte: the Bot API would refuse it anyway beyond 20 MB.
            raise EvidenceRefused("too_big", limit_mb=d.settings.max_upload_mb)
        data = await download(context.bot, file_id, limit=limit)
        stored = await store_upload(
            d.db,
            d.settings.evidence_dir,
            data=data,
            file_name=name,
            report_id=report.id,
            item=item.key,
            user_id=who.user_id,
            file_id=file_id,
            at=d.now_iso(),
            update_id=update.update_id,
        )
    except EvidenceRefused as refused:
        await refuse(update, zh.EVIDENCE_REFUSALS[refused.code].format(**refused.params))
        return
    except AlreadyApplied:
        return
    markup = InlineKeyboardMarkup(
        [
            [
                Button(
                    f"{zh.BTN_EVIDENCE} ({stored.count_for_item})",
                    callback_data=evidence_data(report.id, item.key, "list"),
                )
            ],
            [Button(zh.BTN_BACK_TO_ITEM, callback_data=walk_data(report.id, item.key, "go"))],
        ]
    )
    text = zh.evidence_saved(
        item_name(item), stored.name, zh.FILE_KINDS[stored.filetype.kind], stored.size, stored.count_for_item
    )
    await show(update, text, markup)


async def press_evidence_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Lists an item's evidence, asks to confirm a removal, or removes one (soft: versions keep it)."""
    d = deps(context)
    query = update.callback_query
    assert query is not None
    who = await bound(update, d)
    if who is None:
        return
    parts = await button_parts(update, 5)
    if parts is None:
        return
    _, rid_text, item_key, action, arg = parts
    report = await reports.get(d.db.read, int(rid_text))
    if report is None or not may_write(who, report):
        await refuse(update, zh.NOT_ALLOWED)
        return
    ctx = await load_ctx(d.db.read, report, d.outlines)
    item = ctx.laid.by_key.get(item_key)
    if item is None:
        await refuse(update, zh.STALE_BUTTON)
        return
    if action in ("ask", "rm"):
        found = await store.get(d.db.read, int(arg)) if arg.isdigit() else None
        if found is None or found.report_id != report.id or found.item != item.key:
            await refuse(update, zh.STALE_BUTTON)
            return
        if report.status not in ("draft", "returned") or not ctx.may_edit(item):
            await refuse(
                update, zh.REFUSALS["locked" if report.status not in ("draft", "returned") else "not_reopened"]
            )
            return
        if action == "ask":
            markup = InlineKeyboardMarkup(
                [
                    [
                        Button(zh.BTN_DELETE_CONFIRM, callback_data=evidence_data(report.id, item.key, "rm", arg)),
                        Button(zh.BTN_CANCEL, callback_data=evidence_data(report.id, item.key, "list")),
                    ]
                ]
            )
            await show(update, zh.evidence_delete_confirm(found.name), markup)
            return
        try:
            await remove_evidence(
                d.db,
                report_id=report.id,
                item=item.key,
                evidence_id=found.id,
                name=found.name,
                user_id=who.user_id,
                at=d.now_iso(),
                update_id=update.update_id,
            )
        except AlreadyApplied:
            return
    files = await store.of_report(d.db.read, report.id, item.key)
    rows = [
        [Button(f"🗑 {n}", callback_data=evidence_data(report.id, item.key, "ask", str(f.id))) for n, f in chunk]
        for chunk in _chunks(list(enumerate(files, 1)), 4)
    ]
    rows.append([Button(zh.BTN_BACK_TO_ITEM, callback_data=walk_data(report.id, item.key, "go"))])
    text = zh.evidence_list(item_name(item), [(f.id, f.name, f.size) for f in files])
    await show(update, text, InlineKeyboardMarkup(rows))


def _chunks(items: list[tuple[int, Evidence]], size: int) -> list[list[tuple[int, Evidence]]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


async def show_evidence_overview(update: Update, context: ContextTypes.DEFAULT_TYPE, report_id: int) -> None:
    """The report's evidence by item, with a button to each item that has some."""
    d = deps(context)
    report = await reports.get(d.db.read, report_id)
    assert report is not None
    ctx = await load_ctx(d.db.read, report, d.outlines)
    lines = [(item_name(i), ctx.evidence[i.key]) for i in ctx.laid.items if ctx.evidence.get(i.key)]
    rows = [
        [Button(f"📎 {item_name(i)}", callback_data=evidence_data(report.id, i.key, "list"))]
        for i in ctx.laid.items
        if ctx.evidence.get(i.key)
    ][:20]
    rows.append([Button(zh.BTN_MENU, callback_data=menu_data("home", report.id))])
    await show(update, zh.evidence_overview(lines), InlineKeyboardMarkup(rows))


HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    MessageHandler(filters.ChatType.PRIVATE & (filters.Document.ALL | filters.PHOTO), receive_evidence),
    CallbackQueryHandler(press_evidence_button, pattern=r"^e:"),
]
