"""The walk through an outline: load a report, apply one input, move the cursor, say what to show next.

Every change is one transaction that also records the Telegram update id, so a re-delivered update is
never applied twice, and the cursor row is the walk's only state.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.core.buttons import WalkAction
from bot.core.stages import AsideStage, FindingRow, ResumePending, WalkStage, WarnPending, pending, stage_of
from bot.domain.answers.parsers import Invalid, parse_text
from bot.domain.answers.tables import looks_like_table, parse_table
from bot.domain.answers.types.base import Value
from bot.domain.answers.types.scope import ItemScope
from bot.domain.answers.types.text import SHORT_LIMIT
from bot.domain.outlines.loader import Item, LaidOut, Outlines
from bot.domain.walk.rules import Finding, RateLine, Row, check_row, rates
from bot.domain.walk.state import State
from storage import Database, cursors, fragments, replies, reports, roster, versions
from storage.models import Cursor, Person, Report

SHORT_TEXT_LIMIT = SHORT_LIMIT
REPLY_LIMIT = 500  # as long as the office's own comment may be
# Telegram splits a text over 4096 characters into parts sent one after another; a part at least this
# long, followed by another text within the window, is taken as the start of one longer answer.
SPLIT_PART_MIN = 3000
SPLIT_WINDOW = timedelta(seconds=3)
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
    # The coordinators' replies to those comments so far, by item.
    replies: dict[str, list[str]] = field(default_factory=dict)

    def may_edit(self, item: Item) -> bool:
        if self.report.status == "draft":
            return True
        if self.report.status == "returned":
            if "*" in self.comments or item.key in self.comments:
                return True
            # A returned point reopens its section's narratives too: the answer may change what they say.
            return item.narrative is not None and any(
                i.key in self.comments for i in self.laid.section_items(item.section.no)
            )
        return False

    def comment_key(self, item: Item) -> str | None:
        """The key of the office's comment shown on this item (its own, or the whole report's)."""
        if self.report.status != "returned":
            return None
        if item.key in self.comments:
            return item.key
        return "*" if "*" in self.comments else None

    def rows(self, item: Item) -> list[Row]:
        return self.scope(item).rows()

    def value(self, item: Item) -> Any:
        return self.state.answers.get(item.key)

    def scope(self, item: Item, answers: dict[str, Any] | None = None) -> ItemScope:
        """What the item's answer type sees of this report: its answers now, or those of one version."""
        return ItemScope(self.laid, item, self.state.answers if answers is None else answers, self.state.certificates)


@dataclass
class View:
    """What to show next. `stage` picks the screen: ask, followup, warn, confirm, done."""

    ctx: Ctx
    stage: WalkStage
    item: Item | None = None
    row: int = 0
    error: Invalid | None = None
    findings: list[Finding] = field(default_factory=list)
    info: str | None = None
    # A warned table's rows as read (row key → field → value), shown with the warning.
    pending: dict[str, Any] | None = None
    # Asking one row again from the confirmation (after ✏️ 重新填写 and a certificate was picked).
    redo: bool = False
    # The item a typed answer was just saved to: acknowledged in one line on top of the next screen.
    saved: Item | None = None
    # How many messages a long text arrived in (Telegram splits texts over 4096 characters).
    parts: int = 1

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
    return await _ctx(conn, report, await reports.context(conn, report), outlines)


async def _ctx(conn: aiosqlite.Connection, report: Report, found: reports.Context, outlines: Outlines) -> Ctx:
    laid = outlines.get(report.outline)
    rows = [Row(f"c{cert_id}", name, scale) for cert_id, name, scale in found.pilots]
    answered = await replies.of_open_revision(conn, report.id) if report.status == "returned" else {}
    return Ctx(
        report,
        laid,
        State(laid, found.answers, rows),
        found.unit,
        found.certificate,
        found.comments,
        found.evidence,
        answered,
    )


def _stage(cursor: Cursor) -> WalkStage | None:
    """The walk's stage; while the menu or the submit flow is open, the stage it was left at; None when the
    cursor is in another flow (a broadcast, a return, a grade...)."""
    stage = stage_of(cursor.stage)
    if isinstance(stage, AsideStage):
        return (pending(cursor, ResumePending) or ResumePending()).stage
    return stage if isinstance(stage, WalkStage) else None


def _takes_text(item: Item, stage: WalkStage) -> bool:
    """Whether this item at this stage takes free text (a narrative, a long text, a 否's explanation)."""
    if item.narrative is not None:
        return True
    if item.point is None:
        return False
    return item.point.answer.takes_text(followup=stage == WalkStage.FOLLOWUP)


def _findings(warned: WarnPending) -> list[Finding]:
    return [Finding(f.severity, f.message, f.row, tuple(f.read)) for f in warned.findings]


def _view_at(ctx: Ctx, item: Item | None, **kw: Any) -> View:
    """The screen for arriving at an item: complete tables go straight to their confirmation."""
    if item is None:
        return View(ctx, WalkStage.DONE, **kw)
    if item.point is not None and item.point.answer.as_table() is not None:
        rows = ctx.rows(item)
        filled = (ctx.value(item) or {}).get("rows", {})
        if rows and all(r.key in filled for r in rows):
            return View(ctx, WalkStage.CONFIRM, item, **kw)
        first_missing = next((n for n, r in enumerate(rows) if r.key not in filled), 0)
        return View(ctx, WalkStage.ASK, item, row=first_missing, **kw)
    return View(ctx, WalkStage.ASK, item, **kw)


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

    async def _load(self, conn: aiosqlite.Connection, report_id: int) -> tuple[Ctx, bool]:
        """The report, checked (this person fills it in, the campaign is not closed), its context, and whether
        a part of a split long text is waiting: one read."""
        opened, found = await reports.open_context(conn, report_id, self.who.user_id)
        if opened.report is None or found is None or not may_write(self.who, opened.report):
            raise Refused("not_allowed")
        if opened.closes_at is not None and opened.closes_at <= self.at:
            raise Refused("closed")  # the campaign is over: reports are read-only
        return await _ctx(conn, opened.report, found, self.outlines), opened.fragment_waiting

    async def _save_cursor(self, conn: aiosqlite.Connection, view: View, warned: WarnPending | None = None) -> None:
        await cursors.put(
            conn,
            user_id=self.who.user_id,
            report_id=view.ctx.report.id,
            item=view.item.key if view.item else None,
            row=view.row,
            stage=view.stage,
            pending=warned.dump() if warned else None,
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
            ctx = (await self._load(conn, rid))[0]
            view = self._restore(ctx, cursor if cursor and cursor.report_id == rid else None)
            warned = pending(cursor, WarnPending) if view.stage == WalkStage.WARN else None
            await self._save_cursor(conn, view, warned)
            return view

    def _restore(self, ctx: Ctx, cursor: Cursor | None) -> View:
        item = ctx.laid.by_key.get(cursor.item or "") if cursor else None
        if cursor is not None and item is not None:
            warned = pending(cursor, WarnPending) if cursor.stage == WalkStage.WARN else None
            if warned is not None:
                return View(ctx, WalkStage.WARN, item, row=cursor.row, findings=_findings(warned), pending=warned.rows)
            stage = _stage(cursor)
            if stage in (WalkStage.EVID, WalkStage.REPLY):
                return View(ctx, stage, item)
            if stage == WalkStage.WARN:  # a warning whose figures did not keep: asked again
                return View(ctx, WalkStage.ASK, item, row=cursor.row)
            if stage in (WalkStage.ASK, WalkStage.FOLLOWUP, WalkStage.CONFIRM, WalkStage.PICK):
                return View(ctx, stage, item, row=cursor.row)
        return _view_at(ctx, ctx.state.next_open())

    async def screen(self, report_id: int) -> View:
        """The screen the cursor is on, for showing it again (after an upload); writes nothing."""
        ctx = (await self._load(self.db.read, report_id))[0]
        cursor = await cursors.get(self.db.read, self.who.user_id)
        return self._restore(ctx, cursor if cursor and cursor.report_id == report_id else None)

    async def go(self, report_id: int, item_key: str) -> View:
        """Jump to one item (to answer it or change its answer)."""
        async with self.db.transaction(update_id=self.update_id, at=self.at) as conn:
            ctx = (await self._load(conn, report_id))[0]
            item = ctx.laid.by_key.get(item_key)
            if item is None:
                raise Refused("stale")
            view = _view_at(ctx, item)
            await self._save_cursor(conn, view)
            return view

    async def text(self, text: str, cursor: Cursor | None = None) -> View:
        """A typed message: the answer to whatever the cursor is asking, or the rest of a long text that
        Telegram split into several messages (merged into the item the first part answered). A cursor the
        handler already read is used as it is: only this person's own updates move it, one at a time."""
        async with self.db.transaction(update_id=self.update_id, at=self.at) as conn:
            if cursor is None:
                cursor = await cursors.get(conn, self.who.user_id)
            if cursor is None or cursor.report_id is None:
                raise Refused("no_report")
            ctx, waiting = await self._load(conn, cursor.report_id)
            # Only a text after a long one may continue it: most texts skip the fragment read altogether.
            fragment = await fragments.get(conn, self.who.user_id) if waiting else None
            if fragment is not None:
                await fragments.drop(conn, self.who.user_id)
                if self._continues(fragment, ctx):
                    return await self._merge(conn, ctx, fragment, text)
            item = ctx.laid.by_key.get(cursor.item or "")
            # Text typed in another flow's stage (a file waiting for its point) answers the item, as before.
            stage = _stage(cursor) or WalkStage.ASK
            if item is None or stage == WalkStage.DONE:
                return View(ctx, WalkStage.DONE, info="nothing_asked")
            self._editable(ctx, item)
            before = ctx.value(item)
            if stage == WalkStage.REPLY:
                return await self._reply(conn, ctx, item, text)
            if stage == WalkStage.EVID:
                # The screen asks for a file: a typed word here must not answer this or the next item.
                view = View(ctx, WalkStage.EVID, item, error=Invalid("file_expected"))
                await self._save_cursor(conn, view)
                return view
            if stage == WalkStage.WARN:
                # A typed number while a warning is open replaces the row(s) being warned about.
                view = await self._typed(conn, ctx, item, WalkStage.ASK, cursor.row, text)
            elif stage in (WalkStage.CONFIRM, WalkStage.PICK):
                # Which certificate a lone number is for is not known here: only a table or named lines.
                view = await self._typed(conn, ctx, item, WalkStage.CONFIRM, 0, text)
            else:
                view = await self._typed(conn, ctx, item, stage, cursor.row, text)
            if len(text) >= SPLIT_PART_MIN and _takes_text(item, stage):
                await fragments.put(
                    conn,
                    fragments.Fragment(
                        self.who.user_id,
                        ctx.report.id,
                        item.key,
                        stage,
                        text,
                        1,
                        len(text),
                        None if before is None else json.dumps(before, ensure_ascii=False),
                        self.at,
                    ),
                )
            return view

    async def _reply(self, conn: aiosqlite.Connection, ctx: Ctx, item: Item, text: str) -> View:
        """A reply to the office's comment on this item, kept with the return; the point is shown again."""
        key = ctx.comment_key(item)
        revision = await versions.open_revision(conn, ctx.report.id)
        if key is None or revision is None:
            raise Refused("stale")
        try:
            body = parse_text(text, limit=REPLY_LIMIT)
        except Invalid as invalid:
            view = View(ctx, WalkStage.REPLY, item, error=invalid)
            await self._save_cursor(conn, view)
            return view
        await replies.add(conn, revision_id=revision.id, item=key, text=body, user_id=self.who.user_id, at=self.at)
        ctx.replies.setdefault(key, []).append(body)
        view = _view_at(ctx, item, info="replied")
        await self._save_cursor(conn, view)
        return view

    def _continues(self, fragment: fragments.Fragment, ctx: Ctx) -> bool:
        """Telegram splits a long text into parts of about 4096 characters sent within a second or two."""
        if fragment.report_id != ctx.report.id or fragment.last_length < SPLIT_PART_MIN:
            return False
        gap = datetime.fromisoformat(self.at) - datetime.fromisoformat(fragment.received_at)
        return timedelta(0) <= gap <= SPLIT_WINDOW

    async def _merge(self, conn: aiosqlite.Connection, ctx: Ctx, fragment: fragments.Fragment, text: str) -> View:
        """The whole text, as if it had arrived at once: stored if within the limit, refused whole if not;
        the item's earlier value is restored first, so no part is ever kept on its own."""
        item = ctx.laid.by_key.get(fragment.item)
        if item is None:
            raise Refused("stale")
        self._editable(ctx, item)
        merged = fragment.text + text
        previous = fragment.previous_value
        if ctx.value(item) != previous:  # the first part was stored: take it back before judging the whole
            await self._put(conn, ctx, item, previous if previous is not None else {})
        stage = stage_of(fragment.stage)
        if not isinstance(stage, WalkStage):
            raise Refused("stale")
        view = await self._typed(conn, ctx, item, stage, 0, merged)
        view.parts = fragment.parts + 1
        await fragments.put(
            conn,
            fragments.Fragment(
                self.who.user_id,
                ctx.report.id,
                item.key,
                fragment.stage,
                merged,
                fragment.parts + 1,
                len(text),
                fragment.previous,
                self.at,
            ),
        )
        return view

    async def _typed(
        self, conn: aiosqlite.Connection, ctx: Ctx, item: Item, stage: WalkStage, row: int, text: str
    ) -> View:
        try:
            view = await self._typed_answer(conn, ctx, item, stage, row, text)
        except Invalid as invalid:
            view = View(
                ctx,
                stage if stage in (WalkStage.CONFIRM, WalkStage.FOLLOWUP) else WalkStage.ASK,
                item,
                row=row,
                error=invalid,
            )
            await self._save_cursor(conn, view)
            return view
        if not (
            view.item is item
            and view.stage in (WalkStage.FOLLOWUP, WalkStage.ASK, WalkStage.WARN, WalkStage.CONFIRM, WalkStage.PICK)
        ):
            view.saved = item  # a typed answer that moved on: say what was saved where
        return view

    async def _typed_answer(
        self, conn: aiosqlite.Connection, ctx: Ctx, item: Item, stage: WalkStage, row: int, text: str
    ) -> View:
        if item.narrative is not None:
            await self._put(conn, ctx, item, {"text": parse_text(text, limit=self.long_limit)})
            return await self._advance(conn, ctx, item)
        assert item.point is not None
        answer = item.point.answer
        if stage == WalkStage.FOLLOWUP:
            noted = answer.add_note(ctx.value(item) or {}, text, long_limit=self.long_limit)
            if noted is not None:
                await self._put(conn, ctx, item, noted)
                return await self._advance(conn, ctx, item)
        if answer.as_table() is not None:
            return await self._table_input(conn, ctx, item, stage, row, text)
        return await self._answered(conn, ctx, item, answer.parse(text, long_limit=self.long_limit))

    async def _answered(self, conn: aiosqlite.Connection, ctx: Ctx, item: Item, value: Value) -> View:
        """Store a typed or pressed answer; ask for its explanation if it needs one, else move on."""
        assert item.point is not None
        answer = item.point.answer
        value = answer.carry_over(ctx.value(item) or {}, value)
        await self._put(conn, ctx, item, value)
        if answer.asks_note(value):
            view = View(ctx, WalkStage.FOLLOWUP, item)
            await self._save_cursor(conn, view)
            return view
        return await self._advance(conn, ctx, item)

    async def _table_input(
        self, conn: aiosqlite.Connection, ctx: Ctx, item: Item, stage: WalkStage, row: int, text: str
    ) -> View:
        """One row ("120"), or the whole table in one message (a line per row, or `证书名 数字` lines)."""
        assert item.point is not None
        answer = item.point.answer.as_table()
        assert answer is not None
        rows = ctx.rows(item)
        if not rows:
            raise Invalid("no_rows")
        row = min(row, len(rows) - 1)
        values: dict[int, dict[str, int]]
        if len(rows) > 1 and looks_like_table(text, rows):
            top = min(f.max for f in answer.fields)
            typed = parse_table(text, rows, count=len(answer.fields), maximum=top, start=row)
            values = {n: {f.id: v for f, v in zip(answer.fields, nums, strict=True)} for n, nums in typed.items()}
        elif stage == WalkStage.CONFIRM and len(rows) > 1:
            # Which certificate a lone number is for is not known here: never overwrite row 0 silently.
            raise Invalid("pick_row_first")
        else:
            values = {row: answer.parse(text, long_limit=self.long_limit)}
        findings = [
            f for n, vals in values.items() for f in check_row(ctx.laid, item, ctx.state.answers, rows[n], vals)
        ]
        errors = [f for f in findings if f.severity == "error"]
        first = min(values)
        if errors:
            view = View(ctx, WalkStage.ASK, item, row=first if len(values) == 1 else row, findings=errors)
            await self._save_cursor(conn, view)
            return view
        if findings:
            view = View(
                ctx,
                WalkStage.WARN,
                item,
                row=first,
                findings=findings,
                pending={rows[n].key: v for n, v in values.items()},
            )
            warned = WarnPending(
                rows={rows[n].key: v for n, v in values.items()},
                findings=[
                    FindingRow(severity=f.severity, message=f.message, row=f.row, read=list(f.read)) for f in findings
                ],
            )
            await self._save_cursor(conn, view, warned)
            return view
        return await self._store_rows(conn, ctx, item, {rows[n].key: v for n, v in values.items()}, after=max(values))

    async def _store_rows(
        self, conn: aiosqlite.Connection, ctx: Ctx, item: Item, typed: dict[str, dict[str, int]], *, after: int
    ) -> View:
        rows = ctx.rows(item)
        value = dict(ctx.value(item) or {})
        filled = dict(value.get("rows", {}))
        filled.update(typed)
        await self._put(conn, ctx, item, {"rows": filled, "confirmed": False})
        missing = [n for n, r in enumerate(rows) if r.key not in filled and n > after] or [
            n for n, r in enumerate(rows) if r.key not in filled
        ]
        view = View(ctx, WalkStage.ASK, item, row=missing[0]) if missing else View(ctx, WalkStage.CONFIRM, item)
        await self._save_cursor(conn, view)
        return view

    async def _advance(
        self, conn: aiosqlite.Connection, ctx: Ctx, item: Item, *, info: str | None = None, ask_file: bool = True
    ) -> View:
        if ask_file and ctx.state.needs_evidence(item) and not ctx.evidence.get(item.key):
            # Ask for the file right after the answer it proves, while the papers are at hand.
            view = View(ctx, WalkStage.EVID, item, info=info)
            await self._save_cursor(conn, view)
            return view
        if ctx.report.status == "returned" and "*" not in ctx.comments:
            # In a revision, walk the reopened items in order; the rest is locked.
            nxt = next((i for i in ctx.laid.items if i.key in ctx.comments and i.index > item.index), None)
        else:
            nxt = ctx.state.next_open(after=item)
        view = _view_at(ctx, nxt, info=info)
        await self._save_cursor(conn, view)
        return view

    async def press(self, report_id: int, item_key: str, action: WalkAction, arg: int | None = None) -> View:
        """A button on a walk screen; every press is checked against this person's rights and the cursor."""
        async with self.db.transaction(update_id=self.update_id, at=self.at) as conn:
            ctx = (await self._load(conn, report_id))[0]
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
            if action == "on":  # 稍后上传: the file can come later, the walk goes on
                return await self._advance(conn, ctx, item, ask_file=False)
            if action == "later":
                nxt = next((i for i in ctx.state.missing() if i.index > item.index), None) or next(
                    (i for i in ctx.state.missing() if i.key != item.key), None
                )
                view = _view_at(ctx, nxt, info="put_off")
                await self._save_cursor(conn, view)
                return view
            if action in ("yn", "ch", "skip") and not at_item:
                # An answer button from an older message: the walk has moved on (or the answer was typed),
                # so it must not overwrite what is stored now.
                raise Refused("stale")
            self._editable(ctx, item)
            if action == "reply":
                if ctx.comment_key(item) is None:
                    raise Refused("stale")
                view = View(ctx, WalkStage.REPLY, item)
                await self._save_cursor(conn, view)
                return view
            if action in ("yn", "ch"):
                pressed = item.point.answer.from_button(action, arg) if item.point is not None else None
                if pressed is None:
                    raise Refused("stale")
                return await self._answered(conn, ctx, item, pressed)
            if action == "skip":
                if not item.skippable:
                    raise Refused("core_cannot_skip")
                await self._put(conn, ctx, item, {"skipped": True})
                return await self._advance(conn, ctx, item, info="skipped")
            # The rest act on a pending step of the current item: an old button must not act twice.
            if not at_item or cursor is None:
                raise Refused("stale")
            if action == "keep" and cursor.stage == WalkStage.WARN:
                warned = pending(cursor, WarnPending)
                rows = ctx.rows(item)
                keys = [r.key for r in rows]
                typed = warned.rows if warned else {}
                if not typed or any(k not in keys for k in typed):
                    raise Refused("stale")
                values = {k: dict(vals) for k, vals in typed.items()}
                return await self._store_rows(conn, ctx, item, values, after=max(keys.index(k) for k in values))
            if action == "retype" and cursor.stage == WalkStage.WARN:
                view = View(ctx, WalkStage.ASK, item, row=cursor.row)
                await self._save_cursor(conn, view)
                return view
            if action == "confirm" and _stage(cursor) == WalkStage.CONFIRM:
                value = dict(ctx.value(item) or {})
                rows = ctx.rows(item)
                if not rows or any(r.key not in value.get("rows", {}) for r in rows):
                    raise Refused("stale")
                value["confirmed"] = True
                await self._put(conn, ctx, item, value)
                return await self._advance(conn, ctx, item, info="confirmed")
            if action == "redo" and _stage(cursor) == WalkStage.CONFIRM:
                # With several rows, ask which one to change; with one, ask it again.
                view = View(ctx, WalkStage.PICK if len(ctx.rows(item)) > 1 else WalkStage.ASK, item, row=0)
                await self._save_cursor(conn, view)
                return view
            if action == "row" and _stage(cursor) in (WalkStage.PICK, WalkStage.CONFIRM) and arg is not None:
                if arg >= len(ctx.rows(item)):
                    raise Refused("stale")
                view = View(ctx, WalkStage.ASK, item, row=arg, redo=True)
                await self._save_cursor(conn, view)
                return view
            raise Refused("stale")

    async def _back(self, conn: aiosqlite.Connection, ctx: Ctx, item: Item, cursor: Cursor | None) -> View:
        # Inside a table, back steps through its rows before leaving the point.
        if cursor is not None and cursor.stage == WalkStage.ASK and cursor.row > 0:
            view = View(ctx, WalkStage.ASK, item, row=cursor.row - 1)
        elif cursor is not None and cursor.stage in (WalkStage.FOLLOWUP, WalkStage.WARN):
            view = View(ctx, WalkStage.ASK, item, row=cursor.row)
        else:
            prev = ctx.state.previous(item)
            if prev is None:
                view = _view_at(ctx, item)
            else:
                view = _view_at(ctx, prev)
                if view.stage == WalkStage.ASK and prev.point and prev.point.answer.as_table() is not None:
                    view = View(ctx, WalkStage.ASK, prev, row=max(0, len(ctx.rows(prev)) - 1))
        await self._save_cursor(conn, view)
        return view
