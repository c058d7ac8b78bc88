"""Turns a walk View into the text and buttons a phone shows. Wording comes from messages/."""

from __future__ import annotations

from html import escape
from typing import Any

from bot import buttons as bt
from bot.core.views import Button, Keyboard
from bot.figures import numbers_table
from bot.outlines.loader import Item
from bot.outlines.models import Choice, Number, Numbers, YesNo
from bot.reporting import Ctx, View
from bot.rules import Finding, earlier_figures, rates
from bot.stages import WalkStage
from bot.walk import State
from messages import documents as words
from messages import entry as en
from messages import zh


def answer_text(ctx: Ctx, item: Item, value: Any) -> str | None:
    """The stored answer in a few words, or None when there is none."""
    if not isinstance(value, dict) or not value:
        return None
    if value.get("skipped"):
        return zh.SKIPPED
    if item.narrative is not None or "text" in value:
        return escape(zh.clip(str(value.get("text", ""))))
    assert item.point is not None
    answer = item.point.answer
    if isinstance(answer, YesNo) and "yes" in value:
        note = value.get("note")
        return zh.yes_no_text(bool(value["yes"])) + (f"；{escape(zh.clip(str(note), 120))}" if note else "")
    if isinstance(answer, Choice):
        return escape(str(value.get("choice", "")))
    if isinstance(answer, Number):
        return f"{value.get('n')}{answer.unit}"
    if isinstance(answer, Numbers):
        return table_text(ctx, item)
    return None


def table_text(ctx: Ctx, item: Item) -> str:
    assert item.point is not None and isinstance(item.point.answer, Numbers)
    answer = item.point.answer
    rows = ctx.rows(item)
    filled = (ctx.value(item) or {}).get("rows", {})
    lines = rates(ctx.laid, item, ctx.state.answers, rows)
    out = []
    for n, row in enumerate(rows):
        got = filled.get(row.key)
        nums = "、".join(f"{f.label} {got[f.id] if got else '—'}" for f in answer.fields)
        scale = zh.scale_note(row.scale) if answer.shows_scale and row.scale is not None else ""
        rate = "；".join(f"{line.label} {zh.percent(line.per_row[n][1])}" for line in lines)
        label = f"{escape(row.label)}{scale}：" if row.label else ""
        out.append(f"• {label}{nums}" + (f" → {rate}" if rate and len(rows) > 0 else ""))
    if len(rows) > 1:
        label = zh.CERT_COLUMN if answer.rows == "certificates" else zh.LEVEL_COLUMN
        table = numbers_table(
            ctx.laid, item, ctx.state.answers, ctx.state.certificates, label=label, scale=zh.SCALE_LABEL
        )
        assert table.total is not None
        cells = list(zip(table.columns, table.total, strict=True))
        counts = [(c.label, v) for c, v in cells if c.kind == "count"]
        out.append(words.total_counts(counts, [(c.label, zh.percent(v)) for c, v in cells if c.kind == "rate"]))
    return "\n".join(out) if out else zh.NO_ROWS_HINT


def _findings(findings: list[Finding]) -> list[str]:
    return [en.finding(f.row, f.message, f.read) for f in findings]


def _pending_lines(ctx: Ctx, item: Item, pending: dict[str, Any]) -> list[tuple[str, str]]:
    assert item.point is not None and isinstance(item.point.answer, Numbers)
    out = []
    for row in ctx.rows(item):
        got = pending.get(row.key)
        if got:
            out.append(
                (row.label, "、".join(f"{escape(f.label)} {got.get(f.id, '—')}" for f in item.point.answer.fields))
            )
    return out


def _name_example(ctx: Ctx, item: Item) -> str:
    """`证书名 数字` lines for the first rows, with this point's own example numbers."""
    assert item.point is not None and isinstance(item.point.answer, Numbers)
    numbers = " ".join(str(n) for n in (120, 100, 95, 80)[: len(item.point.answer.fields)])
    return "\n".join(f"{row.label} {numbers}" for row in ctx.rows(item)[:2])


def _nav(ctx: Ctx, item: Item, complete: bool) -> list[Button]:
    rid = ctx.report.id
    buttons = [Button(zh.BTN_BACK, bt.Walk(rid, item.key, "back"))]
    if complete:
        buttons.append(Button(zh.BTN_NEXT, bt.Walk(rid, item.key, "next")))
    elif item.skippable:
        buttons.append(Button(zh.BTN_SKIP, bt.Walk(rid, item.key, "skip")))
    else:
        buttons.append(Button(zh.BTN_LATER, bt.Walk(rid, item.key, "later")))
    buttons.append(Button(zh.BTN_MENU, bt.Menu("home", rid)))
    return buttons


def _evidence_row(ctx: Ctx, item: Item) -> list[Button]:
    n = ctx.evidence.get(item.key, 0)
    return [Button(f"{zh.BTN_EVIDENCE} ({n})", bt.Evidence(ctx.report.id, item.key, "list"))]


def saved_line(view: View) -> str | None:
    """The one-line acknowledgement of a typed answer: what was saved, and where."""
    item = view.saved
    if item is None:
        return None
    value = view.ctx.value(item)
    if item.narrative is not None:
        length = len(str((value or {}).get("text", "")))
        return en.saved_text(item.section.no, item.narrative.label, length, view.parts)
    assert item.point is not None
    if "note" in (value or {}) and value.get("note") and isinstance(item.point.answer, YesNo):
        return en.saved_note(
            item_name(item), zh.yes_no_text(bool(value.get("yes"))), len(str(value["note"])), view.parts
        )
    what = answer_text(view.ctx, item, value) or ""
    if isinstance(item.point.answer, Number):
        what = f"{escape(item.point.answer.label)} {what}"
    return en.saved(item_name(item), zh.clip(what, 60))


def _head(view: View, item: Item) -> list[str]:
    ctx = view.ctx
    lines = []
    ack = saved_line(view)
    if ack:
        lines.append(ack)
    elif view.info:
        lines.append("✅ " + zh.INFO[view.info])
    lines.append(zh.unit_line(ctx.unit, ctx.certificate))
    label = item.narrative.label if item.narrative else ""
    lines.append(
        zh.header(
            item.section.no,
            len(ctx.laid.sections),
            point_no=item.point.no if item.point else None,
            core=item.core,
            label=label,
        )
    )
    lines.append(f"<b>{item.section.no}. {escape(item.section.title)}</b>")
    if item.point is not None:
        lines.append(escape(item.point.text))
        if item.point.hint:
            lines.append(f"💡 {escape(item.point.hint)}")
    else:
        lines.append(zh.narrative_prompt(label))
    if view.stage != WalkStage.EVID and ctx.may_edit(item) and ctx.state.needs_evidence(item):
        lines.append(en.needs_file(ctx.evidence.get(item.key, 0)))
    key = ctx.comment_key(item)
    comment = ctx.comments.get(key) if key else None
    if comment:
        lines.append(zh.comment_line(comment))
        lines.extend(en.reply_line(text) for text in ctx.replies.get(key or "", []))
    return lines


def render(view: View, *, long_limit: int) -> tuple[str, Keyboard]:
    text, markup = _render(view, long_limit=long_limit)
    item = view.item
    if (
        item is not None
        and view.stage in (WalkStage.ASK, WalkStage.FOLLOWUP, WalkStage.CONFIRM, WalkStage.EVID)
        and view.ctx.comment_key(item)
    ):
        # A returned point: the coordinator may answer the office's comment in words, besides changing it.
        reply = [Button(en.BTN_REPLY, bt.Walk(view.ctx.report.id, item.key, "reply"))]
        markup = Keyboard.of([reply, *markup.rows])
    return text, markup


def _render(view: View, *, long_limit: int) -> tuple[str, Keyboard]:
    ctx = view.ctx
    rid = ctx.report.id
    if view.stage == WalkStage.DONE or view.item is None:
        return render_done(view)
    item = view.item
    lines = _head(view, item)
    state: State = ctx.state
    complete = state.complete(item)
    keyboard: list[list[Button]] = []
    answer = item.point.answer if item.point else None

    if not ctx.may_edit(item):
        # Submitted, accepted, or not reopened in a revision: the answer is shown, nothing offers a change.
        if isinstance(answer, Numbers):
            lines.append(table_text(ctx, item))
        else:
            lines.append(zh.current_answer(answer_text(ctx, item, ctx.value(item)) or zh.NOT_ANSWERED))
        lines.append(en.read_only(ctx.report.status))
        nav = [Button(zh.BTN_BACK, bt.Walk(rid, item.key, "back"))]
        if ctx.state.following(item) is not None:
            nav.append(Button(zh.BTN_NEXT, bt.Walk(rid, item.key, "next")))
        nav.append(Button(zh.BTN_MENU, bt.Menu("home", rid)))
        return "\n".join(lines), Keyboard.of([nav])

    if view.stage == WalkStage.CONFIRM and isinstance(answer, Numbers):
        lines.append(table_text(ctx, item))
        if view.error is not None:
            lines.append(en.invalid(view.error.code, {**view.error.params, "example": _name_example(ctx, item)}))
        lines.append(zh.CONFIRM_PROMPT)
        keyboard.append(
            [
                Button(zh.BTN_CONFIRM, bt.Walk(rid, item.key, "confirm")),
                Button(zh.BTN_REDO, bt.Walk(rid, item.key, "redo")),
            ]
        )
        keyboard.append(_evidence_row(ctx, item))
        keyboard.append(_nav(ctx, item, complete))
        return "\n".join(lines), Keyboard.of(keyboard)

    if view.stage == WalkStage.WARN:
        if view.pending and isinstance(answer, Numbers) and len(view.pending) > 1:
            lines.append(en.pending_rows(_pending_lines(ctx, item, view.pending)))
        lines.append(en.warn(_findings(view.findings)))
        keyboard.append(
            [
                Button(zh.BTN_KEEP, bt.Walk(rid, item.key, "keep")),
                Button(zh.BTN_RETYPE, bt.Walk(rid, item.key, "retype")),
            ]
        )
        keyboard.append(_evidence_row(ctx, item))
        keyboard.append(_nav(ctx, item, complete))
        return "\n".join(lines), Keyboard.of(keyboard)

    if view.stage == WalkStage.PICK and isinstance(answer, Numbers):
        lines.append(table_text(ctx, item))
        lines.append(en.PICK_ROW)
        for n, row in enumerate(ctx.rows(item)):
            keyboard.append([Button(row.label[:20] or str(n + 1), bt.Walk(rid, item.key, "row", n))])
        keyboard.append([Button(en.BTN_BACK_TO_CONFIRM, bt.Walk(rid, item.key, "go"))])
        return "\n".join(lines), Keyboard.of(keyboard)

    if view.stage == WalkStage.REPLY:
        if view.error is not None:
            lines.append(en.invalid(view.error.code, view.error.params))
        lines.append(en.ASK_REPLY)
        keyboard.append([Button(zh.BTN_BACK_TO_ITEM, bt.Walk(rid, item.key, "go"))])
        keyboard.append([Button(zh.BTN_MENU, bt.Menu("home", rid))])
        return "\n".join(lines), Keyboard.of(keyboard)

    if view.stage == WalkStage.EVID:
        current = answer_text(ctx, item, ctx.value(item))
        if current:
            lines.append(zh.current_answer(current))
        if view.error is not None:
            lines.append(en.invalid(view.error.code, view.error.params))
        n = ctx.evidence.get(item.key, 0)
        lines.append(en.ask_file(item_name(item), n))
        keyboard.append(_evidence_row(ctx, item))
        keyboard.append([Button(en.BTN_FILE_LATER if not n else zh.BTN_NEXT, bt.Walk(rid, item.key, "on"))])
        keyboard.append(
            [
                Button(zh.BTN_BACK, bt.Walk(rid, item.key, "back")),
                Button(zh.BTN_MENU, bt.Menu("home", rid)),
            ]
        )
        return "\n".join(lines), Keyboard.of(keyboard)

    current = answer_text(ctx, item, ctx.value(item))
    if current and not isinstance(answer, Numbers):
        lines.append(zh.current_answer(current))
    if view.findings:
        lines.append(en.refused(_findings(view.findings)))
    if view.error is not None:
        lines.append(en.invalid(view.error.code, view.error.params))
        if view.parts > 1:
            lines.append(en.merged_parts(view.parts))

    if view.stage == WalkStage.FOLLOWUP and isinstance(answer, YesNo):
        yes = bool((ctx.value(item) or {}).get("yes"))
        lines.append(zh.followup(yes, answer.followup))
        lines.append(zh.ASK_TEXT.format(limit=long_limit))
        keyboard.append(_nav(ctx, item, complete))
        return "\n".join(lines), Keyboard.of(keyboard)

    if isinstance(answer, YesNo):
        keyboard.append(
            [
                Button(zh.BTN_YES, bt.Walk(rid, item.key, "yn", 1)),
                Button(zh.BTN_NO, bt.Walk(rid, item.key, "yn", 0)),
            ]
        )
        lines.append(zh.ASK_YESNO)
    elif isinstance(answer, Choice):
        for n, option in enumerate(answer.options):
            keyboard.append([Button(f"{n + 1}. {option}", bt.Walk(rid, item.key, "ch", n))])
        lines.append(zh.ASK_CHOICE)
    elif isinstance(answer, Number):
        lines.append(zh.ask_number(answer.label, answer.min, answer.max, answer.unit))
    elif isinstance(answer, Numbers):
        rows = ctx.rows(item)
        if rows:
            if (ctx.value(item) or {}).get("rows"):
                lines.append(table_text(ctx, item))
            row = rows[min(view.row, len(rows) - 1)]
            kind = zh.CERT_COLUMN if answer.rows == "certificates" else zh.LEVEL_WORD
            scale = row.scale if answer.shows_scale else None
            if view.redo:
                lines.append(en.redo_row(row.label))
            lines.append(zh.ask_row(row.label, scale, view.row + 1, len(rows), [f.label for f in answer.fields], kind))
            figures = earlier_figures(ctx.laid, item, ctx.state.answers, row)
            if figures:
                lines.append(en.earlier(figures))
            if len(rows) > 1 and not view.redo:
                lines.append(en.table_hint(_name_example(ctx, item)))
        else:
            lines.append(zh.invalid("no_rows", {}))
    else:
        limit = 200 if answer is not None and answer.type == "text" else long_limit
        lines.append(zh.ASK_TEXT.format(limit=limit))
    keyboard.append(_evidence_row(ctx, item))
    keyboard.append(_nav(ctx, item, complete))
    return "\n".join(lines), Keyboard.of(keyboard)


def render_done(view: View) -> tuple[str, Keyboard]:
    ctx = view.ctx
    sections = ctx.state.sections()
    done_sections = sum(s.done == s.total for s in sections)
    lines = []
    ack = saved_line(view)
    if ack:
        lines.append(ack)
    elif view.info and view.info in zh.INFO:
        lines.append("✅ " + zh.INFO[view.info])
    lines.append(zh.unit_line(ctx.unit, ctx.certificate))
    missing = ctx.state.missing()
    if missing:
        lines.append(zh.open_items(len(missing)))
    else:
        lines.append(zh.done(done_sections, len(sections)))
    return "\n".join(lines), Keyboard.of(
        [
            [Button(zh.BTN_REVIEW, bt.Review(ctx.report.id, "sum"))],
            [Button(zh.BTN_SECTIONS, bt.Menu("secs", ctx.report.id))],
            [Button(zh.BTN_MENU, bt.Menu("home", ctx.report.id))],
        ]
    )


def render_menu(ctx: Ctx, *, several: bool, campaign: str = "", due: str = "") -> tuple[str, Keyboard]:
    sections = ctx.state.sections()
    done_sections = sum(s.done == s.total for s in sections)
    rid = ctx.report.id
    rows = [
        [Button(zh.BTN_CONTINUE, bt.Menu("cont", rid))],
        [
            Button(zh.BTN_SECTIONS, bt.Menu("secs", rid)),
            Button(zh.BTN_PROGRESS, bt.Menu("prog", rid)),
        ],
        [
            Button(zh.BTN_EVIDENCE, bt.Menu("evid", rid)),
            Button(zh.BTN_REVIEW, bt.Review(rid, "sum")),
        ],
        [
            Button(zh.BTN_DOWNLOAD, bt.Menu("dl", rid)),
            Button(zh.BTN_HELP, bt.Menu("help", rid)),
        ],
    ]
    if ctx.report.outline == "institution":
        rows.insert(3, [Button(zh.BTN_QUEST, bt.Menu("quest", rid))])
    if ctx.report.status == "returned" and ctx.comments:
        first = next((i for i in ctx.laid.items if "*" in ctx.comments or i.key in ctx.comments), None)
        if first is not None:
            rows.insert(0, [Button(zh.BTN_START_REVISION, bt.Walk(rid, first.key, "go"))])
    if several:
        rows.append([Button(zh.BTN_SWITCH, bt.Menu("pick"))])
    text = zh.menu(ctx.unit, ctx.certificate, ctx.report.status, done_sections, len(sections), campaign, due)
    text += "\n" + words.progress_bar(done_sections, len(sections))
    if ctx.report.status == "returned" and ctx.comments:
        text += "\n" + "\n".join(
            f"{zh.REOPENED_MARK} {escape(item_label(ctx, key))}：{escape(comment)}"
            for key, comment in ctx.comments.items()
        )
    return text, Keyboard.of(rows)


def item_label(ctx: Ctx, key: str) -> str:
    if key == "*":
        return zh.WHOLE_REPORT
    item = ctx.laid.by_key.get(key)
    return key if item is None else item_name(item)


def item_name(item: Item) -> str:
    """监测点 N, or 第N部分 and the narrative's label."""
    return zh.item_name(
        item.point.no if item.point else None, item.section.no, item.narrative.label if item.narrative else ""
    )


def render_sections(ctx: Ctx) -> tuple[str, Keyboard]:
    rid = ctx.report.id
    rows = [
        [
            Button(
                zh.section_button(s.no, s.title, s.done, s.total),
                bt.Menu("sec", rid, section=s.no),
            )
        ]
        for s in ctx.state.sections()
    ]
    rows.append([Button(zh.BTN_MENU, bt.Menu("home", rid))])
    return zh.sections_title(ctx.unit, ctx.certificate), Keyboard.of(rows)


def render_section(ctx: Ctx, section_no: int) -> tuple[str, Keyboard]:
    rid = ctx.report.id
    items = ctx.laid.section_items(section_no)
    buttons = []
    for item in items:
        label = zh.point_label(item.point.no) if item.point else (item.narrative.label if item.narrative else "")
        text = zh.item_button(label, ctx.state.complete(item), item.core)
        if ctx.state.needs_evidence(item) and not ctx.evidence.get(item.key):
            text += en.LACKS_FILE_MARK
        buttons.append(Button(text, bt.Walk(rid, item.key, "go")))
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([Button(zh.BTN_ALL_SECTIONS, bt.Menu("secs", rid))])
    section = ctx.laid.sections[section_no - 1]
    text = zh.section_detail(section.no, section.title)
    if any(ctx.state.needs_evidence(i) and not ctx.evidence.get(i.key) for i in items):
        text += "\n" + en.LACKS_FILE_LEGEND
    return text, Keyboard.of(rows)


def render_progress(ctx: Ctx) -> tuple[str, Keyboard]:
    lines = [(s.no, s.title, s.done, s.total) for s in ctx.state.sections()]
    missing_core = sum(1 for i in ctx.state.missing() if i.core)
    rid = ctx.report.id
    markup = Keyboard.of(
        [
            [Button(zh.BTN_CONTINUE, bt.Menu("cont", rid))],
            [Button(zh.BTN_MENU, bt.Menu("home", rid))],
        ]
    )
    return zh.unit_line(ctx.unit, ctx.certificate) + "\n" + zh.progress(lines, missing_core), markup


def render_pick(reports: list[tuple[int, str]]) -> tuple[str, Keyboard]:
    rows = [[Button(name, bt.Menu("home", rid))] for rid, name in reports]
    return zh.PICK_CERTIFICATE, Keyboard.of(rows)
