"""Broadcasts: who receives one, and the sender that works through its outbox.

The sender writes 'sending' when the flood gate grants the slot, right before each API call, and the
outcome after it. After a crash a row left in 'sending' is marked 'unknown' and never sent again; 'pending'
rows are sent when the bot is back. A 429 pauses the flood gate for retry_after; a user who blocked the bot
becomes 'unreachable'.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable

from telegram import Bot
from telegram.error import TelegramError

from bot.delivery import send_once
from bot.deps import Deps
from bot.progress import units
from messages import zh
from storage import campaign, people, roster
from storage.models import ORG_KIND

log = logging.getLogger("xcheck.broadcast")
MAX_ATTEMPTS = 3
REPORT_EVERY = 2.0  # seconds between edits of the live delivery report


async def recipients(d: Deps, audience: str, arg: str) -> list[tuple[int, str]]:
    """(user id, label) of everyone the audience names: coordinators of matching units, and city bureaus
    for 'all' and their own city."""
    all_units = await units(d.db)
    if audience == "all":
        wanted = {u.institution.id for u in all_units}
    elif audience == "schools":
        wanted = {u.institution.id for u in all_units if u.institution.kind != ORG_KIND}
    elif audience == "kind":
        wanted = {u.institution.id for u in all_units if u.institution.kind == arg}
    elif audience == "city":
        wanted = {u.institution.id for u in all_units if u.institution.city == arg}
    elif audience == "pending":
        wanted = {u.institution.id for u in all_units if u.status not in ("submitted", "accepted")}
    elif audience == "returned":
        wanted = {u.institution.id for u in all_units if u.status == "returned"}
    elif audience == "cert":
        cert = next((c for c in await roster.certificates(d.db.read) if c.name == arg), None)
        pilots = {p.institution_id for p in await roster.all_pilots(d.db.read) if cert and p.certificate_id == cert.id}
        wanted = pilots | ({cert.org_id} if cert and cert.org_id else set())
    else:
        raise ValueError(audience)
    names = {i.id: i.name for i in await roster.institutions(d.db.read)}
    out = []
    for role in ("coordinator", "org"):
        for p in await people.with_role(d.db.read, role):
            if p.institution_id in wanted:
                out.append((p.user_id, f"{names.get(p.institution_id or 0, '')} {p.name}".strip()))
    if audience in ("all", "city"):
        for p in await people.with_role(d.db.read, "city"):
            if audience == "all" or p.city == arg:
                out.append((p.user_id, zh.city_label(p.city, p.name)))
    return out


async def report_text(d: Deps, broadcast_id: int) -> tuple[str, bool]:
    found = await campaign.broadcast(d.db.read, broadcast_id)
    assert found is not None
    rows = await campaign.outbox_rows(d.db.read, broadcast_id)
    tally = Counter(r.status for r in rows)
    done = found.status == "done"
    problems = [(r.label or str(r.user_id), r.status) for r in rows if r.status in ("failed", "unreachable", "unknown")]
    label = zh.audience_label(found.audience, found.audience_arg)
    return zh.broadcast_report(broadcast_id, label, len(rows), dict(tally), done, problems), done


async def _show_report(bot: Bot, d: Deps, broadcast_id: int, shown: str | None = None) -> str | None:
    """Edits the live report unless it already says this (Telegram refuses an edit that changes nothing);
    returns the text it now shows."""
    found = await campaign.broadcast(d.db.read, broadcast_id)
    if found is None or found.report_chat is None or found.report_msg is None:
        return shown
    text, _ = await report_text(d, broadcast_id)
    if text == shown:
        return shown
    try:
        await bot.edit_message_text(text, chat_id=found.report_chat, message_id=found.report_msg)
    except TelegramError as exc:  # the office deleted it: the report is in the database
        log.debug("delivery report not updated: %s", exc)
        return shown
    return text


async def run(bot: Bot, d: Deps, broadcast_id: int) -> None:
    """Works through the outbox until nothing is pending, updating the live report as it goes."""
    found = await campaign.broadcast(d.db.read, broadcast_id)
    if found is None:
        return
    last_report = d.clock.monotonic()
    shown: str | None = (await report_text(d, broadcast_id))[0]  # what the office was shown when the broadcast started
    while True:
        batch = await campaign.next_pending(d.db.read, broadcast_id, 50)
        if not batch:
            break
        for row in batch:
            outcome, detail = await send_once(bot, row.user_id, found.text, on_slot=_claim(d, row.id))
            if outcome == "retry":
                outcome = "failed" if row.attempts + 1 >= MAX_ATTEMPTS else "pending"
            async with d.db.transaction() as conn:
                await campaign.mark(conn, row.id, outcome, at=d.now_iso(), error=detail)
            if d.clock.monotonic() - last_report >= REPORT_EVERY:
                last_report = d.clock.monotonic()
                shown = await _show_report(bot, d, broadcast_id, shown)
    async with d.db.transaction() as conn:
        await campaign.finish_broadcast(conn, broadcast_id)
    await _show_report(bot, d, broadcast_id, shown)


def _claim(d: Deps, row_id: int) -> Callable[[], Awaitable[None]]:
    """Marks the row 'sending' (one attempt) when the flood gate grants its first slot, not before: a
    crash while it waits for the slot leaves it 'pending', to be sent after the restart."""
    claimed = False

    async def claim() -> None:
        nonlocal claimed
        if not claimed:
            claimed = True
            async with d.db.transaction() as conn:
                await campaign.mark(conn, row_id, "sending", at=d.now_iso(), attempt=True)

    return claim


def start(bot: Bot, d: Deps, broadcast_id: int) -> asyncio.Task[None]:
    task = asyncio.create_task(run(bot, d, broadcast_id), name=f"xcheck.broadcast.{broadcast_id}")
    d.tasks.add(task)
    task.add_done_callback(d.tasks.discard)
    task.add_done_callback(_log_failure)
    return task


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("broadcast sender stopped", exc_info=task.exception())


async def resume(bot: Bot, d: Deps) -> int:
    """At start-up: interrupted sends become 'unknown'; running broadcasts carry on."""
    async with d.db.transaction() as conn:
        await campaign.orphaned_outbox(conn, at=d.now_iso())
        await campaign.orphaned_reminders(conn, at=d.now_iso())
    running = await campaign.running_broadcasts(d.db.read)
    for b in running:
        start(bot, d, b.id)
    return len(running)
