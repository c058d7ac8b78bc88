"""The core without a channel: the dependencies every flow is handed, on a fresh database with 附件3 loaded
and the clock frozen, for tests that drive bot/core with a `Recorder`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from bot.clock import FrozenClock
from bot.config import Settings
from bot.deps import Deps
from bot.domain.outlines import load_outlines
from bot.domain.people.roster import load_seed
from bot.tg.floodgate import FloodGate
from bot.tg.inbox import Inbox
from storage import Database, people, roster
from storage.models import Role
from tests.support.helpers import T0


@contextlib.asynccontextmanager
async def core_deps(tmp_path: Path, *, office: int) -> AsyncIterator[Deps]:
    """`office` is the one admin id; background tasks the flows started are awaited before the database
    closes."""
    settings = Settings(data_dir=tmp_path / "data", admin_ids=(office,), _env_file=None)  # type: ignore[call-arg]
    clock = FrozenClock(T0)
    db = Database(settings.db_path)
    await db.connect()
    deps = Deps(
        settings=settings,
        db=db,
        clock=clock,
        outlines=load_outlines(year=settings.campaign_year),
        gate=FloodGate(cap=settings.flood_limit, bulk_rate=settings.broadcast_rate, clock=clock),
        inbox=Inbox(db),
    )
    await load_seed(db, at=clock.now().isoformat())
    try:
        yield deps
    finally:
        await asyncio.gather(*deps.tasks, return_exceptions=True)
        await db.close()


async def bind(d: Deps, user_id: int, role: Role, unit: str | None = None, city: str | None = None) -> None:
    """Binds `user_id` to a role (and the unit named, or a city), as an invitation would."""
    inst = await roster.find_institution(d.db.read, unit) if unit else None
    async with d.db.transaction() as conn:
        await people.bind(
            conn,
            user_id=user_id,
            name=f"用户{user_id}",
            role=role,
            institution_id=inst.id if inst else None,
            city=city,
            chat_id=user_id,
            at=d.now_iso(),
        )
