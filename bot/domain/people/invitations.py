"""One-time invitations: unguessable codes, stored only as hashes, that bind a Telegram user to a role."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiosqlite

from storage import Database, audit, oversight, people, signin
from storage import web as web_store
from storage.models import Institution, Person, Role

# Sign-in guessing: at most this many refused codes per Telegram user in the window, then refused unread.
SIGNIN_ATTEMPTS = 5
SIGNIN_WINDOW = timedelta(hours=1)


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode("ascii", "replace")).hexdigest()


def new_code() -> str:
    # 128 bits; URL-safe alphabet fits Telegram's deep-link start parameter (A-Za-z0-9_-, <= 64).
    return secrets.token_urlsafe(16)


def deep_link(username: str | None, code: str) -> str:
    return f"https://t.me/{username}?start={code}" if username else f"/start {code}"


@dataclass(frozen=True, slots=True)
class Issued:
    code: str
    role: Role
    institution: Institution | None
    city: str | None
    expires_at: datetime


async def issue(
    db: Database,
    *,
    role: Role,
    institution: Institution | None,
    city: str | None,
    actor: str,
    now: datetime,
    days: int,
    count: int = 1,
    scope: list[int] | None = None,
    update_id: int | None = None,
) -> list[Issued]:
    """Creates the invitations; with update_id (an office command) the update is recorded in the same
    commit, so a replayed command raises AlreadyApplied instead of creating them twice."""
    expires = now + timedelta(days=days)
    out = []
    async with db.transaction(update_id=update_id, at=now.isoformat()) as conn:
        for _ in range(count):
            code = new_code()
            await people.create_invitation(
                conn,
                code_hash=hash_code(code),
                role=role,
                institution_id=institution.id if institution else None,
                city=city,
                created_by=actor,
                created_at=now.isoformat(),
                expires_at=expires.isoformat(),
                scope=scope,
            )
            out.append(Issued(code, role, institution, city, expires))
        await audit.record(
            conn,
            at=now.isoformat(),
            actor=actor,
            action="invite.create",
            subject=institution.name if institution else (city or role),
            detail={"role": role, "count": count, "days": days, "scope": scope or []},
        )
    return out


class InvitationRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # 'unknown' | 'used' | 'expired'


class TooManyAttempts(Exception):
    """This user gave too many wrong codes lately; the code is not even looked at."""


@dataclass(frozen=True, slots=True)
class Rebind:
    """The code is valid but would move an already bound person elsewhere: they must confirm first."""

    invitation_id: int
    role: Role
    institution_id: int | None
    city: str | None


async def sign_in(
    db: Database,
    *,
    code: str,
    current: Person | None,
    user_id: int,
    name: str,
    chat_id: int,
    now: datetime,
    update_id: int | None,
) -> tuple[Role, int | None, str | None] | Rebind:
    """/start CODE: rate-limited per user; a person already bound to something else is asked first
    (Rebind); otherwise the binding as redeem() makes it. A refused code is counted against the user."""
    since = (now - SIGNIN_WINDOW).isoformat()
    if await signin.failures_since(db.read, user_id, since) >= SIGNIN_ATTEMPTS:
        raise TooManyAttempts
    code_hash = hash_code(code)
    if current is not None:
        inv = await people.invitation_by_hash(db.read, code_hash)
        usable = inv is not None and inv.used_at is None and datetime.fromisoformat(inv.expires_at) > now
        if (
            inv is not None
            and usable
            and (inv.role, inv.institution_id, inv.city)
            != (
                current.role,
                current.institution_id,
                current.city,
            )
        ):
            async with db.transaction(update_id=update_id, at=now.isoformat()) as conn:
                await signin.ask_rebind(conn, user_id, inv.id, code_hash, at=now.isoformat())
            return Rebind(inv.id, inv.role, inv.institution_id, inv.city)
    try:
        return await redeem(
            db, code_hash=code_hash, user_id=user_id, name=name, chat_id=chat_id, now=now, update_id=update_id
        )
    except InvitationRefused as refused:
        async with db.transaction() as conn:
            await signin.forget_failures_before(conn, since)
            await signin.record_failure(conn, user_id, refused.reason, at=now.isoformat())
        raise


async def confirm_rebind(
    db: Database, *, invitation_id: int, user_id: int, name: str, chat_id: int, now: datetime, update_id: int | None
) -> tuple[Role, int | None, str | None] | None:
    """The 确认更换 button: binds per the invitation the user was asked about; None if that question is
    no longer open (an old button, or answered already)."""
    request = await signin.rebind_request(db.read, user_id)
    if request is None or request[0] != invitation_id:
        return None
    return await redeem(
        db, code_hash=request[1], user_id=user_id, name=name, chat_id=chat_id, now=now, update_id=update_id
    )


async def keep_binding(db: Database, *, invitation_id: int, user_id: int, update_id: int | None, at: str) -> bool:
    """The 保留当前身份 button: forgets the question; False if it was no longer open."""
    request = await signin.rebind_request(db.read, user_id)
    if request is None or request[0] != invitation_id:
        return False
    async with db.transaction(update_id=update_id, at=at) as conn:
        return await signin.drop_rebind(conn, user_id)


@dataclass(frozen=True, slots=True)
class Redeemed:
    """Who an invitation bound, and as what."""

    user_id: int
    role: Role
    institution_id: int | None
    city: str | None


async def redeem_in(
    conn: aiosqlite.Connection,
    *,
    code_hash: str,
    user_id: int | None,
    name: str,
    chat_id: int | None,
    now: datetime,
) -> Redeemed:
    """The one redemption both channels use, inside the caller's transaction: checks the invitation, marks it
    used, binds the person (a Telegram user, or with user_id None a new web-only person), grants its scope and
    records it. A used, expired or unknown code raises InvitationRefused and, rolled back, binds nothing."""
    at = now.isoformat()
    inv = await people.invitation_by_hash(conn, code_hash)
    if inv is None:
        raise InvitationRefused("unknown")
    if inv.used_at is not None:
        raise InvitationRefused("used")
    if datetime.fromisoformat(inv.expires_at) <= now:
        raise InvitationRefused("expired")
    if user_id is None:
        user_id = await web_store.next_web_user_id(conn)
    if not await people.mark_invitation_used(conn, inv.id, user_id=user_id, at=at):
        raise InvitationRefused("used")
    await people.bind(
        conn,
        user_id=user_id,
        name=name,
        role=inv.role,
        institution_id=inv.institution_id,
        city=inv.city,
        chat_id=chat_id,
        at=at,
    )
    for institution_id in inv.scope:
        await oversight.assign(conn, user_id, institution_id, at=at)
    await signin.drop_rebind(conn, user_id)
    await audit.record(
        conn,
        at=at,
        actor=f"tg:{user_id}",
        action="invite.redeem",
        subject=str(inv.id),
        detail={"role": inv.role, "institution_id": inv.institution_id, "city": inv.city},
    )
    return Redeemed(user_id, inv.role, inv.institution_id, inv.city)


async def redeem(
    db: Database,
    *,
    code: str | None = None,
    code_hash: str | None = None,
    user_id: int,
    name: str,
    chat_id: int,
    now: datetime,
    update_id: int | None,
) -> tuple[Role, int | None, str | None]:
    """Bind the Telegram user per the invitation (by code or its hash), atomically with the update."""
    wanted = code_hash if code_hash is not None else hash_code(code or "")
    async with db.transaction(update_id=update_id, at=now.isoformat()) as conn:
        done = await redeem_in(conn, code_hash=wanted, user_id=user_id, name=name, chat_id=chat_id, now=now)
    return done.role, done.institution_id, done.city


def web_link(base_url: str, code: str) -> str:
    """The same invitation opened in a browser (the web channel's /start/<code>)."""
    return f"{base_url.rstrip('/')}/start/{code}"
