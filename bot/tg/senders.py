"""The Telegram side of domain modules, kept apart so the domain imports no telegram (see
tests/unit/test_architecture.py): downloading an evidence file, the broadcast sender that works through its
outbox, and the reminder tick that sends what bot.domain.campaign.reminders plans.

The broadcast sender writes 'sending' when the flood gate grants the slot, right before each API call, and
the outcome after it. After a crash a row left in 'sending' is marked 'unknown' and never sent again;
'pending' rows are sent when the bot is back. A 429 pauses the flood gate for retry_after; a user who
blocked the bot becomes 'unreachable'."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot.deps import Deps
from bot.domain.campaign import broadcast, reminders
from bot.domain.reports.evidence import EvidenceRefused
from bot.tg.delivery import BULK, send_once
from storage import campaign

broadcast_log = logging.getLogger("xcheck.broadcast")
reminders_log = logging.getLogger("xcheck.reminders")
MAX_ATTEMPTS = 3
REPORT_EVERY = 2.0  # seconds between edits of the live delivery report


async def download(bot: Bot, file_id: str, *, limit: int) -> bytes:
    try:
        tg_file = await bot.get_file(file_id)
    except BadRequest as exc:
        if "too big" in str(exc).lower():
            raise EvidenceRefused("too_big", limit_mb=limit // (1024 * 1024)) from exc
        raise EvidenceRefused("download_failed") from exc
    except RetryAfter as exc:  # Telegram is busy: nothing stored, the user sends the file again
        raise EvidenceRefused("busy") from exc
    except NetworkError as exc:  # 5xx, a timeout or a dropped connection: the same
        raise EvidenceRefused("download_failed") from exc
    if tg_file.file_size is not None and tg_file.file_size > limit:
        raise EvidenceRefused("too_big", limit_mb=limit // (1024 * 1024))
    try:
        data = bytes(await tg_file.download_as_bytearray())
    except RetryAfter as exc:
        raise EvidenceRefused("busy") from exc
    except NetworkError as exc:
        raise EvidenceRefused("download_failed") from exc
    if len(data) > limit:
        raise EvidenceRefused("too_big", limit_mb=limit // (1024 * 1024))
    return data


async def _show_report(bot: Bot, d: Deps, broadcast_id: int, shown: str | None = None) -> str | None:
    """Edits the live report unless it already says this (Telegram refuses an edit that changes nothing);
    returns the text it now shows."""
    found = await campaign.broadcast(d.db.read, broadcast_id)
    if found is None or found.report_chat is None or found.report_msg is None:
        return shown
    text, _ = await broadcast.report_text(d, broadcast_id)
    if text == shown:
        return shown
    try:
        await bot.edit_message_text(text, chat_id=found.report_chat, message_id=found.report_msg)
    except TelegramError as exc:  # the office deleted it: the report is in the database
        broadcast_log.debug("delivery report not updated: %s", exc)
        return shown
    return text


async def run_broadcast(bot: Bot, d: Deps, broadcast_id: int) -> None:
    """Works through the outbox until nothing is pending, updating the live report as it goes."""
    found = await campaign.broadcast(d.db.read, broadcast_id)
    if found is None:
        return
    last_report = d.clock.monotonic()
    # What the office was shown when the broadcast started.
    shown: str | None = (await broadcast.report_text(d, broadcast_id))[0]
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


def start_broadcast(bot: Bot, d: Deps, broadcast_id: int) -> asyncio.Task[None]:
    task = asyncio.create_task(run_broadcast(bot, d, broadcast_id), name=f"xcheck.broadcast.{broadcast_id}")
    d.tasks.add(task)
    task.add_done_callback(d.tasks.discard)
    task.add_done_callback(_log_failure)
    return task


async def begin_broadcast(bot: Bot, d: Deps, broadcast_id: int, chat_id: int, message_id: int) -> asyncio.Task[None]:
    """Remembers the message that shows the delivery report (edited as it goes), then starts sending."""
    async with d.db.transaction() as conn:
        await campaign.set_report_message(conn, broadcast_id, chat_id, message_id)
    return start_broadcast(bot, d, broadcast_id)


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        broadcast_log.error("broadcast sender stopped", exc_info=task.exception())


async def resume_broadcasts(bot: Bot, d: Deps) -> int:
    """At start-up: interrupted sends become 'unknown'; running broadcasts carry on."""
    async with d.db.transaction() as conn:
        await campaign.orphaned_outbox(conn, at=d.now_iso())
        await campaign.orphaned_reminders(conn, at=d.now_iso())
    running = await campaign.running_broadcasts(d.db.read)
    for b in running:
        start_broadcast(bot, d, b.id)
    return len(running)


async def _digest_picture(bot: Bot, d: Deps, user_id: int) -> None:
    """The digest's picture, right after its text; drawn once for all recipients (cached per data)."""
    from bot.export.pictures import progress_png

    png = await progress_png(d)
    try:
        await bot.send_photo(user_id, png, rate_limit_args=BULK)  # type: ignore[call-arg]
    except TelegramError:
        reminders_log.warning("digest picture for %s could not be delivered", user_id, exc_info=True)


async def tick(bot: Bot, d: Deps) -> int:
    """Sends what is due; returns how many went out."""
    sent = 0
    for reminder in await reminders.pending(d, d.clock.now()):
        async with d.db.transaction() as conn:
            if not await campaign.claim_reminder(
                conn, reminder.key, user_id=reminder.user_id, slot=reminder.slot, at=d.now_iso()
            ):
                continue
        outcome, _detail = await send_once(bot, reminder.user_id, reminder.text)
        if outcome == "sent" and reminder.slot.startswith("digest:"):
            await _digest_picture(bot, d, reminder.user_id)
        status = {"sent": "sent", "unknown": "unknown"}.get(outcome, "failed")
        async with d.db.transaction() as conn:
            await campaign.finish_reminder(conn, reminder.key, status, at=d.now_iso())
        sent += outcome == "sent"
    return sent
