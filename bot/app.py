"""The application factory."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from telegram import BotCommand, Update
from telegram.ext import Application, ApplicationBuilder, CallbackContext, Defaults

import handlers
from bot import broadcast, reminders
from bot.clock import Clock
from bot.config import Settings
from bot.deps import DEPS_KEY, Deps, deps_of
from bot.evidence import clean_temp
from bot.floodgate import FloodGate
from bot.http import AiohttpRequest
from bot.inbox import Inbox, InboxRequest
from bot.outlines import load_outlines
from bot.processor import PerUserUpdateProcessor
from messages import zh
from storage import Database, meta

log = logging.getLogger("xcheck")

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


async def _post_init(application: Application) -> None:  # type: ignore[type-arg]
    d = deps_of(application)
    await d.db.connect()
    d.db.start_checkpoints()  # WAL checkpoints (with their fsync) on a thread, never on the event loop
    me = application.bot.bot  # filled by initialize()'s getMe
    d.bot_username = me.username
    async with d.db.transaction() as conn:
        await meta.put(conn, "bot_username", me.username or "")
    await application.bot.set_my_commands([BotCommand(c, desc) for c, desc in zh.COMMANDS])
    clean_temp(d.settings.evidence_dir)
    await d.db.forget_applied_before((d.clock.now() - timedelta(days=2)).isoformat())
    replayed = await d.inbox.start(application)
    if replayed:
        log.info("replaying %d update(s) a crash left unhandled", replayed)
    # Broadcasts cut short by a crash carry on; interrupted sends are marked unknown, never repeated.
    await broadcast.resume(application.bot, d)
    assert application.job_queue is not None
    # Reminders are derived from stored deadlines and the reminder log on every tick; the job itself
    # holds nothing, so losing it on a restart loses nothing. The first tick catches up after downtime.
    application.job_queue.run_repeating(_remind, interval=60, first=1, name="xcheck.reminders")
    log.info("xcheck ready as @%s, database %s", me.username, d.settings.db_path)


async def _remind(context: CallbackContext) -> None:  # type: ignore[type-arg]
    await reminders.tick(context.bot, deps_of(context.application))


async def _post_stop(application: Application) -> None:  # type: ignore[type-arg]
    d = deps_of(application)
    tasks = list(d.tasks)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await d.inbox.stop()


async def _post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    await deps_of(application).db.close()


def build_application(settings: Settings, *, clock: Clock | None = None) -> Application:  # type: ignore[type-arg]
    """An Application wired to our request class, update processor, database and handlers."""
    clock = clock or Clock()
    db = Database(settings.db_path)
    inbox = Inbox(db)
    gate = FloodGate(cap=settings.flood_limit, bulk_rate=settings.broadcast_rate, clock=clock)
    builder = (
        ApplicationBuilder()
        .token(settings.bot_token.get_secret_value())
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .request(
            AiohttpRequest(
                connection_pool_size=max(64, settings.concurrent_updates),
                read_timeout=settings.api_timeout,
                connect_timeout=settings.api_timeout,
            )
        )
        .get_updates_request(InboxRequest(db, connection_pool_size=2, read_timeout=60.0))
        .concurrent_updates(PerUserUpdateProcessor(settings.concurrent_updates, on_done=inbox.handled))
        .defaults(Defaults(parse_mode="HTML", disable_notification=False))
        .rate_limiter(gate)
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
    )
    application = builder.build()
    application.bot_data[DEPS_KEY] = Deps(
        settings=settings,
        db=db,
        inbox=inbox,
        clock=clock,
        outlines=load_outlines(year=settings.campaign_year),
        gate=gate,
    )
    handlers.register(application)
    return application


class RedactToken(logging.Filter):
    """Belt and braces: no log line may carry the bot token, whatever library wrote it."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self._token and self._token in record.getMessage():
            record.msg = record.getMessage().replace(self._token, "<token>")
            record.args = None
        return True


def configure_logging(settings: Settings, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactToken(settings.bot_token.get_secret_value()))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("xcheck").setLevel(level)
    logging.getLogger("telegram.ext.Application").setLevel(logging.INFO)


def run(settings: Settings) -> None:
    """Long polling until SIGINT or SIGTERM; PTB then stops polling and runs post_shutdown."""
    configure_logging(settings)
    application = build_application(settings)
    application.run_polling(allowed_updates=ALLOWED_UPDATES, close_loop=True)
