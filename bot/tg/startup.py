"""Before polling: reach Telegram, retrying with backoff, and say in one line what to check when it fails.

The province's networks often cannot reach Telegram directly; a traceback there helps nobody. Each failed
attempt prints one line naming the likely cause (proxy, XCHECK_API_BASE_URL, token) and the retry delay.
The token never appears: it is cut from every text before printing.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TextIO
from urllib.parse import urlsplit

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut

from bot.config import Settings
from bot.tg.http import ApiRequest, redact, resolve_proxy
from messages import firstday as msg

FIRST_DELAY, MAX_DELAY = 1.0, 300.0


def backoff(attempt: int) -> float:
    """1, 2, 4, … seconds, at most five minutes."""
    return float(min(MAX_DELAY, FIRST_DELAY * 2.0 ** max(0, attempt - 1)))


def clean(text: str, token: str) -> str:
    return redact(text.replace(token, "<token>") if token else text)


def proxy_shown(proxy: str) -> str:
    """scheme://host:port: a proxy's user name and password are not printed."""
    parts = urlsplit(proxy)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}"


def _why(exc: BaseException) -> str:
    if isinstance(exc, InvalidToken):
        return "token"
    if isinstance(exc, TimedOut):
        return "timeout"
    if isinstance(exc, NetworkError):
        return "network"
    return "answer"


def _detail(exc: BaseException, token: str) -> str:
    text = str(exc) or exc.__class__.__name__
    cause = exc.__cause__
    if cause is not None and str(cause) and str(cause) not in text:
        text = f"{text} ({cause})"
    return clean(" ".join(text.split()), token)[:200]


async def _get_me(settings: Settings, proxy: str | None) -> str:
    def request() -> ApiRequest:
        return ApiRequest(
            connection_pool_size=1, read_timeout=settings.api_timeout, connect_timeout=settings.api_timeout, proxy=proxy
        )

    # Both request slots ours: PTB's default (httpx) would read proxies from the environment on its own.
    async with Bot(
        settings.bot_token.get_secret_value(),
        base_url=settings.api_base_url,
        request=request(),
        get_updates_request=request(),
    ) as bot:
        return bot.username


async def wait_for_telegram(
    settings: Settings,
    *,
    out: TextIO | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    attempts: int | None = None,
    connect: Callable[[], Awaitable[str]] | None = None,
) -> str | None:
    """getMe until it answers; returns the bot's username, or None after `attempts` failures (tests).
    `connect` does the getMe (the application's own initialize, so it is not asked twice); by default a
    plain Bot with our request class asks."""
    out = out or sys.stderr
    token = settings.bot_token.get_secret_value()
    proxy = resolve_proxy(settings.api_base_url, settings.proxy)
    tried = 0
    while True:
        tried += 1
        try:
            username = await (connect or (lambda: _get_me(settings, proxy)))()
            print(msg.telegram_reached(username), file=out, flush=True)
            return username
        except (TelegramError, OSError, RuntimeError) as exc:
            delay = backoff(tried)
            shown_proxy = proxy_shown(proxy) if proxy else None
            line = msg.telegram_unreachable(_why(exc), settings.api_base_url, shown_proxy, _detail(exc, token), delay)
            print(line, file=out, flush=True)
            if attempts is not None and tried >= attempts:
                return None
            await sleep(delay)


async def first_office_hint(settings: Settings, out: TextIO | None = None) -> bool:
    """With no office user at all (XCHECK_ADMIN_IDS empty and nobody bound as office), says once how to
    make the first one. True if it did."""
    if settings.admin_ids:
        return False
    from storage import Database, people

    db = Database(settings.db_path)
    await db.connect()
    try:
        if await people.with_role(db.read, "office"):
            return False
    finally:
        await db.close()
    print(msg.FIRST_OFFICE_USER, file=out or sys.stdout, flush=True)
    return True
