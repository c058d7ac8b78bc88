"""Coordinators' replies to the office's comments on a returned report (migration 0009)."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

_COLUMNS = ("id", "revision_id", "item", "text", "replied_by", "replied_at")


@dataclass(frozen=True, slots=True)
class Reply:
    id: int
    revision_id: int
    item: str
    text: str
    replied_by: int
    replied_at: str


async def add(conn: aiosqlite.Connection, *, revision_id: int, item: str, text: str, user_id: int, at: str) -> None:
    await conn.execute(
        "INSERT INTO comment_replies (revision_id, item, text, replied_by, replied_at) VALUES (?, ?, ?, ?, ?)",
        (revision_id, item, text, user_id, at),
    )


async def of_revision(conn: aiosqlite.Connection, revision_id: int) -> dict[str, list[Reply]]:
    """The replies by item, oldest first."""
    out: dict[str, list[Reply]] = {}
    for row in await conn.execute_fetchall(
        f"SELECT {', '.join(_COLUMNS)} FROM comment_replies WHERE revision_id = ? ORDER BY id", (revision_id,)
    ):
        reply = Reply(**dict(zip(_COLUMNS, row, strict=True)))
        out.setdefault(reply.item, []).append(reply)
    return out


async def of_open_revision(conn: aiosqlite.Connection, report_id: int) -> dict[str, list[str]]:
    """The texts replied so far to the report's open return, by item."""
    out: dict[str, list[str]] = {}
    for item, text in await conn.execute_fetchall(
        "SELECT r.item, r.text FROM comment_replies r JOIN revisions v ON v.id = r.revision_id "
        "WHERE v.report_id = ? AND v.closed_at IS NULL ORDER BY r.id",
        (report_id,),
    ):
        out.setdefault(str(item), []).append(str(text))
    return out
