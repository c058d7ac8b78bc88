"""Evidence: files and photos sent during the walk attach to the current item; list and remove them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from bot.core import buttons as bt
from bot.core import campaign as core_campaign
from bot.core import render
from bot.core.events import Press, Upload
from bot.core.guards import bound, pressed
from bot.core.render import item_name
from bot.core.stages import AsideStage, EvidenceStage, PlacePending, WalkStage, pending
from bot.core.uploads import fetched_by
from bot.core.views import Button, Keyboard, Out
from bot.deps import Deps
from bot.domain.answers.parsers import visible
from bot.domain.outlines.loader import Item
from bot.domain.reports import reuse
from bot.domain.reports.evidence import EvidenceRefused, store_upload
from bot.domain.reports.evidence import remove as remove_evidence
from bot.domain.walk.reporting import Ctx, Refused, Walk, load_ctx, may_write, reports_for
from messages import entry as en
from messages import org_oversight as zo
from messages import zh
from storage import AlreadyApplied, cursors, reports
from storage import evidence as store
from storage.models import Cursor, Evidence, Person


@dataclass(frozen=True, slots=True)
class Incoming:
    """A file or photo someone sent, as the channel describes it (nothing downloaded yet)."""

    file_id: str
    name: str | None
    size: int | None
    caption: str

    @classmethod
    def of(cls, event: Upload) -> Incoming:
        return cls(event.file_id or "", event.file_name, event.size, visible(event.caption or ""))


def _photo_name(d: Deps, item: Item, caption: str) -> str:
    """A photo has no name: call it after the point and its caption, or the local time it arrived."""
    return en.photo_name(item_name(item), caption, d.clock.now().astimezone(d.settings.tz))


async def receive_evidence(d: Deps, event: Upload, out: Out) -> None:
    """Downloads a document or photo, checks it, stores it once by SHA-256 and indexes it to the current item;
    sent from the menu or after the last answer, asks which point it supports first."""
    who = await bound(d, event, out)
    if who is None:
        return
    if who.role == "office":
        await core_campaign.take_questionnaire_qr(d, who, event, out)
        return
    if who.role not in ("coordinator", "org"):
        await out.refuse(zh.REFUSALS["walk_not_for_role"])
        return
    incoming = Incoming.of(event)
    cursor = await cursors.get(d.db.read, who.user_id)
    report = await reports.get(d.db.read, cursor.report_id) if cursor and cursor.report_id else None
    if report is None:
        mine = await reports_for(d.db, who, d.outlines, at=d.now_iso())
        report = mine[0] if len(mine) == 1 else None
    if report is None or not may_write(who, report):
        await out.refuse(zh.REFUSALS["evidence_no_item"])
        return
    if report.status not in ("draft", "returned"):
        await out.refuse(zh.REFUSALS["locked"])
        return
    ctx = await load_ctx(d.db.read, report, d.outlines)
    item = ctx.laid.by_key.get(cursor.item or "") if cursor and cursor.report_id == report.id else None
    if (
        item is None
        or cursor is None
        or cursor.stage in (AsideStage.MENU, WalkStage.DONE, EvidenceStage.PLACE, AsideStage.SUBMIT)
    ):
        await _ask_where(d, who, ctx, cursor, incoming, out)
        return
    if not ctx.may_edit(item):
        await out.refuse(zh.REFUSALS["not_reopened"])
        return
    await _store_and_show(d, who, ctx, item, incoming, event.fetch, event.sender.update_id, out)


async def _store_and_show(
    d: Deps,
    who: Person,
    ctx: Ctx,
    item: Item,
    incoming: Incoming,
    fetch: Callable[[Path], Awaitable[None]],
    update_id: int,
    out: Out,
) -> None:
    """Stores the file on the item, then shows what was saved above the item's own question and buttons."""
    limit = d.settings.max_upload_mb * 1024 * 1024
    name = incoming.name if incoming.name is not None else _photo_name(d, item, incoming.caption)
    try:
        if incoming.size is not None and incoming.size > limit:
            # Refused before downloading a byte: the Bot API would refuse it anyway beyond 20 MB.
            raise EvidenceRefused("too_big", limit_mb=d.settings.max_upload_mb)
        data = await fetched_by(d, fetch)
        stored = await store_upload(
            d.db,
            d.settings.evidence_dir,
            data=data,
            file_name=name,
            report_id=ctx.report.id,
            item=item.key,
            user_id=who.user_id,
            file_id=incoming.file_id or None,
            at=d.now_iso(),
            update_id=update_id,
        )
    except EvidenceRefused as refused:
        await out.refuse(refused.text())
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
    await out.show(saved + "\n\n" + text, keyboard)


def _recent_first(ctx: Ctx, items: list[Item], recent: list[str], current: str | None) -> list[Item]:
    rank = {key: n for n, key in enumerate(([current] if current else []) + recent)}
    return sorted(items, key=lambda i: (rank.get(i.key, len(rank)), i.index))


async def _ask_where(
    d: Deps, who: Person, ctx: Ctx, cursor: Cursor | None, incoming: Incoming, out: Out, section: int = 0
) -> None:
    """Keeps the channel's id of the file on the cursor and asks which point it supports: the points of the
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
    await out.show(*render_place(ctx, section, recent, current, incoming))


def render_place(
    ctx: Ctx, section: int, recent: list[str], current: str | None, incoming: Incoming
) -> tuple[str, Keyboard]:
    rid = ctx.report.id
    items = _recent_first(ctx, [i for i in ctx.laid.section_items(section) if i.point is not None], recent, current)
    buttons = [
        Button(
            zh.point_label(i.point.no) + (" ★" if i.core else "") + (en.LACKS_FILE_MARK if _lacks(ctx, i) else ""),
            bt.Evidence(rid, i.key, "put"),
        )
        for i in items
        if i.point is not None
    ]
    rows = [buttons[n : n + 2] for n in range(0, len(buttons), 2)]
    others = [
        Button(en.section_short(s.no), bt.Evidence(rid, None, "sec", s.no))
        for s in ctx.laid.sections
        if s.no != section
    ]
    rows.extend(others[n : n + 5] for n in range(0, len(others), 5))
    rows.append([Button(zh.BTN_CANCEL, bt.Evidence(rid, None, "drop"))])
    section_title = ctx.laid.sections[section - 1].title
    what = incoming.name or en.A_PHOTO
    return en.ask_where(what, section, section_title), Keyboard.of(rows)


def _lacks(ctx: Ctx, item: Item) -> bool:
    return ctx.state.needs_evidence(item) and not ctx.evidence.get(item.key)


async def _place(
    d: Deps, event: Press, who: Person, ctx: Ctx, action: str, key: str, arg: int | None, out: Out
) -> None:
    """The answer to "which point does this file support?": store it there, show another section, or drop it."""
    cursor = await cursors.get(d.db.read, who.user_id)
    if cursor is None or cursor.stage != EvidenceStage.PLACE or cursor.report_id != ctx.report.id:
        await out.refuse(zh.STALE_BUTTON)
        return
    waiting = pending(cursor, PlacePending)
    if waiting is None or not waiting.file_id:
        await out.refuse(zh.STALE_BUTTON)
        return
    incoming = Incoming(waiting.file_id, waiting.name, waiting.size, waiting.caption)
    if action == "sec":
        if arg is None or not 1 <= arg <= len(ctx.laid.sections):
            await out.refuse(zh.STALE_BUTTON)
            return
        recent = await reports.recent_items(d.db.read, ctx.report.id, limit=len(ctx.laid.items))
        await out.show(*render_place(ctx, arg, recent, cursor.item, incoming))
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
        await out.show(
            en.FILE_DROPPED,
            Keyboard.of([[Button(zh.BTN_MENU, bt.Menu("home", ctx.report.id))]]),
        )
        return
    item = ctx.laid.by_key.get(key)
    if item is None or item.point is None:
        await out.refuse(zh.STALE_BUTTON)
        return
    if not ctx.may_edit(item):
        await out.refuse(zh.REFUSALS["not_reopened"])
        return
    fetch_file = event.fetch_file

    async def fetch(dest: Path) -> None:
        if fetch_file is None:  # a channel that cannot fetch a file again: the user sends it again
            raise EvidenceRefused("download_failed")
        await fetch_file(incoming.file_id, dest)

    await _store_and_show(d, who, ctx, item, incoming, fetch, event.sender.update_id, out)


async def press_evidence_button(d: Deps, event: Press, out: Out) -> None:
    """Lists an item's evidence, asks to confirm a removal, or removes one (soft: versions keep it)."""
    who = await bound(d, event, out)
    if who is None:
        return
    press = await pressed(event, out, bt.Evidence)
    if press is None:
        return
    item_key, action, arg = press.item or "", press.action, press.arg
    report = await reports.get(d.db.read, press.report)
    if report is None or not may_write(who, report):
        await out.refuse(zh.NOT_ALLOWED)
        return
    ctx = await load_ctx(d.db.read, report, d.outlines)
    if action in ("put", "sec", "drop"):
        if report.status not in ("draft", "returned"):
            await out.refuse(zh.REFUSALS["locked"])
            return
        await _place(d, event, who, ctx, action, item_key, arg, out)
        return
    item = ctx.laid.by_key.get(item_key)
    if item is None:
        await out.refuse(zh.STALE_BUTTON)
        return
    done = None
    if action in ("take", "pick"):
        taken = await _take(d, event, who, report.id, item.key, arg, out)
        if taken is None:
            return
        done = zo.attached(item_name(item), taken.name)
        if action == "pick":
            await show_reuse(d, report.id, out, done=done)
            return
    elif action in ("ask", "rm"):
        found = await store.get(d.db.read, arg) if arg is not None else None
        if found is None or found.report_id != report.id or found.item != item.key:
            await out.refuse(zh.STALE_BUTTON)
            return
        if report.status not in ("draft", "returned") or not ctx.may_edit(item):
            await out.refuse(zh.REFUSALS["locked" if report.status not in ("draft", "returned") else "not_reopened"])
            return
        if action == "ask":
            markup = Keyboard.of(
                [
                    [
                        Button(zh.BTN_DELETE_CONFIRM, bt.Evidence(report.id, item.key, "rm", arg)),
                        Button(zh.BTN_CANCEL, bt.Evidence(report.id, item.key, "list")),
                    ]
                ]
            )
            await out.show(zh.evidence_delete_confirm(found.name), markup)
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
                update_id=event.sender.update_id,
            )
        except AlreadyApplied:
            return
    files = await store.of_report(d.db.read, report.id, item.key)
    # A submitted or accepted report (or a point not reopened) lists its files with nothing to delete them.
    editable = report.status in ("draft", "returned") and ctx.may_edit(item)
    rows = [
        [Button(f"🗑 {n}", bt.Evidence(report.id, item.key, "ask", f.id)) for n, f in chunk]
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
                    bt.Evidence(report.id, item.key, "take", r.evidence.id),
                )
            ]
            for r in offered[:MAX_OFFERED]
        ]
    rows.append([Button(zh.BTN_BACK_TO_ITEM, bt.Walk(report.id, item.key, "go"))])
    listed = [(f.id, f.name, f.size) for f in files]
    text = zh.evidence_list(item_name(item), listed) if editable else en.evidence_read_only(item_name(item), listed)
    await out.show(("✅ " + done + "\n" if done else "") + text, Keyboard.of(rows))


MAX_OFFERED = 8  # files offered under one point's list; the menu's reuse screen lists all of them


def _tag(ctx: Ctx, key: str) -> str:
    """★6 for a core point, 7 for another, the narrative's name for a narrative."""
    item = ctx.laid.by_key.get(key)
    if item is None or item.point is None:
        return item_name(item) if item is not None else key
    return ("★" if item.point.core else "") + str(item.point.no)


async def _take(
    d: Deps, event: Press, who: Person, report_id: int, item: str, arg: int | None, out: Out
) -> Evidence | None:
    """Attaches another report's file in one tap; a refusal pops up and the screen stays."""
    if arg is None:
        await out.refuse(zh.STALE_BUTTON)
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
            update_id=event.sender.update_id,
        )
    except AlreadyApplied:
        return None
    except Refused as refused:
        await out.refuse(zh.REFUSALS[refused.code])
    except EvidenceRefused:
        await out.refuse(zo.ALREADY_ATTACHED)
    return None


async def show_reuse(d: Deps, report_id: int, out: Out, *, done: str | None = None) -> None:
    """Files of the institution's other reports that this report lacks at the same point, one button
    each: a tap attaches the file to that point."""
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
                bt.Evidence(report.id, r.item, "pick", r.evidence.id),
            )
        ]
        for r in (offered if editable else [])[:MAX_REUSE_BUTTONS]
    ]
    rows.append([Button(zh.BTN_MENU, bt.Menu("home", report.id))])
    unit = ctx.unit + (f" · {ctx.certificate}" if ctx.certificate else "")
    text = zo.reuse_screen(unit, len(offered), done) if editable else zh.REFUSALS["locked"]
    await out.show(text, Keyboard.of(rows))


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
        buttons.append(Button(zo.BTN_REUSE, bt.Menu("reuse", ctx.report.id)))
    return "\n".join(lines), buttons


def _chunks(items: list[tuple[int, Evidence]], size: int) -> list[list[tuple[int, Evidence]]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


async def show_evidence_overview(d: Deps, report_id: int, out: Out) -> None:
    """The report's evidence by item, with a button to each item that has some."""
    report = await reports.get(d.db.read, report_id)
    assert report is not None
    ctx = await load_ctx(d.db.read, report, d.outlines)
    lines = [(item_name(i), ctx.evidence[i.key]) for i in ctx.laid.items if ctx.evidence.get(i.key)]
    rows = [
        [Button(f"📎 {item_name(i)}", bt.Evidence(report.id, i.key, "list"))]
        for i in ctx.laid.items
        if ctx.evidence.get(i.key)
    ][:20]
    rows.append([Button(zh.BTN_MENU, bt.Menu("home", report.id))])
    await out.show(zh.evidence_overview(lines), Keyboard.of(rows))
