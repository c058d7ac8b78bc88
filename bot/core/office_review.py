"""The office reviews a report: read it, return points or all of it with comments, accept, compare versions."""

from __future__ import annotations

import re
from typing import Any

from bot.core import buttons as bt
from bot.core import campaign, exports, notify
from bot.core.events import Command, Press, Text
from bot.core.firstday import resolve_unit
from bot.core.guards import office_only, pressed
from bot.core.render import answer_text, item_label
from bot.core.stages import BroadcastStage, ReturnPending, ReturnStage, pending
from bot.core.views import Button, Keyboard, Out
from bot.deps import Deps
from bot.domain.reports.lifecycle import accept, diff, return_for_revision, review
from bot.domain.walk.reporting import Ctx, Refused, load_ctx
from messages import documents as words
from messages import entry as en
from messages import when, zh
from storage import AlreadyApplied, cursors, replies, reports, versions
from storage.models import Person

_LINE = re.compile(r"^\s*(?:监测点\s*)?(s?\d+)\s*[：:，,\s]\s*(.+?)\s*$", re.I)
COMMENT_LIMIT = 500


async def render_card(d: Deps, ctx: Ctx) -> tuple[str, Keyboard]:
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
    rows = [[Button(zh.BTN_PAGES, bt.Review(rid, "page", 1))]]
    if ctx.report.status == "submitted":
        rows.append(
            [Button(zh.BTN_RETURN_POINTS, bt.Card(rid, "retpts")), Button(zh.BTN_RETURN_ALL, bt.Card(rid, "retall"))]
        )
        rows.append([Button(zh.BTN_ACCEPT, bt.Card(rid, "acceptask"))])
    if len(history) >= 2:
        rows.append([Button(zh.BTN_DIFF, bt.Card(rid, "diff"))])
    if history:
        rows.append([Button(words.BTN_CARD_WORD, bt.Card(rid, "word"))])
    return text, Keyboard.of(rows)


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


async def open_review(d: Deps, event: Command, out: Out) -> None:
    """/review [institution]: a report's card, or the list of reports waiting for review."""
    if await office_only(d, event, out) is None:
        return
    ref = " ".join(event.args)
    if ref:
        # A number, a full name or an unambiguous part of one: /review 安徽工商
        inst = await resolve_unit(d, out, ref, ("本科", "高职", "中职", "培训评价组织"))
        if inst is None:
            return
        found = await reports.of_institution(d.db.read, inst.id)
    else:
        found = [r for r in await reports.all_reports(d.db.read) if r.status == "submitted"][:20]
    if not found:
        await out.show(zh.REVIEW_NOTHING if not ref else zh.REVIEW_USAGE)
        return
    if len(found) == 1:
        ctx = await load_ctx(d.db.read, found[0], d.outlines)
        await out.show(*await render_card(d, ctx))
        return
    rows = []
    for r in found:
        ctx = await load_ctx(d.db.read, r, d.outlines)
        label = f"{ctx.unit}{' · ' + ctx.certificate if ctx.certificate else ''}"[:40]
        rows.append([Button(label, bt.Card(r.id, "card"))])
    await out.show(zh.REVIEW_PICK, Keyboard.of(rows))


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


async def take_office_text(d: Deps, event: Text, who: Person, out: Out) -> None:
    """Typed text from the office: the body of a broadcast being prepared, the comments of a return being
    prepared, else a hint."""
    cursor = await cursors.get(d.db.read, who.user_id)
    if cursor is not None and cursor.stage == BroadcastStage.TEXT:
        await campaign.take_broadcast_text(d, who, event.text, out)
        return
    report = await reports.get(d.db.read, cursor.report_id) if cursor and cursor.report_id else None
    if cursor is None or report is None or cursor.stage not in (ReturnStage.POINTS, ReturnStage.ALL):
        await out.refuse(zh.HELP_OFFICE.strip())
        return
    ctx = await load_ctx(d.db.read, report, d.outlines)
    if cursor.stage == ReturnStage.ALL:
        comment = event.text.strip()
        if not comment or len(comment) > COMMENT_LIMIT:
            await out.refuse(zh.RETURN_TOO_LONG)
            return
        comments = {"*": comment}
    else:
        comments, bad = parse_return_lines(ctx, event.text)
        if bad or not comments:
            await out.refuse(zh.RETURN_BAD_LINES + "\n" + "\n".join(bad or [event.text[:40]]))
            return
    try:
        async with d.db.transaction(update_id=event.sender.update_id, at=d.now_iso()) as conn:
            await cursors.put(
                conn,
                user_id=who.user_id,
                report_id=report.id,
                item=None,
                stage=ReturnStage.CONFIRM,
                pending=ReturnPending(comments).dump(),
                at=d.now_iso(),
            )
    except AlreadyApplied:  # the same message again: its preview was shown the first time
        return
    lines = [(item_label(ctx, k), c) for k, c in comments.items()]
    keyboard = Keyboard.of(
        [
            [Button(zh.BTN_RETURN_CONFIRM, bt.Card(report.id, "retgo"))],
            [Button(zh.BTN_CANCEL, bt.Card(report.id, "card"))],
        ]
    )
    await out.show(zh.return_preview(lines), keyboard)


async def press_office_button(d: Deps, event: Press, out: Out) -> None:
    """The review card's buttons: start a return, confirm it, accept, compare the last two versions."""
    who = await office_only(d, event, out)
    if who is None:
        return
    card = await pressed(event, out, bt.Card)
    if card is None:
        return
    report = await reports.get(d.db.read, card.report)
    if report is None:
        await out.refuse(zh.STALE_BUTTON)
        return
    action = card.action
    ctx = await load_ctx(d.db.read, report, d.outlines)
    card_button = Keyboard.of([[Button(zh.BTN_CARD, bt.Card(report.id, "card"))]])
    update_id = event.sender.update_id
    try:
        if action == "card":
            await out.show(*await render_card(d, ctx))
        elif action == "word":
            await out.ack()
            exports.schedule_report_word(d, event.sender.chat_id, out, report.id)
        elif action in ("retpts", "retall"):
            if report.status != "submitted":
                raise Refused("not_submitted" if report.status != "accepted" else "accepted_final")
            stage = ReturnStage.POINTS if action == "retpts" else ReturnStage.ALL
            async with d.db.transaction(update_id=update_id, at=d.now_iso()) as conn:
                await cursors.put(
                    conn, user_id=who.user_id, report_id=report.id, item=None, stage=stage, at=d.now_iso()
                )
            await out.show(zh.RETURN_POINTS_PROMPT if action == "retpts" else zh.RETURN_ALL_PROMPT, card_button)
        elif action == "retgo":
            await _return(d, who, ctx, update_id, out, card_button)
        elif action == "acceptask":
            if report.status != "submitted":
                raise Refused("not_submitted" if report.status != "accepted" else "accepted_final")
            keyboard = Keyboard.of(
                [
                    [Button(zh.BTN_ACCEPT_CONFIRM, bt.Card(report.id, "acceptgo"))],
                    [Button(zh.BTN_CANCEL, bt.Card(report.id, "card"))],
                ]
            )
            await out.show(zh.ACCEPT_ASK, keyboard)
        elif action == "acceptgo":
            await accept(d.db, who, report.id, at=d.now_iso(), update_id=update_id)
            await out.show(zh.accepted(ctx.unit), card_button)
            await out.notify(
                await notify.coordinator_ids(d, report.institution_id), zh.accepted_notice(ctx.unit, ctx.certificate)
            )
        elif action == "diff":
            await _diff(d, ctx, out, card_button)
        else:
            raise Refused("stale")
    except Refused as refused:
        await out.refuse(zh.REFUSALS[refused.code])
    except AlreadyApplied:
        return


async def _return(d: Deps, who: Person, ctx: Ctx, update_id: int, out: Out, card_button: Keyboard) -> None:
    """Sends the prepared return: the report goes back to its coordinators, who are told what to change."""
    report = ctx.report
    cursor = await cursors.get(d.db.read, who.user_id)
    if cursor is None or cursor.report_id != report.id or cursor.stage != ReturnStage.CONFIRM:
        raise Refused("stale")
    prepared = pending(cursor, ReturnPending)
    if prepared is None or not prepared.root:
        raise Refused("stale")
    comments = prepared.dump()
    await return_for_revision(d.db, who, report.id, comments, at=d.now_iso(), update_id=update_id)
    await cursors.reset_stage(d.db, who.user_id, at=d.now_iso())
    await out.show(zh.returned_done(ctx.unit, len(comments)), card_button)
    lines = [(item_label(ctx, k), c) for k, c in comments.items()]
    first = next((i for i in ctx.laid.items if "*" in comments or i.key in comments), None)
    start = Keyboard.of([[Button(zh.BTN_START_REVISION, bt.Walk(report.id, first.key, "go"))]] if first else [])
    await out.notify(
        await notify.coordinator_ids(d, report.institution_id),
        zh.returned_to_coordinator(ctx.unit, ctx.certificate, lines),
        start,
    )


async def _diff(d: Deps, ctx: Ctx, out: Out, card_button: Keyboard) -> None:
    history = await versions.versions(d.db.read, ctx.report.id)
    if len(history) < 2:
        await out.show(zh.DIFF_NEED_TWO, card_button)
        return
    old, new = history[-2].version, history[-1].version
    found = await diff(d.db.read, ctx.report.id, old, new)
    changed = [
        (item_label(ctx, key), _brief(ctx, key, before, found.before), _brief(ctx, key, after, found.after))
        for key, before, after in found.changed
    ]
    text = zh.diff_text(
        old, new, changed, [f["name"] for f in found.added_files], [f["name"] for f in found.removed_files]
    )
    # A long comparison is sent in parts, cut at line ends (the channel splits it).
    await out.show(text, card_button)


def _brief(ctx: Ctx, key: str, value: object, answers: dict[str, Any]) -> str:
    """One point's answer in one version (`answers`), on one line."""
    item = ctx.laid.by_key.get(key)
    if item is None or value is None:
        return zh.NOT_ANSWERED
    text = answer_text(ctx, item, value, answers) or zh.NOT_ANSWERED
    return zh.clip(text.replace("\n", " "), 120)
