"""Exports requested in chat. They run as tasks off the flow; the requester sees progress, then files."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
from html import escape
from pathlib import Path

from bot.core.events import Command, Press
from bot.core.guards import office_only
from bot.core.tasks import spawn
from bot.core.views import Out
from bot.deps import Deps
from bot.domain.campaign.reminders import due_dates
from bot.domain.people import access
from bot.domain.people.roster import ANHUI_CITIES
from bot.domain.walk.reporting import load_ctx, may_write
from bot.export.meta import ExportMeta, for_campaign
from bot.export.run import Exported, export, stamp
from messages import documents as words
from messages import entry as en
from messages import firstday as msg
from messages import zh
from storage import reports

log = logging.getLogger("xcheck.exports")
UPLOAD_LIMIT = 50 * 1024 * 1024  # the Bot API's upload cap for a bot
PROGRESS = "export"  # the key of the status line an export updates in place


def _folder(d: Deps, chat_id: int) -> Path:
    """A folder of its own (two exports in the same second never share one), removed once sent."""
    d.settings.exports_dir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{stamp(d.clock.now())}-{chat_id}-", dir=d.settings.exports_dir))


async def deliver(
    d: Deps,
    chat_id: int,
    out: Out,
    *,
    city: str | None = None,
    report_id: int | None = None,
    bundle: bool = True,
    word: bool = False,
    word_only: bool = False,
) -> None:
    """Builds the export and sends it; a progress line is updated as it goes. `word_only`: just the Word
    self-reports (one report's as files, several as one ZIP), no workbook. A failure to build is ours (logged
    as an error, the requester told); a failure to deliver is the channel's (a warning)."""
    await out.progress(PROGRESS, zh.EXPORT_STARTED)
    folder = _folder(d, chat_id)
    try:
        try:
            result = await _build(
                d, folder, city=city, report_id=report_id, bundle=bundle, word=word, word_only=word_only
            )
        except Exception:
            log.exception("export for chat %s failed", chat_id)
            with contextlib.suppress(Exception):
                await out.progress(PROGRESS, zh.EXPORT_FAILED)
            return
        try:
            await _send(out, result, word_only=word_only)
        except Exception:
            log.warning("export for chat %s could not be delivered", chat_id, exc_info=True)
    finally:
        await asyncio.to_thread(shutil.rmtree, folder, True)


async def _build(
    d: Deps, folder: Path, *, city: str | None, report_id: int | None, bundle: bool, word: bool, word_only: bool
) -> Exported:
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
    return await export(
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


async def _send(out: Out, result: Exported, *, word_only: bool) -> None:
    if word_only and not result.documents:
        await out.progress(PROGRESS, words.DOC_ZIP_EMPTY)
        return
    if result.documents_zip is not None:
        await out.document(result.documents_zip, result.documents_zip.name)
    else:
        for path in result.documents:
            await out.document(path, path.name)
    if word_only:
        await out.progress(PROGRESS, words.docs_done(len(result.documents)))
        return
    await out.document(result.workbook, result.workbook.name)
    if result.bundle is not None and result.files:
        size = result.bundle.stat().st_size
        if size <= UPLOAD_LIMIT:
            await out.document(result.bundle, result.bundle.name)
        else:
            await out.reply(zh.EXPORT_TOO_BIG.format(size=zh.size_text(size)))
    await out.progress(PROGRESS, zh.EXPORT_DONE.format(sheets=result.sheets, files=result.files))


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


async def start_export(d: Deps, event: Command, out: Out) -> None:
    """/export: the office workbook with every report, and the evidence bundle; /export 合肥: that city's
    package (its 中职), as the city bureau gets it; /export word: every Word self-report as one ZIP."""
    if await office_only(d, event, out) is None:
        return
    await out.ack()
    words_asked = [a.lower() for a in event.args] in (["word"], ["docx"])
    ref = "" if words_asked else " ".join(event.args).strip()
    city = ref.removesuffix("市") or None
    if city is not None and city not in ANHUI_CITIES:
        await out.refuse(msg.EXPORT_BAD_CITY.format(city=escape(ref)))
        return
    chat_id = event.sender.chat_id
    spawn(d, deliver(d, chat_id, out, city=city, word_only=words_asked), name=f"xcheck.export.{chat_id}")


def schedule_report_word(d: Deps, chat_id: int, out: Out, report_id: int) -> None:
    """The office, from a report card: that report's Word self-report (and its draft, if returned)."""
    spawn(d, deliver(d, chat_id, out, report_id=report_id, word_only=True), name=f"xcheck.export.{chat_id}")


async def deliver_own_report(d: Deps, chat_id: int, out: Out, report_id: int) -> None:
    """A coordinator's own Word self-report, with a caption saying what it is and what to do with it;
    no workbook and no evidence count, which mean nothing to them here."""
    folder = _folder(d, chat_id)
    try:
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
        except Exception:
            log.exception("the Word report for chat %s failed", chat_id)
            with contextlib.suppress(Exception):
                await out.reply(zh.EXPORT_FAILED)
            return
        try:
            for path in result.documents:
                await out.document(path, path.name, en.WORD_CAPTION)
        except Exception:
            log.warning("the Word report for chat %s could not be delivered", chat_id, exc_info=True)
    finally:
        await asyncio.to_thread(shutil.rmtree, folder, True)


def schedule_own_report(d: Deps, chat_id: int, out: Out, report_id: int) -> None:
    """A coordinator's own report: the Word self-report they print, seal and send."""
    spawn(d, deliver_own_report(d, chat_id, out, report_id), name=f"xcheck.word.{chat_id}")


async def download_own_report(d: Deps, event: Press, out: Out, report_id: int) -> None:
    """The Word self-report of a report the asker fills in (anyone else is refused)."""
    who = await access.person(d.db, event.sender.user_id, admin_ids=d.settings.admin_ids)
    report = await reports.get(d.db.read, report_id)
    if who is None or report is None or not may_write(who, report):
        await out.refuse(zh.NOT_ALLOWED)
        return
    await out.ack()
    await load_ctx(d.db.read, report, d.outlines)
    schedule_own_report(d, event.sender.chat_id, out, report.id)


def schedule_city_export(d: Deps, chat_id: int, out: Out, city: str) -> None:
    spawn(d, deliver(d, chat_id, out, city=city), name=f"xcheck.export.{chat_id}")
