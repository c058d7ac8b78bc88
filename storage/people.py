"""People bound to a role, and the one-time invitations that bind them."""

from __future__ import annotations

import json
from functools import partial

import aiosqlite

from storage.db import Database, Kept
from storage.models import Invitation, Person, Role
from storage.rows import first as _first

_PERSON = "SELECT user_id, name, role, institution_id, city, chat_id FROM people"


async def get(conn: aiosqlite.Connection, user_id: int) -> Person | None:
    kept: Kept | None = getattr(conn, "kept", None)
    if kept is not None:
        found = kept.people.get(user_id)
        if found is not None:
            return found  # type: ignore[no-any-return]
    row = _first(await conn.execute_fetchall(_PERSON + " WHERE user_id = ?", (user_id,)))
    if row is None:
        return None
    person = Person(*row)
    if kept is not None:
        kept.keep(conn, kept.people, user_id, person)
    return person


async def asking(db: Database, user_id: int) -> Person | None:
    """The person an update comes from: its first read, so what is kept in memory is first checked against
    other processes' commits (Database.fresh)."""
    db.fresh()
    return await get(db.read, user_id)


def forget(conn: aiosqlite.Connection, *user_ids: int) -> None:
    """`user_ids`' people rows change in the open transaction: not kept until it ends (read again then)."""
    kept: Kept | None = getattr(conn, "kept", None)
    if kept is None:
        return
    drop = partial(_drop, kept, user_ids)
    drop()
    conn.after_commit(drop)  # type: ignore[attr-defined]


def _drop(kept: Kept, user_ids: tuple[int, ...]) -> None:
    for user_id in user_ids:
        kept.people.pop(user_id, None)
        kept.cursors.pop(user_id, None)


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
    forget(conn, user_id)


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
