"""One bulk message, sent through the throttle, with its outcome classified for the outbox or the log."""

from __future__ import annotations

from datetime import timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError, TimedOut

from bot.http import TransportError
from bot.throttle import Throttle

MAX_429 = 5


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def send_once(bot: Bot, throttle: Throttle, chat_id: int, text: str) -> tuple[str, str]:
    """Returns (outcome, detail): sent; unreachable (blocked, deleted); failed (Telegram refused it);
    unknown (it may have arrived: never send it again); retry (5xx answered: safe to try later)."""
    for _ in range(MAX_429):
        await throttle.acquire()
        try:
            await bot.send_message(chat_id, text)
            return "sent", ""
        except RetryAfter as exc:
            # Not delivered; everyone waits, as Telegram asks.
            throttle.pause(_seconds(exc.retry_after))
        except Forbidden as exc:
            return "unreachable", str(exc)
        except BadRequest as exc:
            return "failed", str(exc)
        except (TimedOut, TransportError) as exc:
            return "unknown", str(exc) or exc.__class__.__name__
        except TelegramError as exc:
            return "retry", str(exc)
    return "retry", "429 repeatedly"
