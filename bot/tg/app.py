"""The application factory."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from datetime import timedelta
from functools import partial

from telegram import Bot, BotCommand, Update
from telegram.ext import Application, ApplicationBuilder, CallbackContext, Defaults

import handlers
from bot.clock import Clock
from bot.config import Settings
from bot.core.exports import clean_exports
from bot.core.views import Keyboard
from bot.deps import DEPS_KEY, Deps, deps_of
from bot.domain.outlines import load_outlines
from bot.domain.reports.evidence import clean_temp
from bot.tg import senders
from bot.tg.floodgate import FloodGate
from bot.tg.http import ApiRequest, redact, resolve_proxy
from bot.tg.inbox import Inbox, InboxRequest
from bot.tg.processor import PerUserUpdateProcessor
from bot.tg.startup import first_office_hint, wait_for_telegram
from bot.web.app import WEB, WebServer, build_web_app
from handlers import notify
from handlers.adapter import markup
from messages import integration as integration_text
from messages import web as web_text
from messages import zh
from storage import Database, meta

log = logging.getLogger("xcheck")

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
# Objects allocated before the youngest generation is collected. Every update builds a few thousand short-lived
# objects (PTB's Update and Message, the reply's request, the walk's view); at CPython's default of 700 the
# collector ran several times per update, and its older generations rescanned everything PTB, pydantic and
# the outlines leave alive for the process's life: about a quarter of the walk's CPU (bench/walk_cpu.py).
# At 10,000, 300 coordinators' updates in flight at once (each holding some dozens of objects while it waits on
# the Bot API) kept crossing the threshold: ~100 young and ~9 middle collections in a 20 s run, 0.9–1.1 s of
# the bot's 19 s of CPU. At 50,000 the same run makes ~13 and ~1 (30 ms), peak memory unchanged (122 MB);
# garbage in cycles (rare: reference counting frees the rest) waits a little longer. bench-report.md, Concurrency.
GC_YOUNG = 50_000


def settle_memory() -> None:
    """Once everything long-lived is loaded (modules, outlines, handlers, the web app): those objects move to
    the collector's permanent generation, so no collection walks them again, and young collections run less
    often. Reference counting still frees all acyclic garbage at once; cycles wait a little longer."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG, 10, 10)


async def _start_web(d: Deps) -> None:
    """The web channel, on the application's own database: before Telegram answers when `run` starts it."""
    if d.settings.web_enabled and d.web is None:
        d.web = WebServer(build_web_app(d.settings, d.db, d.clock, d.outlines), *d.settings.web_host_port)
        d.web.runner.app[WEB].core = d  # the conversation page runs the same core (bot/web/chat.py)
        await d.web.start()


async def _post_init(application: Application) -> None:  # type: ignore[type-arg]
    d = deps_of(application)
    if d.web is None:  # `run` started the web channel (and opened the database) before Telegram answered
        await d.db.connect()
    d.db.start_checkpoints()  # WAL checkpoints (with their fsync) on a thread, never on the event loop
    me = application.bot.bot  # filled by initialize()'s getMe
    d.bot_username = me.username
    async with d.db.transaction() as conn:
        await meta.put(conn, "bot_username", me.username or "")
    await application.bot.set_my_commands([BotCommand(c, desc) for c, desc in zh.COMMANDS])
    clean_temp(d.settings.evidence_dir)
    if clean_exports(d.settings.exports_dir):
        log.info("removed chat exports a crash left behind")
    await _start_web(d)
    if d.web is not None:  # the web's actions are told in Telegram too, now that it answers
        d.web.runner.app[WEB].notify = partial(_tell, application.bot)
        d.web.runner.app[WEB].send_broadcast = partial(senders.start_broadcast, application.bot, d)
    await d.db.forget_applied_before((d.clock.now() - timedelta(days=2)).isoformat())
    replayed = await d.inbox.start(application)
    if replayed:
        log.info("replaying %d update(s) a crash left unhandled", replayed)
    # Broadcasts cut short by a crash carry on; interrupted sends are marked unknown, never repeated.
    await senders.resume_broadcasts(application.bot, d)
    assert application.job_queue is not None
    # Reminders are derived from stored deadlines and the reminder log on every tick; the job itself
    # holds nothing, so losing it on a restart loses nothing. The first tick catches up after downtime.
    application.job_queue.run_repeating(_remind, interval=60, first=1, name="xcheck.reminders")
    log.info("xcheck ready as @%s, database %s", me.username, d.settings.db_path)


async def _tell(bot: Bot, user_ids: list[int], text: str, keyboard: Keyboard | None = None) -> int:
    return await notify.tell(bot, user_ids, text, markup(keyboard))


async def _remind(context: CallbackContext) -> None:  # type: ignore[type-arg]
    await senders.tick(context.bot, deps_of(context.application))


async def _post_stop(application: Application) -> None:  # type: ignore[type-arg]
    d = deps_of(application)
    tasks = list(d.tasks)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await d.inbox.stop()
    if d.web is not None:
        await d.web.stop()
        d.web = None


async def _post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    await deps_of(application).db.close()


def build_application(settings: Settings, *, clock: Clock | None = None) -> Application:  # type: ignore[type-arg]
    """An Application wired to our request class, update processor, database and handlers."""
    clock = clock or Clock()
    db = Database(settings.db_path)
    inbox = Inbox(db)
    gate = FloodGate(cap=settings.flood_limit, bulk_rate=settings.broadcast_rate, clock=clock)
    proxy = resolve_proxy(settings.api_base_url, settings.proxy)
    builder = (
        ApplicationBuilder()
        .token(settings.bot_token.get_secret_value())
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .request(
            ApiRequest(
                connection_pool_size=max(64, settings.concurrent_updates),
                read_timeout=settings.api_timeout,
                connect_timeout=settings.api_timeout,
                proxy=proxy,
            )
        )
        .get_updates_request(InboxRequest(db, connection_pool_size=2, read_timeout=60.0, proxy=proxy))
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

    def _cut(self, text: str) -> str:
        return redact(text.replace(self._token, "<token>") if self._token else text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._cut(message) != message:
            record.msg = self._cut(message)
            record.args = None
        if record.exc_info:
            # PTB's InvalidToken names the token in its text: format the traceback here, redacted.
            record.exc_text = self._cut(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
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
    """Long polling until SIGINT or SIGTERM; PTB then stops polling and runs post_shutdown.

    The web channel serves first, on the same database: where Telegram is blocked, people work there while
    Telegram is retried (one line per attempt says what to check, with backoff). A signal during that wait
    stops the web channel and closes the database."""
    configure_logging(settings)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)  # PTB's run_polling carries on in this loop
    application = build_application(settings)
    d = deps_of(application)

    async def connect() -> str:
        await application.initialize()  # getMe; run_polling finds it done and does not ask again
        return str(application.bot.username)

    async def before_polling() -> bool:
        await first_office_hint(settings)
        if settings.web_enabled:
            await d.db.connect()
            await _start_web(d)
            assert d.web is not None
            host, port = d.web.host, d.web.port
            print(integration_text.web_started_with_bot(settings.web_base_url or f"http://{host}:{port}"), flush=True)
        stop = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        waiting = asyncio.ensure_future(wait_for_telegram(settings, connect=connect))
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({waiting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)  # run_polling installs its own
            for task in (waiting, stopping):
                task.cancel()
            await asyncio.gather(waiting, stopping, return_exceptions=True)
        return not stop.is_set()

    async def stopped_before_telegram() -> None:
        if d.web is not None:
            await d.web.stop()
            d.web = None
        if settings.web_enabled:
            await d.db.close()
        await application.bot.shutdown()  # getMe never answered: only the bot's HTTP sessions are open

    if not loop.run_until_complete(before_polling()):
        loop.run_until_complete(stopped_before_telegram())
        loop.close()
        return
    settle_memory()
    # bootstrap_retries=-1: a network blip between getMe and the first poll (deleteWebhook) is retried too.
    application.run_polling(allowed_updates=ALLOWED_UPDATES, close_loop=True, bootstrap_retries=-1)


async def serve_web_only(
    settings: Settings,
    *,
    clock: Clock | None = None,
    stop: asyncio.Event | None = None,
    ready: asyncio.Future[int] | None = None,
) -> None:
    """No bot token: the web channel alone, with a one-time office sign-in link printed to start with."""
    from bot.domain.people import signin
    from bot.domain.people.invitations import web_link

    clock = clock or Clock()
    db = Database(settings.db_path)
    await db.connect()
    clean_temp(settings.evidence_dir)
    clean_exports(settings.exports_dir)  # the conversation page's downloads of a previous run (all temporary)
    outlines = load_outlines(year=settings.campaign_year)
    server = WebServer(build_web_app(settings, db, clock, outlines), *settings.web_host_port)
    # The conversation page runs the core with Deps of its own (no bot: nothing uses the gate or the inbox).
    core = Deps(
        settings=settings,
        db=db,
        clock=clock,
        outlines=outlines,
        gate=FloodGate(cap=settings.flood_limit, bulk_rate=settings.broadcast_rate, clock=clock),
        inbox=Inbox(db),
    )
    server.runner.app[WEB].core = core
    await server.start()
    try:
        code = await signin.office_invitation(db, now=clock.now())
        print(web_text.web_only_started(settings.web_base, web_link(settings.web_base, code)), flush=True)
        if ready is not None:
            ready.set_result(server.port)
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            await stop.wait()
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
    finally:
        for task in list(core.tasks):
            task.cancel()
        await asyncio.gather(*core.tasks, return_exceptions=True)
        await server.stop()
        await db.close()


def run_web_only(settings: Settings) -> None:
    configure_logging(settings)
    asyncio.run(serve_web_only(settings))
