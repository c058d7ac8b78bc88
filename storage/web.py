"""The web channel's rows: sessions, one-time links between channels, and web-only people's ids."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import aiosqlite

from storage import people
from storage.rows import first as _first

LinkPurpose = Literal["web", "telegram"]


@dataclass(frozen=True, slots=True)
class Session:
    user_id: int
    csrf: str
    expires_at: str


@dataclass(frozen=True, slots=True)
class ChannelLink:
    user_id: int
    purpose: LinkPurpose
    expires_at: str
    used_at: str | None


async def create_session(
    conn: aiosqlite.Connection, *, id_hash: str, user_id: int, csrf: str, at: str, expires_at: str
) -> None:
    await conn.execute(
        "INSERT INTO web_sessions (id_hash, user_id, csrf, created_at, expires_at, seen_at) VALUES (?, ?, ?, ?, ?, ?)",
        (id_hash, user_id, csrf, at, expires_at, at),
    )


async def session(conn: aiosqlite.Connection, id_hash: str, *, now: str) -> Session | None:
    row = _first(
        await conn.execute_fetchall(
            "SELECT user_id, csrf, expires_at FROM web_sessions WHERE id_hash = ? AND expires_at > ?",
            (id_hash, now),
        )
    )
    return Session(int(row[0]), str(row[1]), str(row[2])) if row else None


async def end_session(conn: aiosqlite.Connection, id_hash: str) -> None:
    await conn.execute("DELETE FROM web_sessions WHERE id_hash = ?", (id_hash,))


async def forget_expired(conn: aiosqlite.Connection, *, now: str) -> int:
    cur = await conn.execute("DELETE FROM web_sessions WHERE expires_at <= ?", (now,))
    return cur.rowcount


async def move_person(conn: aiosqlite.Connection, old: int, new: int, *, chat_id: int) -> None:
    """A web-only person bound their Telegram account: they are known by the Telegram id from now on."""
    await conn.execute("UPDATE people SET user_id = ?, chat_id = ? WHERE user_id = ?", (new, chat_id, old))
    people.forget(conn, old, new)
    await conn.execute("UPDATE web_sessions SET user_id = ? WHERE user_id = ?", (new, old))
    await conn.execute("UPDATE expert_assignments SET user_id = ? WHERE user_id = ?", (new, old))
    # What was addressed to them or given by them stays theirs: broadcasts (the web home shows them by
    # outbox row), an expert's grades, their unused one-time links and form tokens (the conversation page's too).
    for table in ("outbox", "grades", "channel_links", "web_form_tokens", "web_chat_forms"):
        await conn.execute(f"UPDATE OR IGNORE {table} SET user_id = ? WHERE user_id = ?", (new, old))


async def next_web_user_id(conn: aiosqlite.Connection) -> int:
    """Web-only people get negative ids, which no Telegram user has."""
    row = _first(await conn.execute_fetchall("SELECT MIN(MIN(user_id), 0) FROM people"))
    return int(row[0] if row and row[0] is not None else 0) - 1


async def create_link(
    conn: aiosqlite.Connection, *, code_hash: str, user_id: int, purpose: LinkPurpose, at: str, expires_at: str
) -> None:
    await conn.execute(
        "INSERT INTO channel_links (code_hash, user_id, purpose, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        (code_hash, user_id, purpose, at, expires_at),
    )


async def link(conn: aiosqlite.Connection, code_hash: str) -> ChannelLink | None:
    row = _first(
        await conn.execute_fetchall(
            "SELECT user_id, purpose, expires_at, used_at FROM channel_links WHERE code_hash = ?", (code_hash,)
        )
    )
    return ChannelLink(int(row[0]), row[1], str(row[2]), row[3]) if row else None


async def use_link(conn: aiosqlite.Connection, code_hash: str, *, at: str) -> bool:
    cur = await conn.execute(
        "UPDATE channel_links SET used_at = ? WHERE code_hash = ? AND used_at IS NULL", (at, code_hash)
    )
    return cur.rowcount == 1


FormPurpose = Literal["sample"]


@dataclass(frozen=True, slots=True)
class FormToken:
    user_id: int
    purpose: FormPurpose
    expires_at: str
    used_at: str | None
    result: int | None


async def create_form_token(
    conn: aiosqlite.Connection, *, token_hash: str, user_id: int, purpose: FormPurpose, at: str, expires_at: str
) -> None:
    """A one-time form token; expired unused ones go as new ones come (used ones stay until they expire too)."""
    await conn.execute("DELETE FROM web_form_tokens WHERE expires_at <= ?", (at,))
    await conn.execute(
        "INSERT INTO web_form_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        (token_hash, user_id, purpose, at, expires_at),
    )


async def form_token(conn: aiosqlite.Connection, token_hash: str) -> FormToken | None:
    row = _first(
        await conn.execute_fetchall(
            "SELECT user_id, purpose, expires_at, used_at, result FROM web_form_tokens WHERE token_hash = ?",
            (token_hash,),
        )
    )
    if row is None:
        return None
    return FormToken(int(row[0]), row[1], str(row[2]), row[3], None if row[4] is None else int(row[4]))


async def use_form_token(
    conn: aiosqlite.Connection, token_hash: str, *, user_id: int, purpose: FormPurpose, at: str, result: int
) -> bool:
    """Marks the token used by what it made; False when it is not this person's, not for this form, expired
    or used already (then the caller rolls its action back)."""
    cur = await conn.execute(
        "UPDATE web_form_tokens SET used_at = ?, result = ? WHERE token_hash = ? AND user_id = ? AND purpose = ?"
        " AND used_at IS NULL AND expires_at > ?",
        (at, result, token_hash, user_id, purpose, at),
    )
    return cur.rowcount == 1
