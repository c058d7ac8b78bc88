"""One-time invitations: unguessable codes, stored only as hashes, that bind a Telegram user to a role."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage import Database, audit, oversight, people
from storage.models import Institution, Role


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
) -> list[Issued]:
    expires = now + timedelta(days=days)
    out = []
    async with db.transaction() as conn:
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


async def redeem(
    db: Database, *, code: str, user_id: int, name: str, chat_id: int, now: datetime, update_id: int | None
) -> tuple[Role, int | None, str | None]:
    """Bind the user per the invitation, atomically; a used, expired or unknown code binds nothing."""
    async with db.transaction(update_id=update_id, at=now.isoformat()) as conn:
        inv = await people.invitation_by_hash(conn, hash_code(code))
        if inv is None:
            raise InvitationRefused("unknown")
        if inv.used_at is not None:
            raise InvitationRefused("used")
        if datetime.fromisoformat(inv.expires_at) <= now:
            raise InvitationRefused("expired")
        if not await people.mark_invitation_used(conn, inv.id, user_id=user_id, at=now.isoformat()):
            raise InvitationRefused("used")
        await people.bind(
            conn,
            user_id=user_id,
            name=name,
            role=inv.role,
            institution_id=inv.institution_id,
            city=inv.city,
            chat_id=chat_id,
            at=now.isoformat(),
        )
        for institution_id in inv.scope:
            await oversight.assign(conn, user_id, institution_id, at=now.isoformat())
        await audit.record(
            conn,
            at=now.isoformat(),
            actor=f"tg:{user_id}",
            action="invite.redeem",
            subject=str(inv.id),
            detail={"role": inv.role, "institution_id": inv.institution_id, "city": inv.city},
        )
    return inv.role, inv.institution_id, inv.city


def web_link(base_url: str, code: str) -> str:
    """The same invitation opened in a browser (the web channel's /start/<code>)."""
    return f"{base_url.rstrip('/')}/start/{code}"
