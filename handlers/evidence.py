"""Evidence: files and photos sent during the walk attach to the current item; list and remove them."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot import buttons as bt
from bot import reuse, senders
from bot.answers import visible
from bot.core import render
from bot.core.render import item_name
from bot.deps import Deps, deps
from bot.evidence import EvidenceRefused, store_upload
from bot.evidence import remove as remove_evidence
from bot.outlines.loader import Item
from bot.reporting import Ctx, Refused, Walk, load_ctx, may_write, reports_for
from bot.stages import AsideStage, EvidenceStage, PlacePending, WalkStage, pending
from handlers.adapter import markup as tg_markup
from handlers.campaign import take_questionnaire_qr
from handlers.guards import bound, button
from handlers.screen import refuse, show
from messages import entry as en
from messages import org_oversight as zo
from messages import zh
from storage import AlreadyApplied, cursors, reports
from storage import evidence as store
from storage.models import Cursor, Evidence, Person

Button = InlineKeyboardButton


@dataclass(frozen=True, slots=True)
class Incoming:
    """A file or photo someone sent, as Telegram describes it (nothing downloaded yet)."""

    file_id: str
    name: str | None
    size: int | None
    caption: str

    @classmethod
    def of(cls, message: Message) -> Incoming:
        caption = visible(message.caption or "")
        if message.document is not None:
            doc = message.document
            return cls(doc.file_id, doc.file_name, doc.file_size, caption)
        photo = message.photo[-1]
        return cls(photo.file_id, None, photo.file_size, caption)


def _photo_name(d: Deps, item: Item, caption: str) -> str:
    """A photo has no name: call it after the point and its caption, or the local time it arrived."""
    return en.photo_name(item_name(item), caption, d.clock.now().astimezone(d.settings.tz))


async def receive_evidence(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Downloads a document or photo, checks it, stores it once by SHA-256 and indexes it to the current item;
    sent from the menu or after the last answer, asks which point it supports first."""
    d = deps(context)
    message = update.effective_message
    assert message is not None
    who = await bound(update, d)
    if who is None:
        return
    if who.role == "office":
        await take_questionnaire_qr(update, context, who)
        return
    if who.role not in ("coordinator", "org"):
        await refuse(update, zh.REFUSALS["walk_not_for_role"])
        return
    incoming = Incoming.of(message)
    cursor = await cursors.get(d.db.read, who.user_id)
    report = await reports.get(d.db.read, cursor.report_id) if cursor and cursor.report_id else None
    if report is None:
        mine = await reports_for(d.db, who, d.outlines, at=d.now_iso())
        report = mine[0] if len(mine) == 1 else None
    if report is None or not may_write(who, report):
        await refuse(update, zh.REFUSALS["evidence_no_item"])
        return
    if report.status not in ("draft", "returned"):
        await refuse(update, zh.REFUSALS["locked"])
        return
    ctx = await load_ctx(d.db.read, report, d.outlines)
    item = ctx.laid.by_key.get(cursor.item or "") if cursor and cursor.report_id == report.id else None
    if (
        item is None
        or cursor is None
        or cursor.stage in (AsideStage.MENU, WalkStage.DONE, EvidenceStage.PLACE, AsideStage.SUBMIT)
    ):
        await _ask_where(update, d, who, ctx, cursor, incoming)
        return
    if not ctx.may_edit(item):
        await refuse(update, zh.REFUSALS["not_reopened"])
        return
    await _store_and_show(update, context, d, who, ctx, item, incoming)


async def _store_and_show(
    update: Update, context: ContextTypes.DEFAULT_TYPE, d: Deps, who: Person, ctx: Ctx, item: Item, incoming: Incoming
) -> None:
    """Stores the file on the item, then shows what was saved above the item's own question and buttons."""
    limit = d.settings.max_upload_mb * 1024 * 1024
    name = incoming.name if incoming.name is not None else _photo_name(d, item, incoming.caption)
    try:
        if incoming.size is not None and incoming.size > limit:
            # Refused before downloading a byte: the Bot API would refuse it anyway beyond 20 MB.
            raise EvidenceRefused("too_big", limit_mb=d.settings.max_upload_mb)
        data = await senders.download(context.bot, incoming.file_id, limit=limit)
        stored = await store_upload(
            d.db,
            d.settings.evidence_dir,
            data=data,
            file_name=name,
            report_id=ctx.report.id,
            item=item.key,
            user_id=who.user_id,
            file_id=incoming.file_id,
            at=d.now_iso(),
            update_id=update.update_id,
        )
    except EvidenceRefused as refused:
        await refuse(update, refused.text())
        return
    except AlreadyApplied:
        return
    saved = zh.evidence_saved(
        item_name(item), stored.name, zh.FILE_KINDS[stored.filetype.kind], stored.size, stored.count_for_item
    )
    walk = Walk(d.db, d.outlines, who, at=d.now_iso(), update_id=None, long_limit=d.settings.max_text_length)
    cursor = await cursors.get(d.db.read, who.user_id)
    if cursor is None or cursor.item != item.key or cursor.report_id != ctx.report.id:
        view = await walk.go(ctx.report.id, item.key)
    else:
        view = await walk.screen(ctx.report.id)
    text, keyboard = render.render(view, long_limit=d.settings.max_text_length)
    await show(update, saved + "\n\n" + text, tg_markup(keyboard))


def _recent_first(ctx: Ctx, items: list[Item], recent: list[str], current: str | None) -> list[Item]:
    rank = {key: n for n, key in enumerate(([current] if current else []) + recent)}
    return sorted(items, key=lambda i: (rank.get(i.key, len(rank)), i.index))


async def _ask_where(
    update: Update, d: Deps, who: Person, ctx: Ctx, cursor: Cursor | None, incoming: Incoming, section: int = 0
) -> None:
    """Keeps the file's Telegram id on the cursor and asks which point it supports: the points of the
    current section, the most recently answered first, and the other sections to choose from."""
    recent = await reports.recent_items(d.db.read, ctx.report.id, limit=len(ctx.laid.items))
    current = cursor.item if cursor and cursor.report_id == ctx.report.id else None
    if not section:
        anchor = ctx.laid.by_key.get(current or "") or ctx.laid.by_key.get(recent[0] if recent else "")
        section = anchor.section.no if anchor else 1
    waiting = PlacePending(file_id=incoming.file_id, name=incoming.name, size=incoming.size, caption=incoming.caption)
    async with d.db.transaction() as conn:
        await cursors.put(
            conn,
            user_id=who.user_id,
            report_id=ctx.report.id,
            item=current,
            stage=EvidenceStage.PLACE,
            pending=waiting.dump(),
            at=d.now_iso(),
        )
    await show(update, *render_place(ctx, section, recent, current, incoming))


def render_place(
    ctx: Ctx, section: int, recent: list[str], current: str | None, incoming: Incoming
) -> tuple[str, InlineKeyboardMarkup]:
    rid = ctx.report.id
    items = _recent_first(ctx, [i for i in ctx.laid.section_items(section) if i.point is not None], recent, current)
    buttons = [
        Button(
            zh.point_label(i.point.no) + (" ★" if i.core else "") + (en.LACKS_FILE_MARK if _lacks(ctx, i) else ""),
            callback_data=bt.Evidence(rid, i.key, "put").pack(),
        )
        for i in items
        if i.point is not None
    ]
    rows = [buttons[n : n + 2] for n in range(0, len(buttons), 2)]
    others = [
        Button(en.section_short(s.no), callback_data=bt.Evidence(rid, None, "sec", s.no).pack())
        for s in ctx.laid.sections
        if s.no != section
    ]
    rows.extend(others[n : n + 5] for n in range(0, len(others), 5))
    rows.append([Button(zh.BTN_CANCEL, callback_data=bt.Evidence(rid, None, "drop").pack())])
    section_title = ctx.laid.sections[section - 1].title
    what = incoming.name or en.A_PHOTO
    return en.ask_where(what, section, section_title), InlineKeyboardMarkup(rows)


def _lacks(ctx: Ctx, item: Item) -> bool:
    return ctx.state.needs_evidence(item) and not ctx.evidence.get(item.key)


async def _place(
    update: Update, context: ContextTypes.DEFAULT_TYPE, who: Person, ctx: Ctx, action: str, key: str, arg: int | None
) -> None:
    """The answer to "which point does this file support?": store it there, show another section, or drop it."""
    d = deps(context)
    cursor = await cursors.get(d.db.read, who.user_id)
    if cursor is None or cursor.stage != EvidenceStage.PLACE or cursor.report_id != ctx.report.id:
        await refuse(update, zh.STALE_BUTTON)
        return
    waiting = pending(cursor, PlacePending)
    if waiting is None or not waiting.file_id:
        await refuse(update, zh.STALE_BUTTON)
        return
    incoming = Incoming(waiting.file_id, waiting.name, waiting.size, waiting.caption)
    if action == "sec":
        if arg is None or not 1 <= arg <= len(ctx.laid.sections):
            await refuse(update, zh.STALE_BUTTON)
            return
        recent = await reports.recent_items(d.db.read, ctx.report.id, limit=len(ctx.laid.items))
        await show(update, *render_place(ctx, arg, recent, cursor.item, incoming))
        return
    if action == "drop":
        async with d.db.transaction() as conn:
            await cursors.put(
                conn,
                user_id=who.user_id,
                report_id=ctx.report.id,
                item=cursor.item,
                stage=AsideStage.MENU,
                at=d.now_iso(),
            )
        await show(
            update,
            en.FILE_DROPPED,
            InlineKeyboardMarkup([[Button(zh.BTN_MENU, callback_data=bt.Menu("home", ctx.report.id).pack())]]),
        )
        return
    item = ctx.laid.by_key.get(key)
    if item is None or item.point is None:
        await refuse(update, zh.STALE_BUTTON)
        return
    if not ctx.may_edit(item):
        await refuse(update, zh.REFUSALS["not_reopened"])
        return
    await _store_and_show(update, context, d, who, ctx, item, incoming)


async def press_evidence_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Lists an item's evidence, asks to confirm a removal, or removes one (soft: versions keep it)."""
    d = deps(context)
    query = update.callback_query
    assert query is not None
    who = await bound(update, d)
    if who is None:
        return
    pressed = await button(update, bt.Evidence)
    if pressed is None:
        return
    item_key, action, arg = pressed.item or "", pressed.action, pressed.arg
    report = await reports.get(d.db.read, pressed.report)
    if report is None or not may_write(who, report):
        await refuse(update, zh.NOT_ALLOWED)
        return
    ctx = await load_ctx(d.db.read, report, d.outlines)
    if action in ("put", "sec", "drop"):
        if report.status not in ("draft", "returned"):
            await refuse(update, zh.REFUSALS["locked"])
            return
        await _place(update, context, who, ctx, action, item_key, arg)
        return
    item = ctx.laid.by_key.get(item_key)
    if item is None:
        await refuse(update, zh.STALE_BUTTON)
        return
    done = None
    if action in ("take", "pick"):
        taken = await _take(update, d, who, report.id, item.key, arg)
        if taken is None:
            return
        done = zo.attached(item_name(item), taken.name)
        if action == "pick":
            await show_reuse(update, context, report.id, done=done)
            return
    elif action in ("ask", "rm"):
        found = await store.get(d.db.read, arg) if arg is not None else None
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
                        Button(zh.BTN_DELETE_CONFIRM, callback_data=bt.Evidence(report.id, item.key, "rm", arg).pack()),
                        Button(zh.BTN_CANCEL, callback_data=bt.Evidence(report.id, item.key, "list").pack()),
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
    # A submitted or accepted report (or a point not reopened) lists its files with nothing to delete them.
    editable = report.status in ("draft", "returned") and ctx.may_edit(item)
    rows = [
        [Button(f"🗑 {n}", callback_data=bt.Evidence(report.id, item.key, "ask", f.id).pack()) for n, f in chunk]
        for chunk in _chunks(list(enumerate(files, 1)), 4)
    ]
    rows = rows if editable else []
    if editable:
        # Files this institution already uploaded for its other reports: one tap attaches one here.
        others = await reuse.reusable(d.db, report.id, same_point=False)
        offered = reuse.for_item(others, item.key, {f.sha256 for f in files})
        rows += [
            [
                Button(
                    zo.reuse_other_button(r.evidence.name, r.certificate, _tag(ctx, r.item)),
                    callback_data=bt.Evidence(report.id, item.key, "take", r.evidence.id).pack(),
                )
            ]
            for r in offered[:MAX_OFFERED]
        ]
    rows.append([Button(zh.BTN_BACK_TO_ITEM, callback_data=bt.Walk(report.id, item.key, "go").pack())])
    listed = [(f.id, f.name, f.size) for f in files]
    text = zh.evidence_list(item_name(item), listed) if editable else en.evidence_read_only(item_name(item), listed)
    await show(update, ("✅ " + done + "\n" if done else "") + text, InlineKeyboardMarkup(rows))


MAX_OFFERED = 8  # files offered under one point's list; the menu's reuse screen lists all of them


def _tag(ctx: Ctx, key: str) -> str:
    """★6 for a core point, 7 for another, the narrative's name for a narrative."""
    item = ctx.laid.by_key.get(key)
    if item is None or item.point is None:
        return item_name(item) if item is not None else key
    return ("★" if item.point.core else "") + str(item.point.no)


async def _take(update: Update, d: Deps, who: Person, report_id: int, item: str, arg: int | None) -> Evidence | None:
    """Attaches another report's file in one tap; a refusal pops up and the screen stays."""
    if arg is None:
        await refuse(update, zh.STALE_BUTTON)
        return None
    try:
        return await reuse.attach(
            d.db,
            d.outlines,
            who,
            report_id=report_id,
            item_key=item,
            evidence_id=arg,
            at=d.now_iso(),
            update_id=update.update_id,
        )
    except AlreadyApplied:
        return None
    except Refused as refused:
        await refuse(update, zh.REFUSALS[refused.code])
    except EvidenceRefused:
        await refuse(update, zo.ALREADY_ATTACHED)
    return None


async def show_reuse(
    update: Update, context: ContextTypes.DEFAULT_TYPE, report_id: int, *, done: str | None = None
) -> None:
    """Files of the institution's other reports that this report lacks at the same point, one button
    each: a tap attaches the file to that point."""
    d = deps(context)
    report = await reports.get(d.db.read, report_id)
    assert report is not None
    ctx = await load_ctx(d.db.read, report, d.outlines)
    order = {item.key: n for n, item in enumerate(ctx.laid.items)}
    offered = [
        r
        for r in await reuse.reusable(d.db, report.id)
        if r.item in ctx.laid.by_key and ctx.may_edit(ctx.laid.by_key[r.item])
    ]
    offered.sort(key=lambda r: (order[r.item], r.evidence.id))
    editable = report.status in ("draft", "returned")
    rows = [
        [
            Button(
                zo.reuse_button(_tag(ctx, r.item), r.evidence.name),
                callback_data=bt.Evidence(report.id, r.item, "pick", r.evidence.id).pack(),
            )
        ]
        for r in (offered if editable else [])[:MAX_REUSE_BUTTONS]
    ]
    rows.append([Button(zh.BTN_MENU, callback_data=bt.Menu("home", report.id).pack())])
    unit = ctx.unit + (f" · {ctx.certificate}" if ctx.certificate else "")
    text = zo.reuse_screen(unit, len(offered), done) if editable else zh.REFUSALS["locked"]
    await show(update, text, InlineKeyboardMarkup(rows))


MAX_REUSE_BUTTONS = 40  # well under Telegram's 100 buttons per keyboard


async def core_evidence_hint(d: Deps, ctx: Ctx) -> tuple[str, list[Button]]:
    """For a training organization's certificate report: which core points need evidence, which still
    lack it, and which can take a file already uploaded for another certificate (with the button)."""
    needing, lacking = reuse.core_evidence(ctx)
    if not needing:
        return "", []
    lines = [zo.core_evidence([i.point.no for i in needing if i.point], [i.point.no for i in lacking if i.point])]
    same_point = {r.item for r in await reuse.reusable(d.db, ctx.report.id)}
    points = [i.point.no for i in ctx.laid.items if i.key in same_point and i.point is not None]
    buttons = []
    if points and ctx.report.status in ("draft", "returned"):
        lines.append(zo.reusable_points(points))
        buttons.append(Button(zo.BTN_REUSE, callback_data=bt.Menu("reuse", ctx.report.id).pack()))
    return "\n".join(lines), buttons


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
        [Button(f"📎 {item_name(i)}", callback_data=bt.Evidence(report.id, i.key, "list").pack())]
        for i in ctx.laid.items
        if ctx.evidence.get(i.key)
    ][:20]
    rows.append([Button(zh.BTN_MENU, callback_data=bt.Menu("home", report.id).pack())])
    await show(update, zh.evidence_overview(lines), InlineKeyboardMarkup(rows))


HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    MessageHandler(filters.ChatType.PRIVATE & (filters.Document.ALL | filters.PHOTO), receive_evidence),
    CallbackQueryHandler(press_evidence_button, pattern=r"^e:"),
]
