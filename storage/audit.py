"""The audit log: who changed what and when. Written inside the caller's transaction."""

from __future__ import annotations

import json
from contextvars import ContextVar

import aiosqlite

from storage.models import AuditEntry, Channel

# The channel the current request came through. Telegram's handlers leave the default; the web channel sets
# 'web' for each request it handles (a context variable is per task, so requests never mix).
CHANNEL: ContextVar[Channel] = ContextVar("xcheck_channel", default="telegram")


def channel_of(actor: str) -> Channel:
    return "cli" if actor == "cli" else CHANNEL.get()


async def record(
    conn: aiosqlite.Connection, *, at: str, actor: str, action: str, subject: str = "", detail: object = None
) -> None:
    channel = channel_of(actor)
    if channel == "web" and actor.startswith("tg:"):
        actor = "web:" + actor[3:]  # the domain names people by id; the channel says where they acted
    await conn.execute(
        "INSERT INTO audit_log (at, actor, action, subject, detail, channel) VALUES (?, ?, ?, ?, ?, ?)",
        (at, actor, action, subject, json.dumps(detail if detail is not None else {}, ensure_ascii=False), channel),
    )


async def entries(
    conn: aiosqlite.Connection, *, action: str | None = None, subject: str | None = None
) -> list[AuditEntry]:
    sql = "SELECT id, at, actor, action, subject, detail, channel FROM audit_log WHERE 1=1"
    args: list[str] = []
    if action is not None:
        sql += " AND action = ?"
        args.append(action)
    if subject is not None:
        sql += " AND subject = ?"
        args.append(subject)
    return [AuditEntry(*row) for row in await conn.execute_fetchall(sql + " ORDER BY id", args)]
