"""Invitations still open (unused and unexpired), counted or revoked in bulk."""

from __future__ import annotations

from collections.abc import Iterable

import aiosqlite

from storage.models import Role


def _roles(roles: Iterable[Role]) -> tuple[str, tuple[str, ...]]:
    names = tuple(roles)
    return ",".join("?" * len(names)), names


async def count_open(conn: aiosqlite.Connection, roles: Iterable[Role], *, now: str) -> int:
    marks, names = _roles(roles)
    rows = await conn.execute_fetchall(
        f"SELECT COUNT(*) FROM invitations WHERE role IN ({marks}) AND used_at IS NULL AND expires_at > ?",
        (*names, now),
    )
    return int(next(iter(rows))[0])


async def revoke_open(conn: aiosqlite.Connection, roles: Iterable[Role], *, now: str) -> int:
    """Expires every open invitation of these roles now; used ones keep their history."""
    marks, names = _roles(roles)
    cur = await conn.execute(
        f"UPDATE invitations SET expires_at = ? WHERE role IN ({marks}) AND used_at IS NULL AND expires_at > ?",
        (now, *names, now),
    )
    return cur.rowcount
