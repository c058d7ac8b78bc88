"""Control characters (a vertical tab pasted from a PDF, a NUL from a broken keyboard app) are not text a
person meant: typed answers and file names drop them, and the exports never fail on one already stored."""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx import Document
from openpyxl import load_workbook

from bot.domain.answers.parsers import parse_text, visible
from bot.domain.reports.filetypes import PDF, safe_name
from storage import reports
from tests.e2e.test_exports import _export, _province
from tests.support.helpers import Harness

CONTROLS = "\x00\x01\x08\x0b\x0c\x1b\x1f\x7f\x85"


def test_typed_text_drops_control_characters_and_keeps_lines_and_tabs() -> None:
    assert parse_text(f"第一行{CONTROLS}\n第二行\t完", limit=100) == "第一行\n第二行\t完"
    assert visible(f"{CONTROLS}有内容{CONTROLS}") == "有内容"
    assert visible(CONTROLS) == ""


def test_file_names_drop_control_characters() -> None:
    assert safe_name(f"自查{CONTROLS}报告.pdf", PDF, fallback="x") == "自查报告.pdf"


async def test_exports_write_an_answer_stored_with_control_characters(harness: Harness, tmp_path: Path) -> None:
    school_id, _ = await _province(harness)
    async with harness.deps.db.transaction() as conn:
        # As an older version could have stored it, or a direct database edit.
        await reports.put_answer(
            conn, report_id=school_id, item="s1.problems", value={"text": f"甲{CONTROLS}乙"}, user_id=0, at="t"
        )
        await conn.execute("UPDATE evidence SET name = ? WHERE report_id = ?", (f"材料{CONTROLS}.pdf", school_id))
        await conn.execute(
            "UPDATE report_versions SET content = replace(content, ?, ?) WHERE report_id = ?",
            ("-5 与 @SUM", "甲\\u000b乙", school_id),
        )
    result = await _export(harness, tmp_path)
    wb = load_workbook(result.workbook)  # type: ignore[attr-defined]
    texts = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert "甲乙" in texts and not any(ch in t for t in texts for ch in CONTROLS)
    assert any(t.startswith("材料") and t.endswith(".pdf") for t in texts)
    school_doc = next(p for p in result.documents if p.name.startswith("024"))  # type: ignore[attr-defined]
    paragraphs = [p.text for p in Document(str(school_doc)).paragraphs]
    assert any(p.endswith("甲乙") for p in paragraphs), paragraphs
    with zipfile.ZipFile(result.bundle) as zf:  # type: ignore[attr-defined]
        manifest = zf.read(next(n for n in zf.namelist() if n.endswith("manifest.csv"))).decode("utf-8-sig")
    assert not any(ch in manifest for ch in CONTROLS.replace("\x85", ""))
