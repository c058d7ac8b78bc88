"""People bound to a role, and the one-time invitations that bind them."""

from __future__ import annotations

import json

import aiosqlite

from storage.models import Invitation, Person, Role
from storage.rows import first as _first

_PERSON = "SELECT user_id, name, role, institution_id, city, chat_id FROM people"


async def get(conn: aiosqlite.Connection, user_id: int) -> Person | None:
    row = _first(await conn.execute_fetchall(_PERSON + " WHERE user_id = ?", (user_id,)))
    return Person(*row) if row else None


async def bind(
    conn: aiosqlite.Connection,
    *,
    user_id: int,
    name: str,
    role: Role,
    institution_id: int | None,
    city: str | None,
    chat_id: int | None,
    at: str,
) -> None:
    await conn.execute(
        "INSERT INTO people (user_id, name, role, institution_id, city, chat_id, bound_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET name = excluded.name, "
        "role = excluded.role, institution_id = excluded.institution_id, city = excluded.city, "
        "chat_id = excluded.chat_id, bound_at = excluded.bound_at",
        (user_id, name, role, institution_id, city, chat_id, at),
    )


async def with_role(conn: aiosqlite.Connection, role: Role) -> list[Person]:
    return [Person(*row) for row in await conn.execute_fetchall(_PERSON + " WHERE role = ? ORDER BY user_id", (role,))]


async def of_institution(conn: aiosqlite.Connection, institution_id: int) -> list[Person]:
    return [
        Person(*row)
        for row in await conn.execute_fetchall(
            _PERSON + " WHERE institution_id = ? ORDER BY user_id", (institution_id,)
        )
    ]


async def create_invitation(
    conn: aiosqlite.Connection,
    *,
    code_hash: str,
    role: Role,
    institution_id: int | None,
    city: str | None,
    created_by: str,
    created_at: str,
    expires_at: str,
    scope: list[int] | None = None,
) -> int:
    cur = await conn.execute(
        "INSERT INTO invitations (code_hash, role, institution_id, city, created_by, created_at, expires_at, scope) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (code_hash, role, institution_id, city, created_by, created_at, expires_at, json.dumps(scope or [])),
    )
    return int(cur.lastrowid or 0)


async def invitation_by_hash(conn: aiosqlite.Connection, code_hash: str) -> Invitation | None:
    row = _first(
        await conn.execute_fetchall(
            "SELECT id, role, institution_id, city, expires_at, used_at, scope FROM invitations WHERE code_hash = ?",
            (code_hash,),
        )
    )
    if row is None:
        return None
    inv_id, role, institution_id, city, expires_at, used_at, scope = row
    return Invitation(inv_id, role, institution_id, city, expires_at, used_at, [int(i) for i in json.loads(scope)])


async def mark_invitation_used(conn: aiosqlite.Connection, invitation_id: int, *, user_id: int, at: str) -> bool:
    """True when this call used it; False when someone else used it first."""
    cur = await conn.execute(
        "UPDATE invitations SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL",
        (at, user_id, invitation_id),
    )
    return cur.rowcount == 1
