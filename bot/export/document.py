"""The self-report as a Word document following the outline of 附件1 (附件2 for organizations): what they
print, seal and e-mail. Built on the template (bot/export/template.py): the template carries the look, the
title and seal blocks; this module fills the placeholders and writes the body where {{正文}} stands."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocType
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.text.paragraph import Paragraph

from bot.domain.answers.parsers import printable
from bot.domain.outlines.loader import Item
from bot.domain.outlines.models import Numbers
from bot.domain.walk.figures import numbers_table
from bot.export import template
from bot.export.data import ReportData
from bot.export.meta import ExportMeta
from bot.export.text import answer_plain
from messages import documents as words
from messages import zh

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}\s]+)\s*\}\}")
BODY = "正文"


def _numeral(n: int) -> str:
    return zh.CN_NUMERALS[n - 1] if 1 <= n <= 10 else str(n)


def _style(doc: DocType, name: str) -> Any:
    try:
        return doc.styles[name]
    except KeyError:  # an edited template without this style: fall back to the body text's style
        return doc.styles["Normal"]


def _fill(paragraph: Paragraph, values: dict[str, str]) -> None:
    """Replaces {{name}} in a paragraph even when Word split it across runs; the first run keeps its format."""
    text = "".join(run.text for run in paragraph.runs)
    if "{{" not in text:
        return
    filled = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
    runs = paragraph.runs
    runs[0].text = filled
    for run in runs[1:]:
        run.text = ""


def _all_paragraphs(doc: DocType) -> list[Paragraph]:
    out = list(doc.paragraphs)
    for table in doc.tables:
        out += [p for row in table.rows for cell in row.cells for p in cell.paragraphs]
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            if not part.is_linked_to_previous:  # a header or footer of its own (a linked one has no content)
                out += list(part.paragraphs)
    return out


def build(unit: ReportData, path: Path, *, meta: ExportMeta, data_dir: Path | None = None, draft: bool = False) -> None:
    doc = Document(str(template.template_path(data_dir)))
    version = words.DRAFT_MARK if draft else words.version_label(unit.version, meta.time(unit.submitted_at))
    values = {
        "标题": zh.export_title(unit.label, meta.year),
        "单位": unit.label,
        "类型": unit.institution.kind,
        "地市": f"{unit.institution.city}市" if unit.institution.city else "—",
        "活动": meta.campaign,
        "版本": version,
        "负责人": words.DOC_SEAL_NONE,
        "联系人": unit.submitted_by or words.DOC_SEAL_NONE,
        "电话": words.DOC_SEAL_NONE,
        "日期": meta.date(unit.submitted_at) if unit.version and not draft else words.DOC_SEAL_NONE,
    }
    anchor = next((p for p in doc.paragraphs if f"{{{{{BODY}}}}}" in p.text.replace(" ", "")), None)
    body = doc.element.body
    before = list(body)  # held so lxml keeps the same proxies: membership below is by identity
    known = set(before)
    _body(doc, unit, draft=draft)
    if anchor is not None:
        for el in [el for el in body if el not in known and not el.tag.endswith("}sectPr")]:
            anchor._p.addprevious(el)
        anchor._p.getparent().remove(anchor._p)
    for paragraph in _all_paragraphs(doc):
        _fill(paragraph, values)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))


def _body(doc: DocType, unit: ReportData, *, draft: bool) -> None:
    if draft:
        doc.add_paragraph(words.DRAFT_MARK, style=_style(doc, template.STYLE_CAPTION))
    tables = 0
    for section in unit.laid.sections:
        doc.add_paragraph(words.doc_section(_numeral(section.no), section.title), style=_style(doc, "Heading 1"))
        items = unit.laid.section_items(section.no)
        for item in items:
            if item.point is None:
                continue
            point = item.point
            doc.add_paragraph(
                words.doc_point(point.core, point.no, point.text), style=_style(doc, template.STYLE_POINT)
            )
            doc.add_paragraph(words.DOC_ANSWER + (answer_plain(unit, item) or zh.NOT_ANSWERED))
            if point.answer.as_table() is not None and unit.answers.get(item.key):
                tables += 1
                doc.add_paragraph(
                    words.doc_caption(tables, point.no, point.text), style=_style(doc, template.STYLE_CAPTION)
                )
                _numbers_table(doc, unit, item)
        for n, item in enumerate([i for i in items if i.narrative is not None], 1):
            assert item.narrative is not None
            doc.add_paragraph(words.doc_narrative(_numeral(n), item.narrative.label), style=_style(doc, "Heading 2"))
            text = answer_plain(unit, item) or zh.DOC_NARRATIVE_EMPTY
            for line in [line for line in text.splitlines() if line.strip()] or [text]:
                doc.add_paragraph(line)
    doc.add_paragraph(zh.DOC_EVIDENCE_TITLE, style=_style(doc, "Heading 1"))
    order = {item.key: n for n, item in enumerate(unit.laid.items)}
    files = sorted(unit.evidence, key=lambda e: (order.get(e.item, len(order)), e.id))
    rows: list[list[str]] = []
    for n, e in enumerate(files, 1):
        owner = unit.laid.by_key.get(e.item)
        point_no = owner.point.no if owner is not None and owner.point is not None else None
        label = owner.narrative.label if owner is not None and owner.narrative is not None else e.item
        rows.append([str(n), words.doc_evidence_where(point_no, label), printable(e.name), zh.size_text(e.size)])
    if rows:
        _grid(doc, list(words.DOC_EVIDENCE_HEAD), rows)
    else:
        doc.add_paragraph(words.DOC_NO_EVIDENCE)
    doc.add_paragraph(zh.DOC_NOTE)


def _grid(doc: DocType, head: list[str], rows: list[list[str]], *, bold_last: bool = False) -> None:
    table = doc.add_table(rows=1, cols=len(head))
    with contextlib.suppress(KeyError):
        table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    cell_style = _style(doc, template.STYLE_CELL)
    for n, values in enumerate([head, *rows]):
        cells = table.rows[0].cells if n == 0 else table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            paragraph = cell.paragraphs[0]
            paragraph.style = cell_style
            run = paragraph.add_run(text)
            run.bold = n == 0 or (bold_last and n == len(rows))


def _numbers_table(doc: DocType, unit: ReportData, item: Item) -> None:
    assert item.point is not None and isinstance(item.point.answer, Numbers)
    label = zh.CERT_COLUMN if item.point.answer.rows == "certificates" else zh.LEVEL_COLUMN
    table = numbers_table(unit.laid, item, unit.answers, unit.rows, label=label, scale=zh.SCALE_LABEL)

    def text(kind: str, value: Any) -> str:
        if kind == "rate":
            return zh.percent(value)
        return "—" if value is None else str(value)

    rows = [[text(c.kind, v) for c, v in zip(table.columns, cells, strict=True)] for cells in table.body]
    if table.total is not None:
        rows.append(
            [
                zh.TOTAL_LABEL if c.kind == "label" else text(c.kind, v)
                for c, v in zip(table.columns, table.total, strict=True)
            ]
        )
    _grid(doc, table.head, rows, bold_last=table.total is not None)
