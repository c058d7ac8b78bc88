"""Signing in on the web and moving between channels: one-time codes, server-side sessions, a throttle.

Nothing here knows about HTTP: the web channel hands in codes and cookie values and gets people and
session ids back. Every code and session id is random (128 bits or more) and stored only as a SHA-256.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiosqlite

from bot.domain.people.invitations import InvitationRefused, hash_code, new_code, redeem_in
from storage import Database, audit, people
from storage import web as store
from storage.models import Person

SESSION_HOURS = 12
LINK_MINUTES = 30


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode("ascii", "replace")).hexdigest()


@dataclass(frozen=True, slots=True)
class NewSession:
    token: str  # goes into the cookie; never stored
    csrf: str
    user_id: int


async def _open_session(conn: aiosqlite.Connection, user_id: int, now: datetime, hours: int) -> NewSession:
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    await store.forget_expired(conn, now=now.isoformat())  # expired rows go as new ones come
    await store.create_session(
        conn,
        id_hash=_hash(token),
        user_id=user_id,
        csrf=csrf,
        at=now.isoformat(),
        expires_at=(now + timedelta(hours=hours)).isoformat(),
    )
    return NewSession(token, csrf, user_id)


async def redeem_invitation(
    db: Database, *, code: str, name: str, now: datetime, replaces: str | None, hours: int = SESSION_HOURS
) -> NewSession:
    """Binds a new web person per a one-time invitation and opens a fresh session for them, atomically.
    The session that asked (if any) is ended: a session id is never carried across a sign-in."""
    async with db.transaction() as conn:
        done = await redeem_in(conn, code_hash=hash_code(code), user_id=None, name=name, chat_id=None, now=now)
        if replaces:
            await store.end_session(conn, _hash(replaces))
        return await _open_session(conn, done.user_id, now, hours)


async def issue_link(db: Database, who: Person, purpose: store.LinkPurpose, *, now: datetime) -> str:
    """A one-time code that signs `who` in on the web ('web') or binds a Telegram account to them ('telegram')."""
    code = new_code()
    async with db.transaction() as conn:
        await store.create_link(
            conn,
            code_hash=_hash(code),
            user_id=who.user_id,
            purpose=purpose,
            at=now.isoformat(),
            expires_at=(now + timedelta(minutes=LINK_MINUTES)).isoformat(),
        )
        await audit.record(conn, at=now.isoformat(), actor=f"tg:{who.user_id}", action=f"link.{purpose}")
    return code


async def _take_link(conn: aiosqlite.Connection, code: str, purpose: str, now: datetime) -> store.ChannelLink:
    found = await store.link(conn, _hash(code))
    if found is None or found.purpose != purpose:
        raise InvitationRefused("unknown")
    if found.used_at is not None:
        raise InvitationRefused("used")
    if datetime.fromisoformat(found.expires_at) <= now:
        raise InvitationRefused("expired")
    if not await store.use_link(conn, _hash(code), at=now.isoformat()):
        raise InvitationRefused("used")
    return found


async def redeem_web_link(
    db: Database, *, code: str, now: datetime, replaces: str | None, hours: int = SESSION_HOURS
) -> NewSession:
    async with db.transaction() as conn:
        found = await _take_link(conn, code, "web", now)
        if replaces:
            await store.end_session(conn, _hash(replaces))
        await audit.record(conn, at=now.isoformat(), actor=f"tg:{found.user_id}", action="signin.web")
        return await _open_session(conn, found.user_id, now, hours)


async def is_telegram_link(db: Database, code: str) -> bool:
    found = await store.link(db.read, _hash(code))
    return found is not None and found.purpose == "telegram"


class AlreadyBound(Exception):
    """This Telegram account already speaks for someone; binding it again would merge two people."""


async def redeem_telegram_link(
    db: Database, *, code: str, tg_user_id: int, chat_id: int, now: datetime, update_id: int | None
) -> Person:
    """Binds a Telegram account to the web person who asked for the link; from then on both channels are
    the same person (same id), so an answer given in one is seen at once in the other."""
    async with db.transaction(update_id=update_id, at=now.isoformat()) as conn:
        found = await _take_link(conn, code, "telegram", now)
        if await people.get(conn, tg_user_id) is not None:
            raise AlreadyBound
        await store.move_person(conn, found.user_id, tg_user_id, chat_id=chat_id)
        await audit.record(
            conn,
            at=now.isoformat(),
            actor=f"tg:{tg_user_id}",
            action="link.telegram.bound",
            detail={"web_user_id": found.user_id},
        )
        person = await people.get(conn, tg_user_id)
        assert person is not None
        return person


async def session_of(db: Database, token: str, *, now: datetime) -> store.Session | None:
    if not token or len(token) > 128:
        return None
    return await store.session(db.read, _hash(token), now=now.isoformat())


async def sign_out(db: Database, token: str) -> None:
    async with db.transaction() as conn:
        await store.end_session(conn, _hash(token))


async def office_invitation(db: Database, *, now: datetime) -> str:
    """A one-time office invitation, for the web-only start on a fresh machine."""
    from bot.domain.people.invitations import issue

    issued = await issue(db, role="office", institution=None, city=None, actor="cli", now=now, days=1)
    return issued[0].code


class Throttle:
    """At most `limit` failed sign-in attempts per `window` seconds from one address; then that address waits.
    Successful sign-ins do not count, so a school signing in many coordinators from one network is not held up."""

    def __init__(self, limit: int = 10, window: float = 600.0) -> None:
        self.limit = limit
        self.window = window
        self._failed: dict[str, deque[float]] = {}

    def _recent(self, address: str, now: float) -> deque[float]:
        seen = self._failed.setdefault(address, deque())
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        return seen

    def blocked(self, address: str, now: float) -> bool:
        return len(self._recent(address, now)) >= self.limit

    def failed(self, address: str, now: float) -> None:
        self._recent(address, now).append(now)
        if len(self._failed) > 10_000:  # forget quiet addresses so the table cannot grow without end
            for key in [k for k, v in self._failed.items() if not v or v[-1] <= now - self.window]:
                del self._failed[key]
