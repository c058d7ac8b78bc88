"""Showing a screen: edit the pressed message for a button, send a new one for typed input."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from handlers.quiet import edit_unread, send_unread

T = TypeVar("T")
ATTEMPTS = 3
MAX_WAIT = 30.0


async def with_retry(call: Callable[[], Awaitable[T]]) -> T:
    """Retries what is safe to retry: a 429 (after retry_after) and a 5xx that Telegram answered.

    A timeout is not retried: the message may have arrived (PTB #1045), and a blind re-send duplicates it.
    The user's lock is held meanwhile, so their later updates still come after this reply.
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await call()
        except RetryAfter as exc:
            wait = exc.retry_after if isinstance(exc.retry_after, (int, float)) else exc.retry_after.total_seconds()
            if attempt == ATTEMPTS or wait > MAX_WAIT:
                raise
            await asyncio.sleep(wait)
        except (TimedOut, BadRequest):
            # BadRequest subclasses NetworkError in PTB, but a 400 will fail the same way every time.
            raise
        except NetworkError:
            if attempt == ATTEMPTS:
                raise
            await asyncio.sleep(0.2 * attempt)
    raise AssertionError("unreachable")


async def show(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    query = update.callback_query
    if query is not None and query.message is not None:
        # The press's answer (which stops the button's spinner) and the new screen go out together: one
        # round trip to Telegram per press instead of two in a row.
        answered, edited = await asyncio.gather(
            with_retry(query.answer), with_retry(lambda: edit_unread(query, text, markup)), return_exceptions=True
        )
        if isinstance(answered, BaseException):
            raise answered
        if not isinstance(edited, BaseException):
            return
        if not isinstance(edited, BadRequest):
            raise edited
        if "not modified" in str(edited).lower():
            return
        # Too old or gone: send the screen as a new message.
        chat_id = query.message.chat.id
        await with_retry(lambda: send_unread(query.get_bot(), chat_id, text, markup))
        return
    message = update.effective_message
    assert message is not None
    await with_retry(lambda: send_unread(message.get_bot(), message.chat_id, text, markup))


async def refuse(update: Update, text: str) -> None:
    """A refusal: a pop-up on a button press (the screen stays as it was), a reply to typed input."""
    query = update.callback_query
    if query is not None:
        await with_retry(lambda: query.answer(text, show_alert=True))
        return
    message = update.effective_message
    assert message is not None
    await with_retry(lambda: send_unread(message.get_bot(), message.chat_id, text))
