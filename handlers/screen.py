"""Showing a screen: edit the pressed message for a button, send a new one for typed input."""

from __future__ import annotations

import asyncio
import html
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.core import views as vw
from handlers.quiet import answer_unread, edit_unread, send_unread

T = TypeVar("T")
ATTEMPTS = 3  # for 5xx answered by Telegram
ATTEMPTS_429 = 5  # flood control is Telegram being busy: the reply waits its turn
MAX_WAIT = 30.0
POP_UP_LIMIT = 200  # characters Telegram shows in a callback answer
_TAG = re.compile(r"<[^<>]*>")
# Ids of callback queries already answered: Telegram refuses a second answer, so a refusal after an early
# acknowledgement would be lost. Recent ids only; a query cannot be answered after about 15 minutes anyway.
_ANSWERED: OrderedDict[str, None] = OrderedDict()
_REMEMBER = 4096


def plain(text: str) -> str:
    """A pop-up shows text as it is: no tags, entities decoded, within Telegram's length."""
    text = html.unescape(_TAG.sub("", text))
    return text if len(text) <= POP_UP_LIMIT else text[: POP_UP_LIMIT - 1] + "…"


def answered(update: Update) -> bool:
    query = update.callback_query
    return query is not None and query.id in _ANSWERED


async def acknowledge(update: Update, text: str | None = None, *, alert: bool = False) -> bool:
    """Answers a button press once; False (and nothing sent) when it was answered already."""
    query = update.callback_query
    if query is None or query.id in _ANSWERED:
        return False
    _ANSWERED[query.id] = None
    while len(_ANSWERED) > _REMEMBER:
        _ANSWERED.popitem(last=False)
    if text is None:
        await with_retry(lambda: answer_unread(query))
    else:
        await with_retry(lambda: answer_unread(query, plain(text), alert=alert))
    return True


async def with_retry(call: Callable[[], Awaitable[T]]) -> T:
    """Retries what is safe to retry: a 429 (the flood gate then holds every call for retry_after, on the
    app's clock) and a 5xx that Telegram answered.

    A timeout is not retried: the message may have arrived (PTB #1045), and a blind re-send duplicates it.
    The user's lock is held meanwhile, so their later updates still come after this reply.
    """
    failures = flooded = 0
    while True:
        try:
            return await call()
        except RetryAfter as exc:
            wait = exc.retry_after if isinstance(exc.retry_after, (int, float)) else exc.retry_after.total_seconds()
            flooded += 1
            if flooded >= ATTEMPTS_429 or wait > MAX_WAIT:
                raise
        except (TimedOut, BadRequest):
            # BadRequest subclasses NetworkError in PTB, but a 400 will fail the same way every time.
            raise
        except NetworkError:
            failures += 1
            if failures >= ATTEMPTS:
                raise
            await asyncio.sleep(0.2 * failures)


async def show(update: Update, text: str, keys: vw.Keyboard | None = None) -> None:
    query = update.callback_query
    if query is not None and query.message is not None:
        # The press's answer (which stops the button's spinner; once only) and the new screen go out together:
        # one round trip to Telegram per press instead of two in a row.
        answered, edited = await asyncio.gather(
            acknowledge(update), with_retry(lambda: edit_unread(query, text, keys)), return_exceptions=True
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
        await with_retry(lambda: send_unread(query.get_bot(), chat_id, text, keys))
        return
    message = update.effective_message
    assert message is not None
    # The typed answer's screen is sent from a task of its own, awaited here, as a press's edit is (gather
    # above). Measured on bench.walk_cpu, 6 alternating pairs: 0.415-0.448 ms CPU per walk update this way
    # against 0.445-0.499 ms awaiting the call directly in the update's handler; for a press, one task (the
    # edit or the answer awaited directly) cost more than gather's two. Same call, same errors, same order.
    await asyncio.ensure_future(with_retry(lambda: send_unread(message.get_bot(), message.chat_id, text, keys)))


async def refuse(update: Update, text: str) -> None:
    """A refusal: a pop-up on a button press (the screen stays as it was), a reply to typed input. A press
    that was already acknowledged gets the refusal as a message, so it is never lost."""
    query = update.callback_query
    if query is not None:
        if await acknowledge(update, text, alert=True):
            return
        if query.message is not None:
            chat_id = query.message.chat.id
            await with_retry(lambda: query.get_bot().send_message(chat_id, text))
        return
    message = update.effective_message
    assert message is not None
    await with_retry(lambda: send_unread(message.get_bot(), message.chat_id, text))
