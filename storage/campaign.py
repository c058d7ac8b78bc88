"""Deadlines, the reminder log, broadcasts with their outbox, and the questionnaire."""

from __future__ import annotations

import aiosqlite

from storage.models import Broadcast, OutboxRow
from storage.rows import first as _first


# --- deadlines -------------------------------------------------------------------------------------------
async def set_deadline(conn: aiosqlite.Connection, kind: str, due_on: str, *, by: str, at: str) -> None:
    await conn.execute(
        "INSERT INTO deadlines (kind, due_on, set_by, set_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (kind) DO UPDATE SET due_on = excluded.due_on, set_by = excluded.set_by, set_at = excluded.set_at",
        (kind, due_on, by, at),
    )


async def deadlines(conn: aiosqlite.Connection) -> dict[str, str]:
    return {str(k): str(d) for k, d in await conn.execute_fetchall("SELECT kind, due_on FROM deadlines")}


# --- reminders -------------------------------------------------------------------------------------------
async def claim_reminder(conn: aiosqlite.Connection, key: str, *, user_id: int, slot: str, at: str) -> bool:
    """True if this reminder was not claimed before; the row is the promise it goes out at most once."""
    cur = await conn.execute(
        "INSERT OR IGNORE INTO reminder_log (key, user_id, slot, status, at) VALUES (?, ?, ?, 'sending', ?)",
        (key, user_id, slot, at),
    )
    return cur.rowcount == 1


async def finish_reminder(conn: aiosqlite.Connection, key: str, status: str, *, at: str) -> None:
    await conn.execute("UPDATE reminder_log SET status = ?, at = ? WHERE key = ?", (status, at, key))


async def reminders_sent(conn: aiosqlite.Connection, slot: str | None = None) -> list[tuple[str, int, str]]:
    sql = "SELECT key, user_id, status FROM reminder_log" + (" WHERE slot = ?" if slot else "") + " ORDER BY key"
    return [(str(k), int(u), str(s)) for k, u, s in await conn.execute_fetchall(sql, (slot,) if slot else ())]


async def orphaned_reminders(conn: aiosqlite.Connection, *, at: str) -> int:
    """Reminders left 'sending' by a crash: their delivery is unknown, so they are not sent again."""
    cur = await conn.execute("UPDATE reminder_log SET status = 'unknown', at = ? WHERE status = 'sending'", (at,))
    return cur.rowcount


# --- broadcasts ------------------------------------------------------------------------------------------
_BROADCAST = (
    "SELECT id, text, audience, audience_arg, created_by, created_at, status, report_chat, report_msg FROM broadcasts"
)
_OUTBOX = "SELECT id, broadcast_id, user_id, label, status, attempts, error FROM outbox"


async def create_broadcast(
    conn: aiosqlite.Connection,
    *,
    text: str,
    audience: str,
    arg: str,
    by: int,
    at: str,
    recipients: list[tuple[int, str]],
) -> int:
    cur = await conn.execute(
        "INSERT INTO broadcasts (text, audience, audience_arg, created_by, created_at, status) "
        "VALUES (?, ?, ?, ?, ?, 'running')",
        (text, audience, arg, by, at),
    )
    broadcast_id = int(cur.lastrowid or 0)
    await conn.executemany(
        "INSERT OR IGNORE INTO outbox (broadcast_id, user_id, label, updated_at) VALUES (?, ?, ?, ?)",
        [(broadcast_id, uid, label, at) for uid, label in recipients],
    )
    return broadcast_id


async def broadcast(conn: aiosqlite.Connection, broadcast_id: int) -> Broadcast | None:
    row = _first(await conn.execute_fetchall(_BROADCAST + " WHERE id = ?", (broadcast_id,)))
    return Broadcast(*row) if row else None


async def running_broadcasts(conn: aiosqlite.Connection) -> list[Broadcast]:
    return [
        Broadcast(*row) for row in await conn.execute_fetchall(_BROADCAST + " WHERE status = 'running' ORDER BY id")
    ]


async def set_report_message(conn: aiosqlite.Connection, broadcast_id: int, chat_id: int, message_id: int) -> None:
    await conn.execute(
        "UPDATE broadcasts SET report_chat = ?, report_msg = ? WHERE id = ?", (chat_id, message_id, broadcast_id)
    )


async def finish_broadcast(conn: aiosqlite.Connection, broadcast_id: int) -> None:
    await conn.execute("UPDATE broadcasts SET status = 'done' WHERE id = ?", (broadcast_id,))


async def next_pending(conn: aiosqlite.Connection, broadcast_id: int, limit: int) -> list[OutboxRow]:
    return [
        OutboxRow(*row)
        for row in await conn.execute_fetchall(
            _OUTBOX + " WHERE broadcast_id = ? AND status = 'pending' ORDER BY id LIMIT ?", (broadcast_id, limit)
        )
    ]


async def mark(
    conn: aiosqlite.Connection, row_id: int, status: str, *, at: str, error: str = "", attempt: bool = False
) -> None:
    await conn.execute(
        f"UPDATE outbox SET status = ?, error = ?, updated_at = ?{', attempts = attempts + 1' if attempt else ''} "
        "WHERE id = ?",
        (status, error[:200], at, row_id),
    )


async def broadcasts_to(conn: aiosqlite.Connection, user_id: int, limit: int) -> list[Broadcast]:
    """The latest broadcasts addressed to one person (their outbox row), newest first: the web shows them."""
    return [
        Broadcast(*row)
        for row in await conn.execute_fetchall(
            "SELECT b.id, b.text, b.audience, b.audience_arg, b.created_by, b.created_at, b.status, b.report_chat, "
            "b.report_msg FROM broadcasts b JOIN outbox o ON o.broadcast_id = b.id WHERE o.user_id = ? "
            "ORDER BY b.created_at DESC, b.id DESC LIMIT ?",
            (user_id, limit),
        )
    ]


async def outbox_rows(conn: aiosqlite.Connection, broadcast_id: int) -> list[OutboxRow]:
    return [
        OutboxRow(*row)
        for row in await conn.execute_fetchall(_OUTBOX + " WHERE broadcast_id = ? ORDER BY id", (broadcast_id,))
    ]


async def orphaned_outbox(conn: aiosqlite.Connection, *, at: str) -> int:
    cur = await conn.execute(
        "UPDATE outbox SET status = 'unknown', error = 'interrupted while sending', updated_at = ? "
        "WHERE status = 'sending'",
        (at,),
    )
    return cur.rowcount


# --- questionnaire ---------------------------------------------------------------------------------------
async def set_link(
    conn: aiosqlite.Connection, kind: str, *, url: str | None = None, image: str | None = None, at: str
) -> None:
    await conn.execute(
        "INSERT INTO questionnaire_links (kind, url, image, set_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (kind) DO UPDATE SET url = COALESCE(?, questionnaire_links.url), "
        "image = COALESCE(?, questionnaire_links.image), set_at = excluded.set_at",
        (kind, url or "", image or "", at, url, image),
    )


async def links(conn: aiosqlite.Connection) -> dict[str, tuple[str, str]]:
    return {
        str(k): (str(u), str(i))
        for k, u, i in await conn.execute_fetchall("SELECT kind, url, image FROM questionnaire_links")
    }


async def put_counts(
    conn: aiosqlite.Connection,
    *,
    institution_id: int,
    certificate_id: int,
    teachers: int,
    students: int,
    registered: int,
    user_id: int,
    at: str,
) -> None:
    await conn.execute(
        "INSERT INTO questionnaire_counts (institution_id, certificate_id, teachers, students, registered, updated_by, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (institution_id, certificate_id) DO UPDATE SET "
        "teachers = excluded.teachers, students = excluded.students, registered = excluded.registered, "
        "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        (institution_id, certificate_id, teachers, students, registered, user_id, at),
    )


async def counts(conn: aiosqlite.Connection) -> dict[int, dict[int, tuple[int, int, int]]]:
    """{institution: {certificate: (teachers, students, registered)}}"""
    out: dict[int, dict[int, tuple[int, int, int]]] = {}
    for inst, cert, t, s, r in await conn.execute_fetchall(
        "SELECT institution_id, certificate_id, teachers, students, registered FROM questionnaire_counts"
    ):
        out.setdefault(int(inst), {})[int(cert)] = (int(t), int(s), int(r))
    return out
