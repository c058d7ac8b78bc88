"""Turns a walk View into the text and buttons a phone shows. Wording comes from messages/."""

from __future__ import annotations

from functools import lru_cache
from html import escape
from typing import Any

from bot.core import buttons as bt
from bot.core.stages import WalkStage
from bot.core.views import Button, Keyboard
from bot.domain.outlines.loader import Item
from bot.domain.outlines.models import Numbers
from bot.domain.walk.reporting import Ctx, View
from bot.domain.walk.rules import Finding
from bot.domain.walk.state import State
from messages import documents as words
from messages import entry as en
from messages import zh


def answer_text(ctx: Ctx, item: Item, value: Any, answers: dict[str, Any] | None = None) -> str | None:
    """The stored answer in a few words, or None when there is none. `answers`: the whole version `value`
    belongs to, when it is not the report as stored now (a table's rows and rates are that version's)."""
    if not isinstance(value, dict) or not value:
        return None
    if value.get("skipped"):
        return zh.SKIPPED
    if item.narrative is not None or "text" in value:
        return escape(zh.clip(str(value.get("text", ""))))
    assert item.point is not None
    if item.point.answer.as_table() is not None and answers is None:
        return table_text(ctx, item)
    return item.point.answer.chat_text(value, ctx.scope(item, answers))


def table_text(ctx: Ctx, item: Item) -> str:
    assert item.point is not None
    return item.point.answer.chat_text(ctx.value(item) or {}, ctx.scope(item)) or ""


def _findings(findings: list[Finding]) -> list[str]:
    return [en.finding(f.row, f.message, f.read) for f in findings]


def _pending_lines(ctx: Ctx, item: Item, table: Numbers, pending: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for row in ctx.rows(item):
        got = pending.get(row.key)
        if got:
            out.append((row.label, "、".join(f"{escape(f.label)} {got.get(f.id, '—')}" for f in table.fields)))
    return out


# Buttons are immutable and every walk screen shows the same few rows: built once each (at most a few
# thousand are kept), not again on every step.
@lru_cache(maxsize=4096)
def _nav_row(rid: int, key: str, second: str) -> tuple[Button, ...]:
    label = {"next": zh.BTN_NEXT, "skip": zh.BTN_SKIP, "later": zh.BTN_LATER}[second]
    return (
        Button(zh.BTN_BACK, bt.Walk(rid, key, "back")),
        Button(label, bt.Walk(rid, key, second)),  # type: ignore[arg-type]
        Button(zh.BTN_MENU, bt.Menu("home", rid)),
    )


@lru_cache(maxsize=4096)
def _evidence_button(rid: int, key: str, n: int) -> Button:
    return Button(f"{zh.BTN_EVIDENCE} ({n})", bt.Evidence(rid, key, "list"))


def _nav(ctx: Ctx, item: Item, complete: bool) -> list[Button]:
    second = "next" if complete else "skip" if item.skippable else "later"
    return list(_nav_row(ctx.report.id, item.key, second))


def _evidence_row(ctx: Ctx, item: Item) -> list[Button]:
    return [_evidence_button(ctx.report.id, item.key, ctx.evidence.get(item.key, 0))]


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
    note = item.point.answer.note_of(value) if isinstance(value, dict) else None
    if note is not None:
        return en.saved_note(item_name(item), note[0], note[1], view.parts)
    what = item.point.answer.saved_label(answer_text(view.ctx, item, value) or "")
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
    table = answer.as_table() if answer is not None else None

    if not ctx.may_edit(item):
        # Submitted, accepted, or not reopened in a revision: the answer is shown, nothing offers a change.
        if table is not None:
            lines.append(table_text(ctx, item))
        else:
            lines.append(zh.current_answer(answer_text(ctx, item, ctx.value(item)) or zh.NOT_ANSWERED))
        lines.append(en.read_only(ctx.report.status))
        nav = [Button(zh.BTN_BACK, bt.Walk(rid, item.key, "back"))]
        if ctx.state.following(item) is not None:
            nav.append(Button(zh.BTN_NEXT, bt.Walk(rid, item.key, "next")))
        nav.append(Button(zh.BTN_MENU, bt.Menu("home", rid)))
        return "\n".join(lines), Keyboard.of([nav])

    if view.stage == WalkStage.CONFIRM and table is not None:
        lines.append(table_text(ctx, item))
        if view.error is not None:
            example = table.example(ctx.scope(item))
            lines.append(en.invalid(view.error.code, {**view.error.params, "example": example}))
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
        if view.pending and table is not None and len(view.pending) > 1:
            lines.append(en.pending_rows(_pending_lines(ctx, item, table, view.pending)))
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

    if view.stage == WalkStage.PICK and table is not None:
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
    if current and table is None:
        lines.append(zh.current_answer(current))
    if view.findings:
        lines.append(en.refused(_findings(view.findings)))
    if view.error is not None:
        lines.append(en.invalid(view.error.code, view.error.params))
        if view.parts > 1:
            lines.append(en.merged_parts(view.parts))

    followup = (
        answer.followup_lines(ctx.value(item) or {}, long_limit=long_limit)
        if view.stage == WalkStage.FOLLOWUP and answer is not None
        else []
    )
    if followup:
        lines.extend(followup)
        keyboard.append(_nav(ctx, item, complete))
        return "\n".join(lines), Keyboard.of(keyboard)

    if answer is None:  # a narrative
        lines.append(zh.ASK_TEXT.format(limit=long_limit))
    else:
        keyboard.extend([Button(label, payload) for label, payload in row] for row in answer.buttons(rid, item.key))
        value = ctx.value(item) or {}
        lines.extend(answer.ask_lines(value, ctx.scope(item), row=view.row, redo=view.redo, long_limit=long_limit))
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
