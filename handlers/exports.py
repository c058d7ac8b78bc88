"""Exports requested in chat. They run as tasks off the handler; the requester sees progress, then files."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
from html import escape
from pathlib import Path

from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, filters

from bot import access
from bot.deps import Deps, deps
from bot.export.meta import ExportMeta, for_campaign
from bot.export.run import export, stamp
from bot.reminders import due_dates
from bot.reporting import load_ctx, may_write
from bot.roster import ANHUI_CITIES
from handlers.screen import acknowledge, refuse, with_retry
from messages import documents as words
from messages import entry as en
from messages import firstday as msg
from messages import zh
from storage import reports

log = logging.getLogger("xcheck.exports")
UPLOAD_LIMIT = 50 * 1024 * 1024  # the Bot API's upload cap for a bot


async def _send_file(bot: Bot, chat_id: int, path: Path) -> None:
    data = await asyncio.to_thread(path.read_bytes)
    await with_retry(lambda: bot.send_document(chat_id, data, filename=path.name))


async def deliver(
    bot: Bot,
    d: Deps,
    chat_id: int,
    *,
    city: str | None = None,
    report_id: int | None = None,
    bundle: bool = True,
    word: bool = False,
    word_only: bool = False,
) -> None:
    """Builds the export and sends it; a progress message is edited as it goes. `word_only`: just the Word
    self-reports (one report's as files, several as one ZIP), no workbook."""
    progress = await with_retry(lambda: bot.send_message(chat_id, zh.EXPORT_STARTED))
    # A folder of its own (two exports in the same second never share one), removed once sent.
    d.settings.exports_dir.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{stamp(d.clock.now())}-{chat_id}-", dir=d.settings.exports_dir))
    try:
        name = zh.EXPORT_NAME_ALL if report_id is None else zh.EXPORT_NAME_ONE
        if city is not None:
            name = zh.export_name_city(city)
        meta = ExportMeta(
            campaign=d.settings.campaign_name,
            year=d.settings.campaign_year,
            tz=d.settings.tz,
            made_at=d.clock.now(),
            maker=words.maker_city(city) if city is not None else words.MAKER_OFFICE,
            deadline=(await due_dates(d))["report"],
        )
        many_words = word_only and report_id is None
        result = await export(
            d.db,
            d.outlines,
            year=d.settings.campaign_year,
            evidence_root=d.settings.evidence_dir,
            out=folder / f"{name}.xlsx",
            city=city,
            report_id=report_id,
            with_bundle=bundle and not word_only,
            docx_dir=folder / "word" if word or word_only else None,
            docx_zip=folder / words.DOC_ZIP_NAME if many_words else None,
            meta=meta,
            data_dir=d.settings.data_dir,
        )
        if word_only and not result.documents:
            await with_retry(lambda: progress.edit_text(words.DOC_ZIP_EMPTY))
            return
        if result.documents_zip is not None:
            await _send_file(bot, chat_id, result.documents_zip)
        else:
            for path in result.documents:
                await _send_file(bot, chat_id, path)
        if word_only:
            await with_retry(lambda: progress.edit_text(words.docs_done(len(result.documents))))
            return
        await _send_file(bot, chat_id, result.workbook)
        if result.bundle is not None and result.files:
            size = result.bundle.stat().st_size
            if size <= UPLOAD_LIMIT:
                await _send_file(bot, chat_id, result.bundle)
            else:
                await with_retry(lambda: bot.send_message(chat_id, zh.EXPORT_TOO_BIG.format(size=zh.size_text(size))))
        text = zh.EXPORT_DONE.format(sheets=result.sheets, files=result.files)
        await with_retry(lambda: progress.edit_text(text))
    except TelegramError:
        log.warning("export for chat %s could not be delivered", chat_id, exc_info=True)
    except Exception:
        log.exception("export for chat %s failed", chat_id)
        with contextlib.suppress(TelegramError):
            await progress.edit_text(zh.EXPORT_FAILED)
    finally:
        await asyncio.to_thread(shutil.rmtree, folder, True)


def clean_exports(exports_dir: Path) -> int:
    """Chat exports a crash left behind (every file there is temporary); returns how many were removed."""
    if not exports_dir.is_dir():
        return 0
    gone = 0
    for entry in exports_dir.iterdir():
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        gone += 1
    return gone


async def start_export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/export: the office workbook with every report, and the evidence bundle; /export 合肥: that city's
    package (its 中职), as the city bureau gets it."""
    d = deps(context)
    assert update.effective_user is not None and update.effective_chat is not None
    who = await access.person(d.db, update.effective_user.id, admin_ids=d.settings.admin_ids)
    if not access.is_office(who):
        await refuse(update, zh.NOT_ALLOWED)
        return
    await acknowledge(update)
    words_asked = [a.lower() for a in context.args or []] in (["word"], ["docx"])
    ref = "" if words_asked else " ".join(context.args or []).strip()
    city = ref.removesuffix("市") or None
    if city is not None and city not in ANHUI_CITIES:
        await refuse(update, msg.EXPORT_BAD_CITY.format(city=escape(ref)))
        return
    context.application.create_task(
        deliver(context.bot, d, update.effective_chat.id, city=city, word_only=words_asked), update=update
    )


def schedule_report_word(context: ContextTypes.DEFAULT_TYPE, update: Update, d: Deps, report_id: int) -> None:
    """The office, from a report card: that report's Word self-report (and its draft, if returned)."""
    assert update.effective_chat is not None
    context.application.create_task(
        deliver(context.bot, d, update.effective_chat.id, report_id=report_id, word_only=True), update=update
    )


async def _send_word(bot: Bot, chat_id: int, data: bytes, name: str) -> None:
    await with_retry(lambda: bot.send_document(chat_id, data, filename=name, caption=en.WORD_CAPTION))


async def deliver_own_report(bot: Bot, d: Deps, chat_id: int, report_id: int) -> None:
    """A coordinator's own Word self-report, with a caption saying what it is and what to do with it;
    no workbook and no evidence count, which mean nothing to them here."""
    # A folder of its own, removed once sent (chat exports are temporary).
    d.settings.exports_dir.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{stamp(d.clock.now())}-{chat_id}-", dir=d.settings.exports_dir))
    try:
        result = await export(
            d.db,
            d.outlines,
            year=d.settings.campaign_year,
            evidence_root=d.settings.evidence_dir,
            out=folder / f"{zh.EXPORT_NAME_ONE}.xlsx",
            report_id=report_id,
            with_bundle=False,
            docx_dir=folder,
            meta=await for_campaign(d.db, d.settings, made_at=d.clock.now()),
            data_dir=d.settings.data_dir,  # the office's own Word template, if it saved one
        )
        for path in result.documents:
            data = await asyncio.to_thread(path.read_bytes)
            await _send_word(bot, chat_id, data, path.name)
    except TelegramError:
        log.warning("the Word report for chat %s could not be delivered", chat_id, exc_info=True)
    except Exception:
        log.exception("the Word report for chat %s failed", chat_id)
        with contextlib.suppress(TelegramError):
            await bot.send_message(chat_id, zh.EXPORT_FAILED)
    finally:
        await asyncio.to_thread(shutil.rmtree, folder, True)


def schedule_own_report(context: ContextTypes.DEFAULT_TYPE, update: Update, d: Deps, report_id: int) -> None:
    """A coordinator's own report: the Word self-report they print, seal and send."""
    assert update.effective_chat is not None
    context.application.create_task(
        deliver_own_report(context.bot, d, update.effective_chat.id, report_id), update=update
    )


async def download_own_report(update: Update, context: ContextTypes.DEFAULT_TYPE, report_id: int) -> None:
    d = deps(context)
    assert update.effective_user is not None
    who = await access.person(d.db, update.effective_user.id, admin_ids=d.settings.admin_ids)
    report = await reports.get(d.db.read, report_id)
    if who is None or report is None or not may_write(who, report):
        await refuse(update, zh.NOT_ALLOWED)
        return
    await acknowledge(update)
    await load_ctx(d.db.read, report, d.outlines)
    schedule_own_report(context, update, d, report.id)


def schedule_city_export(context: ContextTypes.DEFAULT_TYPE, update: Update, d: Deps, city: str) -> None:
    assert update.effective_chat is not None
    context.application.create_task(deliver(context.bot, d, update.effective_chat.id, city=city), update=update)


HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CommandHandler("export", start_export, filters=filters.ChatType.PRIVATE),
]
