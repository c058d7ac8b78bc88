"""Downloads from the web channel are made like Telegram's (integration): the campaign's name, time zone,
deadline and the frozen clock's date in the workbook's title rows; the Word report names the campaign."""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import docx
import openpyxl
import pytest

from bench.standin import StandIn
from bot.clock import FrozenClock
from storage import campaign
from tests.support.helpers import Harness, make_settings
from tests.support.webclient import close_all
from tests.web.test_web_security import CERTS, OTHER, SCHOOL, report_id, signed_in

CAMPAIGN = "2021年度试点自查（测试）"
SHIPPED = Path(__file__).parents[2] / "bot" / "export" / "templates" / "self_report.docx"


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    yield
    await close_all()


@pytest.fixture
async def site(tmp_path: Path, standin: StandIn, clock: FrozenClock) -> AsyncIterator[Harness]:
    h = Harness(standin, make_settings(tmp_path, standin, campaign_name=CAMPAIGN, timezone="Asia/Urumqi"), clock)
    await h.start()
    await h.seed()
    await h.certify(CERTS, {SCHOOL: [("Web前端开发", 150)], OTHER: [("Web前端开发", 60)]})
    yield h
    await h.stop()


def _cells(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [str(c) for ws in book.worksheets for row in ws.iter_rows(max_row=3, values_only=True) for c in row if c]


async def test_the_office_workbook_from_the_web_carries_the_campaign_and_its_dates(site: Harness) -> None:
    async with site.deps.db.transaction() as conn:
        await campaign.set_deadline(conn, "report", "2020-12-31", by="tg:1", at="t")
    office = await signed_in(site, "office", "")
    await office.get("/office/export")
    assert office.status == 200
    cells = _cells(office.last_body)
    # T0 is 2020-11-20 00:00 UTC: 08:00 in Urumqi's UTC+6 is still the 20th; the real date is not used.
    assert f"{CAMPAIGN} · 汇总" in cells, cells[:6]
    assert any("制表日期：2020年11月20日" in c for c in cells), cells[:6]


async def test_the_word_report_from_the_web_uses_the_offices_template_and_campaign(site: Harness) -> None:
    # The office's own template under XCHECK_DATA_DIR/templates replaces the shipped one.
    template = docx.Document(str(SHIPPED))
    template.sections[0].header.add_paragraph("省办自定义页眉")
    (site.settings.data_dir / "templates").mkdir(parents=True, exist_ok=True)
    template.save(str(site.settings.data_dir / "templates" / "self_report.docx"))
    coordinator = await signed_in(site)
    rid = await report_id(coordinator)
    await coordinator.get(f"/r/{rid}/word")
    assert coordinator.status == 200
    with zipfile.ZipFile(io.BytesIO(coordinator.last_body)) as word:
        assert CAMPAIGN in word.read("word/document.xml").decode()
        headers = [word.read(n).decode() for n in word.namelist() if n.startswith("word/header")]
    assert any("省办自定义页眉" in h for h in headers)


async def test_the_coordinators_own_word_in_telegram_uses_the_template_and_campaign(site: Harness) -> None:
    from bot.core.exports import deliver_own_report
    from handlers.adapter import TelegramOut
    from tests.support.reportsetup import province

    template = docx.Document(str(SHIPPED))
    template.sections[0].header.add_paragraph("省办自定义页眉")
    (site.settings.data_dir / "templates").mkdir(parents=True, exist_ok=True)
    template.save(str(site.settings.data_dir / "templates" / "self_report.docx"))
    ids = await province(site)
    chat = site.chat(600)
    n = len(chat.seen)
    assert site.app is not None
    await deliver_own_report(site.deps, 600, TelegramOut.to_chat(site.app.bot, 600), ids[SCHOOL])
    (sent,) = [e.document for e in chat.seen[n:] if e.document]
    with zipfile.ZipFile(io.BytesIO(sent[1])) as word:
        assert CAMPAIGN in word.read("word/document.xml").decode()
        headers = [word.read(n).decode() for n in word.namelist() if n.startswith("word/header")]
    assert any("省办自定义页眉" in h for h in headers)


async def test_web_downloads_leave_nothing_under_exports(site: Harness) -> None:
    """Exports made for a person are temporary (README: removed once sent), on the web as in chat."""
    office, coordinator = await signed_in(site, "office", ""), await signed_in(site)
    rid = await report_id(coordinator)
    await office.get("/office/export")
    await coordinator.get(f"/r/{rid}/word")
    assert (office.status, coordinator.status) == (200, 200)
    assert office.last_body.startswith(b"PK") and coordinator.last_body.startswith(b"PK")
    exports = site.settings.exports_dir
    assert list(exports.iterdir()) == []
