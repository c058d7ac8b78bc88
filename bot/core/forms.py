"""Update ids for a channel with no update ids of its own (the web's conversation page): each form it shows
carries a one-time token bound to an update id from a range Telegram never uses (negative, migration 0019).
The same form submitted twice carries the same update id, so the core applies it once, as it does a
Telegram update delivered twice."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from bot.deps import Deps
from storage import web_chat

FORM_HOURS = 12  # a form older than this is refused (the page is reloaded for fresh ones)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue(d: Deps, user_id: int, count: int) -> list[str]:
    """`count` fresh tokens for this person's forms, each bound to an update id of its own."""
    if count <= 0:
        return []
    tokens = [secrets.token_urlsafe(24) for _ in range(count)]
    now = d.clock.now()
    async with d.db.transaction() as conn:
        await web_chat.issue_forms(
            conn,
            token_hashes=[_hash(t) for t in tokens],
            user_id=user_id,
            at=now.isoformat(),
            expires_at=(now + timedelta(hours=FORM_HOURS)).isoformat(),
        )
    return tokens


async def update_id(d: Deps, user_id: int, token: str) -> int | None:
    """The update id a form token stands for, if it was issued to this person and has not expired."""
    if not token or len(token) > 100:
        return None
    return await web_chat.form_update_id(d.db.read, token_hash=_hash(token), user_id=user_id, now=d.now_iso())


async def applied(d: Deps, update_id: int) -> bool:
    """Whether the update already changed something (then it must not run again)."""
    return await d.db.was_applied(update_id)
