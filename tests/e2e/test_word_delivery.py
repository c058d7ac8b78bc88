"""The office gets Word self-reports: one report's from its card, all of them as one ZIP in chat
(/export word) and from the command line (xcheck export --docx)."""

from __future__ import annotations

import asyncio
import io
import zipfile
from pathlib import Path

import pytest
from docx import Document

from bot.cli import main as cli_main
from tests.support.helpers import Harness
from tests.support.reportsetup import ORG, SCHOOL, SECOND, province

EXPECTED = sorted(
    [
        "024_安徽工商职业学院_自查报告.docx",
        "010_合肥学院_自查报告.docx",
        f"{ORG}_Web前端开发_自查报告.docx",
    ]
)


def _titles(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: Document(io.BytesIO(zf.read(name))).paragraphs[0].text for name in zf.namelist()}


async def test_export_word_sends_one_zip_of_every_submitted_report(harness: Harness) -> None:
    await province(harness)
    office = harness.chat(1)
    n = len(office.seen)
    await office.say("/export word")
    # The daily digest (a text and a picture) may come at any moment once province() moved the clock, so
    # the export's messages are looked for among all that came, not taken as the last one.
    await harness.standin.wait_for(lambda: any("已生成 Word 自查报告" in e.text for e in office.seen[n:]))
    sent = [e.document for e in office.seen[n:] if e.document]
    assert [name for name, _ in sent] == ["自查报告（Word）.zip"]
    titles = _titles(sent[0][1])
    assert sorted(titles) == [n for n in EXPECTED if not n.startswith("045")] + ["010_合肥学院_自查报告.docx"] or (
        sorted(titles) == EXPECTED
    )
    assert titles["024_安徽工商职业学院_自查报告.docx"].startswith(SCHOOL)
    assert [e.text for e in office.seen[n:] if "已生成 Word 自查报告" in e.text] == ["✅ 已生成 Word 自查报告 3 份。"]


async def test_the_report_card_gives_that_reports_word_document(harness: Harness) -> None:
    await province(harness)
    office = harness.chat(1)
    card = await office.say(f"/review {SECOND}")
    n = len(office.seen)
    harness.standin.press(1, card, card.button("Word 报告"))
    await harness.standin.wait_for(lambda: any("已生成 Word 自查报告" in e.text for e in office.seen[n:]))
    sent = [e.document for e in office.seen[n:] if e.document]
    assert [name for name, _ in sent] == ["010_合肥学院_自查报告.docx"]
    assert Document(io.BytesIO(sent[0][1])).paragraphs[0].text.startswith(SECOND)
    # Nobody but the office can press it.
    await harness.bind(650, "coordinator", SECOND)
    n = len(harness.standin.calls_to("answerCallbackQuery"))
    harness.standin.press(650, card, card.button("Word 报告"))
    await harness.standin.wait_for(lambda: len(harness.standin.calls_to("answerCallbackQuery")) > n)
    assert "没有权限" in str(harness.standin.calls_to("answerCallbackQuery")[-1].params.get("text", ""))
    assert not any(e.document for e in harness.standin.events[650])


async def test_cli_export_docx_writes_the_documents_and_their_zip(
    harness: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await province(harness)
    monkeypatch.setenv("XCHECK_DATA_DIR", str(harness.settings.data_dir))
    monkeypatch.delenv("XCHECK_BOT_TOKEN", raising=False)
    out = tmp_path / "cli"
    code = await asyncio.to_thread(
        cli_main, ["export", "--out", str(out / "汇总.xlsx"), "--docx", str(out / "docx"), "--no-bundle"]
    )
    assert code == 0
    assert sorted(p.name for p in (out / "docx").glob("*.docx")) == EXPECTED
    titles = _titles((out / "docx" / "自查报告（Word）.zip").read_bytes())
    assert sorted(titles) == EXPECTED and titles[f"{ORG}_Web前端开发_自查报告.docx"].startswith(ORG)
