"""Reading a report section by section, the summary before submitting, and submitting it."""

from __future__ import annotations

from pathlib import Path

from bot.core import buttons as bt
from bot.core import notify
from bot.core.events import Event, Press
from bot.core.exports import schedule_own_report
from bot.core.guards import bound, pressed
from bot.core.office_review import render_card
from bot.core.render import answer_text, item_label
from bot.core.views import Button, Keyboard, Out
from bot.deps import Deps
from bot.domain.reports.evidence import blob_path
from bot.domain.reports.lifecycle import Incomplete, Review, may_read, review, submit
from bot.domain.reports.reading import may_fetch, reader_ctx, reader_files
from bot.domain.walk.reporting import Ctx, Refused, load_ctx, may_write
from messages import entry as en
from messages import when, zh
from storage import AlreadyApplied, cursors, reports
from storage import evidence as evidence_store
from storage.models import Evidence, Person


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


def render_page(ctx: Ctx, section_no: int, home: bt.Payload) -> tuple[str, Keyboard]:
    total = len(ctx.laid.sections)
    section = ctx.laid.sections[section_no - 1]
    text = zh.section_page(ctx.unit, ctx.certificate, section_no, total, section.title, page_lines(ctx, section_no))
    nav = []
    if section_no > 1:
        nav.append(Button(zh.BTN_PREV_PAGE, bt.Review(ctx.report.id, "page", section_no - 1)))
    if section_no < total:
        nav.append(Button(zh.BTN_NEXT_PAGE, bt.Review(ctx.report.id, "page", section_no + 1)))
    return text, Keyboard.of([nav, [Button(zh.BTN_SUMMARY, home)]])


def names(ctx: Ctx, keys: list[str]) -> list[str]:
    out = []
    for key in keys:
        item = ctx.laid.by_key[key]
        out.append(item_label(ctx, key) + (" ★" if item.core else ""))
    return out


def render_summary(ctx: Ctx, *, can_submit: bool) -> tuple[str, Keyboard]:
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
            Button(zh.BTN_PAGES, bt.Review(ctx.report.id, "page", 1)),
            Button(zh.BTN_FILES, bt.Review(ctx.report.id, "files")),
        ]
    ]
    if can_submit and ctx.report.status in ("draft", "returned"):
        rows.append([Button(zh.BTN_SUBMIT, bt.Submit(ctx.report.id, "ask"))])
    rows.append([Button(zh.BTN_MENU, bt.Menu("home", ctx.report.id))])
    return text, Keyboard.of(rows)


JUMP_BUTTONS = 24  # a screen of buttons; the rest are named in the text


def render_incomplete(ctx: Ctx, found: Review) -> tuple[str, Keyboard]:
    """Why the report cannot be submitted yet, with a button to each item still missing something."""
    missing = names(ctx, [i.key for i in found.missing])
    lacking = names(ctx, [i.key for i in found.missing_evidence])
    todo = sorted({i.key: i for i in found.missing + found.missing_evidence}.values(), key=lambda i: i.index)
    buttons = [
        Button(
            en.jump_label(item_label(ctx, i.key), i.core, i in found.missing, i in found.missing_evidence),
            bt.Walk(ctx.report.id, i.key, "go"),
        )
        for i in todo[:JUMP_BUTTONS]
    ]
    rows = [buttons[n : n + 2] for n in range(0, len(buttons), 2)]
    rows.append([Button(zh.BTN_SUMMARY, bt.Review(ctx.report.id, "sum"))])
    return zh.submit_refused(missing, lacking) + "\n" + en.JUMP_HINT, Keyboard.of(rows)


async def _readable(d: Deps, event: Event, report_id: int, out: Out) -> tuple[Person, Ctx] | None:
    who = await bound(d, event, out)
    if who is None:
        return None
    report = await reports.get(d.db.read, report_id)
    if report is None or not await may_read(d.db.read, who, report):
        await out.refuse(zh.NOT_ALLOWED)
        return None
    return who, await reader_ctx(d.db.read, who, report, d.outlines)


async def show_review(d: Deps, event: Press, out: Out) -> None:
    """Shows a report's summary or one section page to anyone allowed to read it."""
    press = await pressed(event, out, bt.Review)
    if press is None:
        return
    action, arg = press.action, press.arg
    found = await _readable(d, event, press.report, out)
    if found is None:
        return
    who, ctx = found
    if who.role == "office" and action == "sum":
        await out.show(*await render_card(d, ctx))
        return
    home: bt.Payload = bt.Review(ctx.report.id, "sum") if who.role != "office" else bt.Card(ctx.report.id, "card")
    if action == "page" and arg is not None and 1 <= arg <= len(ctx.laid.sections):
        # A page of long narratives may pass a message's length: the channel sends it in parts, cut at line ends.
        await out.show(*render_page(ctx, arg, home))
    elif action == "files":
        files = await reader_files(d.db.read, who, ctx.report)
        rows = [
            [Button(f"📄 {n}. {f.name}"[:24], bt.Review(ctx.report.id, "file", f.id))]
            for n, f in enumerate(files[:30], 1)
        ]
        rows.append([Button(zh.BTN_SUMMARY, home)])
        text = zh.evidence_list(
            ctx.unit + (f" · {ctx.certificate}" if ctx.certificate else ""),
            [(f.id, f.name, f.size) for f in files],
            readonly=True,
        )
        await out.show(text, Keyboard.of(rows))
    elif action == "file" and arg is not None:
        wanted = await evidence_store.get(d.db.read, arg)
        if wanted is None or not await may_fetch(d.db.read, who, ctx.report, wanted):
            await out.refuse(zh.STALE_BUTTON)
            return
        await out.ack()
        await send_evidence(out, wanted, d.settings.evidence_dir)
    elif action == "sum":
        if may_write(who, ctx.report):
            async with d.db.transaction() as conn:  # 取消 on the submit confirmation ends that flow
                await cursors.end_submit(conn, who.user_id, at=d.now_iso())
        await out.show(*render_summary(ctx, can_submit=may_write(who, ctx.report)))
    else:
        await out.refuse(zh.STALE_BUTTON)


async def submit_report(d: Deps, event: Press, out: Out) -> None:
    """Asks to confirm, then locks the report as a new version, sends the receipt and tells the office."""
    who = await bound(d, event, out)
    if who is None:
        return
    press = await pressed(event, out, bt.Submit)
    if press is None:
        return
    action = press.action
    report = await reports.get(d.db.read, press.report)
    if report is None or not may_write(who, report):
        await out.refuse(zh.NOT_ALLOWED)
        return
    ctx = await load_ctx(d.db.read, report, d.outlines)
    if action == "ask":
        found = review(ctx, ctx.evidence)
        if report.status not in ("draft", "returned"):
            await out.refuse(zh.REFUSALS["locked"])
        elif not found.ready:
            await out.show(*render_incomplete(ctx, found))
        else:
            async with d.db.transaction() as conn:
                await cursors.start_submit(conn, who.user_id, report.id, at=d.now_iso())
            confirm = Keyboard.of(
                [
                    [Button(zh.BTN_SUBMIT_CONFIRM, bt.Submit(report.id, "go"))],
                    [Button(zh.BTN_CANCEL, bt.Review(report.id, "sum"))],
                ]
            )
            await out.show(zh.SUBMIT_CONFIRM, confirm)
        return
    if action != "go":
        await out.refuse(zh.STALE_BUTTON)
        return
    try:
        updated, receipt = await submit(
            d.db,
            d.outlines,
            who,
            report.id,
            year=d.settings.campaign_year,
            at=d.now_iso(),
            update_id=event.sender.update_id,
        )
    except AlreadyApplied:
        return
    except Refused as refused:
        await out.refuse(zh.REFUSALS[refused.code])
        return
    except Incomplete as incomplete:
        await out.show(*render_incomplete(ctx, incomplete.review))
        return
    finally:
        async with d.db.transaction() as conn:  # the flow ended: held reminders may go out again
            await cursors.end_submit(conn, who.user_id, at=d.now_iso())
    local = when.local_time(d.clock.now(), d.settings.tz)
    text = zh.receipt(ctx.unit, ctx.certificate, receipt.number, receipt.version, local, receipt.checksum)
    await out.show(text, Keyboard.of([[Button(zh.BTN_MENU, bt.Menu("home", updated.id))]]))
    # The document they must print, seal and e-mail comes right after the receipt.
    schedule_own_report(d, event.sender.chat_id, out, updated.id)
    card = Keyboard.of([[Button(zh.BTN_OPEN_CARD, bt.Card(updated.id, "card"))]])
    await out.notify(
        await notify.office_ids(d),
        zh.office_submitted(ctx.unit, ctx.certificate, receipt.version, receipt.number),
        card,
    )


async def send_evidence(out: Out, found: Evidence, root: Path) -> None:
    """Sends a copy: by the channel's own file id when it still works (file ids belong to one bot and may
    change), else from our own stored bytes, which are the record."""
    await out.document(blob_path(root, found.sha256), found.name, ref=found.tg_file_id)
