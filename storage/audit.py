"""The audit log: who changed what and when. Written inside the caller's transaction."""

from __future__ import annotations

import json

import aiosqlite

from storage.models import AuditEntry


async def record(
    conn: aiosqlite.Connection, *, at: str, actor: str, action: str, subject: str = "", detail: object = None
) -> None:
    await conn.execute(
        "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
        (at, actor, action, subject, json.dumps(detail if detail is not None else {}, ensure_ascii=False)),
    )


async def entries(
    conn: aiosqlite.Connection, *, action: str | None = None, subject: str | None = None
) -> list[AuditEntry]:
    sql = "SELECT id, at, actor, action, subject, detail FROM audit_log WHERE 1=1"
    args: list[str] = []
    if action is not None:
        sql += " AND action = ?"
        args.append(action)
    if subject is not None:
        sql += " AND subject = ?"
        args.append(subject)
    return [AuditEntry(*row) for row in await conn.execute_fetchall(sql + " ORDER BY id", args)]
