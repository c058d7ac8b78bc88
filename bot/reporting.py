"""The walk through an outline: load a report, apply one input, move the cursor, say what to show next.

Every change is one transaction that also records the Telegram update id, so a re-delivered update is
never applied twice, and the cursor row is the walk's only state.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import aiosqlite

from bot.answers import Invalid, parse_choice, parse_text, parse_whole_numbers, parse_yes_no
from bot.outlines.loader import Item, LaidOut, Outlines
from bot.outlines.models import Choice, Number, Numbers, YesNo
from bot.rules import Finding, RateLine, Row, check_row, rates, rows_for
from bot.walk import State, needs_followup
from storage import Database, cursors, reports, roster
from storage.models import Cursor, Person, Report

SHORT_TEXT_LIMIT = 200
EDITABLE = ("draft", "returned")


class Refused(Exception):
    """The action is not allowed or no longer makes sense; `code` picks the message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class Ctx:
    report: Report
    laid: LaidOut
    state: State
    unit: str
    certificate: str | None
    # Office comments of an open return for revision, by item ("*": the whole report).
    comments: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, int] = field(default_factory=dict)

    def may_edit(self, item: Item) -> bool:
        if self.report.status == "draft":
            return True
        if self.report.status == "returned":
            return "*" in self.comments or item.key in self.comments
        return False

    def rows(self, item: Item) -> list[Row]:
        assert item.point is not None and isinstance(item.point.answer, Numbers)
        return rows_for(item.point.answer, self.state.certificates)

    def value(self, item: Item) -> Any:
        return self.state.answers.get(item.key)


@dataclass
class View:
    """What to show next. `stage` picks the screen: ask, followup, warn, confirm, done."""

    ctx: Ctx
    stage: str
    item: Item | None = None
    row: int = 0
    error: Invalid | None = None
    findings: list[Finding] = field(default_factory=list)
    info: str | None = None

    @property
    def rate_lines(self) -> list[RateLine]:
        assert self.item is not None
        return rates(self.ctx.laid, self.item, self.ctx.state.answers, self.ctx.rows(self.item))


# --- loading --------------------------------------------------------------------------------------------
async def reports_for(db: Database, who: Person, outlines: Outlines, *, at: str) -> list[Report]:
    """The reports this person fills in, created on first use: one per institution, or one per
    certificate of a training organization."""
    if who.role not in ("coordinator", "org") or who.institution_id is None:
        return []
    if who.role == "coordinator":
        found = await reports.find(db.read, who.institution_id, None)
        if found is not None:
            return [found]
        async with db.transaction() as conn:
            return [
                await reports.ensure(
                    conn, institution_id=who.institution_id, certificate_id=None, outline="institution", at=at
                )
            ]
    certs = await roster.certificates_of_org(db.read, who.institution_id)
    existing = {r.certificate_id: r for r in await reports.of_institution(db.read, who.institution_id)}
    if all(c.id in existing for c in certs):
        return [existing[c.id] for c in certs]
    async with db.transaction() as conn:
        return [
            await reports.ensure(
                conn, institution_id=who.institution_id, certificate_id=c.id, outline="training_org", at=at
            )
            for c in certs
        ]


def may_write(who: Person, report: Report) -> bool:
    return who.role in ("coordinator", "org") and who.institution_id == report.institution_id


async def load_ctx(conn: aiosqlite.Connection, report: Report, outlines: Outlines) -> Ctx:
    found = await reports.context(conn, report)
    laid = outlines.get(report.outline)
    rows = [Row(f"c{cert_id}", name, scale) for cert_id, name, scale in found.pilots]
    return Ctx(
        report, laid, State(laid, found.answers, rows), found.unit, found.certificate, found.comments, found.evidence
    )


def _view_at(ctx: Ctx, item: Item | None, **kw: Any) -> View:
    """The screen for arriving at an item: complete tables go straight to their confirmation."""
    if item is None:
        return View(ctx, "done", **kw)
    answer = item.point.answer if item.point else None
    if isinstance(answer, Numbers):
        rows = ctx.rows(item)
        filled = (ctx.value(item) or {}).get("rows", {})
        if rows and all(r.key in filled for r in rows):
            return View(ctx, "confirm", item, **kw)
        first_missing = next((n for n, r in enumerate(rows) if r.key not in filled), 0)
        return View(ctx, "ask", item, row=first_missing, **kw)
    return View(ctx, "ask", item, **kw)


class Walk:
    """One person's walk through one report. Build it per update; it holds nothing between updates."""

    def __init__(
        self, db: Database, outlines: Outlines, who: Person, *, at: str, update_id: int | None, long_limit: int = 2000
    ) -> None:
        self.db = db
        self.long_limit = long_limit
        self.outlines = outlines
        self.who = who
        self.at = at
        self.update_id = update_id

    async def _report(self, conn: aiosqlite.Connection, report_id: int) -> Report:
        report = await reports.get(conn, report_id)
        if report is None or not may_write(self.who, report):
            raise Refused("not_allowed")
        return report

    async def _save_cursor(self, conn: aiosqlite.Connection, view: View, pending: object = None) -> None:
        await cursors.put(
            conn,
            user_id=self.who.user_id,
            report_id=view.ctx.report.id,
            item=view.item.key if view.item else None,
            row=view.row,
            stage=view.stage,
            pending=pending,
            at=self.at,
        )

    async def _put(self, conn: aiosqlite.Connection, ctx: Ctx, item: Item, value: object) -> None:
        # A trigger writes the audit entry in the same statement, so no answer escapes the audit log.
        await reports.put_answer(
            conn, report_id=ctx.report.id, item=item.key, value=value, user_id=self.who.user_id, at=self.at
        )
        ctx.state.answers[item.key] = value

    def _editable(self, ctx: Ctx, item: Item) -> None:
        if ctx.report.status not in EDITABLE:
            raise Refused("locked")
        if not ctx.may_edit(item):
            raise Refused("not_reopened")

    # --- entry points ---------------------------------------------------------------------------------
    async def resume(self, report_id: int | None = None) -> View:
        """Back to where this person stopped (or the first open item), with everything kept."""
        async with self.db.transaction(update_id=self.update_id, at=self.at) as conn:
            cursor = await cursors.get(conn, self.who.user_id)
            rid = report_id or (cursor.report_id if cursor else None)
            if rid is None:
                raise Refused("no_report")
            ctx = await load_ctx(conn, await self._report(conn, rid), self.outlines)
            view = self._restore(ctx, cursor if cursor and cursor.report_id == rid else None)
            await self._save_cursor(conn, view, json.loads(cursor.pending) if cursor and view.stage == "warn" else None)
            return view

    def _restore(self, ctx: Ctx, cursor: Cursor | None) -> View:
        item = ctx.laid.by_key.get(cursor.item or "") if cursor else None
        if cursor is not None and item is not None:
            if cursor.stage == "warn" and cursor.pending != "{}":
                pending = json.loads(cursor.pending)
                findings = [Finding(f["severity"], f["message"]) for f in pending.get("findings", [])]
                return View(ctx, "warn", item, row=cursor.row, findings=findings)
            if cursor.stage in ("ask", "followup", "confirm"):
                return View(ctx, cursor.stage, item, row=cursor.row)
        return _view_at(ctx, ctx.state.next_open())

    async def go(self, report_id: int, item_key: str) -> View:
        """Jump to one item (to answer it or change its answer)."""
        async with self.db.transaction(update_id=self.update_id, at=self.at) as conn:
            ctx = await load_ctx(conn, await self._report(conn, report_id), self.outlines)
            item = ctx.laid.by_key.get(item_key)
            if item is None:
                raise Refused("stale")
            view = _view_at(ctx, item)
            await self._save_cursor(conn, view)
            return view

    async def text(self, text: str, cursor: Cursor | None = None) -> View:
        """A typed message: the answer to whatever the cursor is asking. A cursor the handler already read
        is used as it is: only this person's own updates move it, and they run one at a time."""
        async with self.db.transaction(update_id=self.update_id, at=self.at) as conn:
            if cursor is None:
                cursor = await cursors.get(conn, self.who.user_id)
            if cursor is None or cursor.report_id is None:
                raise Refused("no_report")
            ctx = await load_ctx(conn, await self._report(conn, cursor.report_id), self.outlines)
            item = ctx.laid.by_key.get(cursor.item or "")
            if item is None or cursor.stage == "done":
                return View(ctx, "done", info="nothing_asked")
            self._editable(ctx, item)
            if cursor.stage in ("warn", "confirm"):
                # A typed number while a confirmation is open replaces the row being confirmed.
                cursor_row = cursor.row if cursor.stage == "warn" else 0
                view = await self._typed(conn, ctx, item, "ask", cursor_row, text)
            else:
                view = await self._typed(conn, ctx, item, cursor.stage, cursor.row, text)
            return view

    async def _typed(self, conn: aiosqlite.Connection, ctx: Ctx, item: Item, stage: str, row: int, text: str) -> View:
        try:
            if item.narrative is not None:
                await self._put(conn, ctx, item, {"text": parse_text(text, limit=self.long_limit)})
                return await self._advance(conn, ctx, item)
            assert item.point is not None
            answer = item.point.answer
            if isinstance(answer, YesNo):
                if stage == "followup":
                    value = dict(ctx.value(item) or {})
                    value["note"] = parse_text(text, limit=self.long_limit)
                    await self._put(conn, ctx, item, value)
                    return await self._advance(conn, ctx, item)
                return await self._yes_no(conn, ctx, item, parse_yes_no(text))
            if isinstance(answer, Choice):
                await self._put(conn, ctx, item, {"choice": parse_choice(text, answer.options)})
                return await self._advance(conn, ctx, item)
            if isinstance(answer, Number):
                (n,) = parse_whole_numbers(text, count=1, minimum=answer.min, maximum=answer.max)
                await self._put(conn, ctx, item, {"n": n})
                return await self._advance(conn, ctx, item)
            if isinstance(answer, Numbers):
                return await self._table_row(conn, ctx, item, row, text)
            limit = SHORT_TEXT_LIMIT if answer.type == "text" else self.long_limit
            await self._put(conn, ctx, item, {"text": parse_text(text, limit=limit)})
            return await self._advance(conn, ctx, item)
        except Invalid as invalid:
            view = View(ctx, stage if stage != "confirm" else "ask", item, row=row, error=invalid)
            await self._save_cursor(conn, view)
            return view

    async def _yes_no(self, conn: aiosqlite.Connection, ctx: Ctx, item: Item, yes: bool) -> View:
        assert item.point is not None and isinstance(item.point.answer, YesNo)
        old = ctx.value(item) or {}
        # Keep an earlier explanation if the answer did not change, so a re-tap loses nothing.
        note = old.get("note") if old.get("yes") == yes else None
        await self._put(conn, ctx, item, {"yes": yes, "note": note})
        if needs_followup(item.point.answer, yes) and not note:
            view = View(ctx, "followup", item)
            await self._save_cursor(conn, view)
            return view
        return await self._advance(conn, ctx, item)

    async def _table_row(self, conn: aiosqlite.Connection, ctx: Ctx, item: Item, row: int, text: str) -> View:
        assert item.point is not None and isinstance(item.point.answer, Numbers)
        answer = item.point.answer
        rows = ctx.rows(item)
        if not rows:
            raise Invalid("no_rows")
        row = min(row, len(rows) - 1)
        top = min(f.max for f in answer.fields)
        numbers = parse_whole_numbers(text, count=len(answer.fields), maximum=top)
        values = {f.id: n for f, n in zip(answer.fields, numbers, strict=True)}
        findings = check_row(ctx.laid, item, ctx.state.answers, rows[row], values)
        errors = [f for f in findings if f.severity == "error"]
        if errors:
            view = View(ctx, "ask", item, row=row, findings=errors)
            await self._save_cursor(conn, view)
            return view
        if findings:
            view = View(ctx, "warn", item, row=row, findings=findings)
            pending = {
                "row": rows[row].key,
                "values": values,
                "findings": [{"severity": f.severity, "message": f.message} for f in findings],
            }
            await self._save_cursor(conn, view, pending)
            return view
        return await self._store_row(conn, ctx, item, row, values)

    async def _store_row(
        self, conn: aiosqlite.Connection, ctx: Ctx, item: Item, row: int, values: dict[str, int]
    ) -> View:
        rows = ctx.rows(item)
        value = dict(ctx.value(item) or {})
        filled = dict(value.get("rows", {}))
        filled[rows[row].key] = values
        await self._put(conn, ctx, item, {"rows": filled, "confirmed": False})
        missing = [n for n, r in enumerate(rows) if r.key not in filled and n > row] or [
            n for n, r in enumerate(rows) if r.key not in filled
        ]
        view = View(ctx, "ask", item, row=missing[0]) if missing else View(ctx, "confirm", item)
        await self._save_cursor(conn, view)
        return view

    async def _advance(self, conn: aiosqlite.Connection, ctx: Ctx, item: Item, *, info: str | None = None) -> View:
        if ctx.report.status == "returned" and "*" not in ctx.comments:
            # In a revision, walk the reopened items in order; the rest is locked.
            nxt = next((i for i in ctx.laid.items if i.key in ctx.comments and i.index > item.index), None)
        else:
            nxt = ctx.state.next_open(after=item)
        view = _view_at(ctx, nxt, info=info)
        await self._save_cursor(conn, view)
        return view

    async def press(self, report_id: int, item_key: str, action: str, arg: str) -> View:
        """A button on a walk screen; every press is checked against this person's rights and the cursor."""
        async with self.db.transaction(update_id=self.update_id, at=self.at) as conn:
            ctx = await load_ctx(conn, await self._report(conn, report_id), self.outlines)
            item = ctx.laid.by_key.get(item_key)
            if item is None:
                raise Refused("stale")
            cursor = await cursors.get(conn, self.who.user_id)
            at_item = cursor is not None and cursor.report_id == report_id and cursor.item == item_key
            if action == "back":
                return await self._back(conn, ctx, item, cursor if at_item else None)
            if action == "next":
                view = _view_at(ctx, ctx.state.following(item))
                await self._save_cursor(conn, view)
                return view
            if action == "later":
                nxt = next((i for i in ctx.state.missing() if i.index > item.index), None) or next(
                    (i for i in ctx.state.missing() if i.key != item.key), None
                )
                view = _view_at(ctx, nxt, info="put_off")
                await self._save_cursor(conn, view)
                return view
            self._editable(ctx, item)
            if action == "yn" and arg in ("1", "0") and item.point and isinstance(item.point.answer, YesNo):
                return await self._yes_no(conn, ctx, item, arg == "1")
            if action == "ch" and item.point and isinstance(item.point.answer, Choice) and arg.isdigit():
                options = item.point.answer.options
                if int(arg) >= len(options):
                    raise Refused("stale")
                await self._put(conn, ctx, item, {"choice": options[int(arg)]})
                return await self._advance(conn, ctx, item)
            if action == "skip":
                if not item.skippable:
                    raise Refused("core_cannot_skip")
                await self._put(conn, ctx, item, {"skipped": True})
                return await self._advance(conn, ctx, item, info="skipped")
            # The rest act on a pending step of the current item: an old button must not act twice.
            if not at_item or cursor is None:
                raise Refused("stale")
            if action == "keep" and cursor.stage == "warn":
                pending = json.loads(cursor.pending)
                rows = ctx.rows(item)
                index = next((n for n, r in enumerate(rows) if r.key == pending.get("row")), None)
                if index is None:
                    raise Refused("stale")
                return await self._store_row(conn, ctx, item, index, {k: int(v) for k, v in pending["values"].items()})
            if action == "retype" and cursor.stage == "warn":
                view = View(ctx, "ask", item, row=cursor.row)
                await self._save_cursor(conn, view)
                return view
            if action == "confirm" and cursor.stage == "confirm":
                value = dict(ctx.value(item) or {})
                rows = ctx.rows(item)
                if not rows or any(r.key not in value.get("rows", {}) for r in rows):
                    raise Refused("stale")
                value["confirmed"] = True
                await self._put(conn, ctx, item, value)
                return await self._advance(conn, ctx, item, info="confirmed")
            if action == "redo" and cursor.stage == "confirm":
                view = View(ctx, "ask", item, row=0)
                await self._save_cursor(conn, view)
                return view
            raise Refused("stale")

    async def _back(self, conn: aiosqlite.Connection, ctx: Ctx, item: Item, cursor: Cursor | None) -> View:
        # Inside a table, back steps through its rows before leaving the point.
        if cursor is not None and cursor.stage == "ask" and cursor.row > 0:
            view = View(ctx, "ask", item, row=cursor.row - 1)
        elif cursor is not None and cursor.stage in ("followup", "warn"):
            view = View(ctx, "ask", item, row=cursor.row)
        else:
            prev = ctx.state.previous(item)
            if prev is None:
                view = _view_at(ctx, item)
            else:
                view = _view_at(ctx, prev)
                if view.stage == "ask" and prev.point and isinstance(prev.point.answer, Numbers):
                    view = View(ctx, "ask", prev, row=max(0, len(ctx.rows(prev)) - 1))
        await self._save_cursor(conn, view)
        return view
