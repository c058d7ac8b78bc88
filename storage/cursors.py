"""Where each person stands in the walk. A row, so a restart loses nothing."""

from __future__ import annotations

import json
from functools import partial

import aiosqlite

from storage.db import Database, Kept
from storage.models import Cursor
from storage.rows import first as _first

# json.dumps(..., ensure_ascii=False) builds an encoder per call; this one is built once (same output).
_encode = json.JSONEncoder(ensure_ascii=False).encode

_CURSOR = "SELECT user_id, report_id, item, row, stage, pending FROM cursors"


async def get(conn: aiosqlite.Connection, user_id: int) -> Cursor | None:
    """Where `user_id` stands: kept in memory (storage.db.Kept) after the first read."""
    kept: Kept | None = getattr(conn, "kept", None)
    if kept is not None:
        found = kept.cursors.get(user_id)
        if found is not None:
            return found  # type: ignore[no-any-return]
    row = _first(await conn.execute_fetchall(_CURSOR + " WHERE user_id = ?", (user_id,)))
    if row is None:
        return None
    cursor = Cursor(*row)
    if kept is not None:
        kept.keep(conn, kept.cursors, user_id, cursor)
    return cursor


def _changed(conn: aiosqlite.Connection, user_id: int, after: Cursor | None = None) -> None:
    """`user_id`'s cursor is written in the open transaction: forgotten at once (the transaction reads its own
    write from SQL), then kept as `after` once it commits (None: read again next time)."""
    kept: Kept | None = getattr(conn, "kept", None)
    if kept is None:
        return
    kept.cursors.pop(user_id, None)
    if after is None:
        conn.after_commit(partial(kept.cursors.pop, user_id, None))  # type: ignore[attr-defined]
    else:
        conn.after_commit(partial(kept.cursors.__setitem__, user_id, after))  # type: ignore[attr-defined]


async def put(
    conn: aiosqlite.Connection,
    *,
    user_id: int,
    report_id: int | None,
    item: str | None,
    row: int = 0,
    stage: str = "ask",
    pending: object = None,
    at: str,
) -> None:
    document = _encode(pending) if pending else "{}"
    after = Cursor(user_id, report_id, item, row, str(stage), document)
    kept: Kept | None = getattr(conn, "kept", None)
    if kept is not None and after.stage != "submit" and kept.cursors.get(user_id) == after:
        # The stored row already says this (what is kept is committed and not changed in this transaction,
        # which would have forgotten it): no write. Only the submit flow reads updated_at (`submitting`).
        return
    await conn.execute(
        "INSERT INTO cursors (user_id, report_id, item, row, stage, pending, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET report_id = excluded.report_id, "
        "item = excluded.item, row = excluded.row, stage = excluded.stage, pending = excluded.pending, "
        "updated_at = excluded.updated_at",
        (user_id, report_id, item, row, stage, document, at),
    )
    _changed(conn, user_id, after)


async def reset_stage(db: Database, user_id: int, *, at: str) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE cursors SET stage = 'ask', pending = '{}', updated_at = ? WHERE user_id = ?",
            (at, user_id),
        )
        _changed(conn, user_id)


async def mark_menu(conn: aiosqlite.Connection, user_id: int, report_id: int, *, at: str) -> None:
    """The menu is open: a file sent now is not meant for the item the walk stopped at. The walk's own
    stage is kept in `pending` for resuming (a pending warning is not: it is simply asked again)."""
    await conn.execute(
        "UPDATE cursors SET pending = CASE WHEN stage = 'submit' THEN pending ELSE json_object('stage', stage) END, "
        "stage = 'menu', updated_at = ? WHERE user_id = ? AND report_id = ? "
        "AND stage IN ('ask', 'followup', 'confirm', 'pick', 'evid', 'done', 'submit')",
        (at, user_id, report_id),
    )
    _changed(conn, user_id)


async def start_submit(conn: aiosqlite.Connection, user_id: int, report_id: int, *, at: str) -> None:
    """提交报告 was pressed: until 确认提交 or cancel, reminders to this person wait (see `submitting`).
    The walk's stage is kept in `pending` for afterwards."""
    await conn.execute(
        "INSERT OR IGNORE INTO cursors (user_id, report_id, item, row, stage, pending, updated_at) "
        "VALUES (?, ?, NULL, 0, 'ask', '{}', ?)",
        (user_id, report_id, at),
    )
    await conn.execute(
        "UPDATE cursors SET pending = CASE WHEN stage IN ('menu', 'submit') THEN pending "
        "ELSE json_object('stage', stage) END, item = CASE WHEN report_id = ? THEN item END, report_id = ?, "
        "stage = 'submit', updated_at = ? WHERE user_id = ?",
        (report_id, report_id, at, user_id),
    )
    _changed(conn, user_id)


async def end_submit(conn: aiosqlite.Connection, user_id: int, *, at: str) -> None:
    """The submit flow ended (submitted, cancelled, or left for the preview)."""
    await conn.execute(
        "UPDATE cursors SET stage = COALESCE(json_extract(pending, '$.stage'), 'ask'), pending = '{}', updated_at = ? "
        "WHERE user_id = ? AND stage = 'submit'",
        (at, user_id),
    )
    _changed(conn, user_id)


async def submitting(conn: aiosqlite.Connection, *, since: str) -> set[int]:
    """People in the submit flow who pressed 提交报告 at or after `since` (an abandoned flow stops holding)."""
    rows = await conn.execute_fetchall(
        "SELECT user_id FROM cursors WHERE stage = 'submit' AND updated_at >= ?", (since,)
    )
    return {int(user_id) for (user_id,) in rows}
