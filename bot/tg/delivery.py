"""One bulk message through the flood gate, with its outcome classified for the outbox or the log."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError, TimedOut

from bot.tg.http import TransportError

MAX_429 = 5
BULK = {"bulk": True}


async def send_once(
    bot: Bot, chat_id: int, text: str, *, on_slot: Callable[[], Awaitable[None]] | None = None
) -> tuple[str, str]:
    """Returns (outcome, detail): sent; unreachable (blocked, deleted); failed (Telegram refused it);
    unknown (it may have arrived: never send it again); retry (5xx answered: safe to try later).
    on_slot runs when the flood gate grants the slot, right before each attempt goes out."""
    if chat_id < 0:
        return "unreachable", "web only"  # a person who signed in on the web and has not bound Telegram
    args = BULK if on_slot is None else {**BULK, "on_slot": on_slot}
    for _ in range(MAX_429):
        try:
            await bot.send_message(chat_id, text, rate_limit_args=args)  # type: ignore[call-arg]
            return "sent", ""
        except RetryAfter:
            continue  # not delivered; the gate already paused everyone for retry_after
        except Forbidden as exc:
            return "unreachable", str(exc)
        except BadRequest as exc:
            return "failed", str(exc)
        except (TimedOut, TransportError) as exc:
            return "unknown", str(exc) or exc.__class__.__name__
        except TelegramError as exc:
            return "retry", str(exc)
    return "retry", "429 repeatedly"
