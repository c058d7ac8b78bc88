"""The self-report as a Word document following the outline of 附件1 (附件2 for organizations): what they
print, seal and e-mail."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocType
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from bot.export.data import ReportData
from bot.export.text import answer_plain
from bot.outlines.loader import Item
from bot.outlines.models import Numbers
from messages import zh


def _numeral(n: int) -> str:
    return zh.CN_NUMERALS[n - 1] if 1 <= n <= 10 else str(n)


def build(unit: ReportData, path: Path, *, year: int) -> None:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(11)
    title = doc.add_heading(zh.export_title(unit.label, year), level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    report = unit.report
    doc.add_paragraph(
        zh.export_meta(
            zh.PROGRESS_STATUS.get(unit.status, unit.status),
            report.version if report else 0,
            report.submitted_at if report else None,
        )
    )
    for section in unit.laid.sections:
        doc.add_heading(f"{_numeral(section.no)}、{section.title}", level=1)
        for item in unit.laid.section_items(section.no):
            if item.narrative is not None:
                doc.add_heading(item.narrative.label, level=2)
                doc.add_paragraph(answer_plain(unit, item) or zh.DOC_NARRATIVE_EMPTY)
        points = [i for i in unit.laid.section_items(section.no) if i.point is not None]
        table = doc.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, zh.DOC_POINTS_HEAD, strict=True):
            cell.text = text
        for item in points:
            assert item.point is not None
            cells = table.add_row().cells
            cells[0].text = ("★" if item.point.core else "") + f"{item.point.no}.{item.point.text}"
            cells[1].text = answer_plain(unit, item) or zh.NOT_ANSWERED
            if isinstance(item.point.answer, Numbers) and unit.answers.get(item.key):
                _numbers_table(doc, unit, item)
    doc.add_heading(zh.DOC_EVIDENCE_TITLE, level=1)
    ev = doc.add_table(rows=1, cols=len(zh.DOC_EVIDENCE_HEAD))
    ev.style = "Table Grid"
    for cell, text in zip(ev.rows[0].cells, zh.DOC_EVIDENCE_HEAD, strict=True):
        cell.text = text
    for n, e in enumerate(unit.evidence, 1):
        owner = unit.laid.by_key.get(e.item)
        where = e.item
        if owner is not None:
            where = str(owner.point.no) if owner.point else (owner.narrative.label if owner.narrative else e.item)
        for cell, text in zip(
            ev.add_row().cells, (str(n), where, e.name, zh.size_text(e.size), e.sha256[:16]), strict=True
        ):
            cell.text = text
    doc.add_paragraph(zh.DOC_NOTE)
    doc.add_paragraph()
    doc.add_paragraph(zh.DOC_SEAL)
    doc.add_paragraph(zh.DOC_DATE)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))


def _numbers_table(doc: DocType, unit: ReportData, item: Item) -> None:
    assert item.point is not None
    answer = item.point.answer
    assert isinstance(answer, Numbers)
    rows = unit.item_rows(item)
    lines = unit.rate_lines(item)
    head = [zh.CERT_COLUMN if answer.rows == "certificates" else zh.LEVEL_COLUMN] if answer.rows != "once" else []
    head += (
        ([zh.SCALE_LABEL] if answer.shows_scale else []) + [f.label for f in answer.fields] + [x.label for x in lines]
    )
    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        cell.text = text
    filled = unit.answers.get(item.key, {}).get("rows", {})
    for n, r in enumerate(rows):
        values = ([r.label] if answer.rows != "once" else []) + ([str(r.scale)] if answer.shows_scale else [])
        values += [str(filled.get(r.key, {}).get(f.id, "—")) for f in answer.fields]
        values += [zh.percent(x.per_row[n][1]) for x in lines]
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
