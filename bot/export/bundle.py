"""The evidence bundle: a ZIP laid out 机构/部分/监测点/文件, with a manifest tying each file to its row in
the workbook's evidence sheet."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from bot.domain.answers.parsers import printable
from bot.domain.reports.evidence import blob_path
from bot.export.cells import FORMULA_START
from bot.export.data import Province, ReportData
from messages import zh

if TYPE_CHECKING:
    from bot.export.workbook import EvidenceRow

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
MANIFEST = "manifest.csv"


def _part(text: str, limit: int = 40) -> str:
    return _UNSAFE.sub("_", printable(text)).strip(" .")[:limit] or "_"


def unit_folder(unit: ReportData) -> str:
    """附件3 number and name (and certificate), safe as one path component, and never starting like a
    formula (an organization has no number, and its name is the office's text), so manifest.csv's path
    column stays text in a spreadsheet."""
    seq = f"{unit.institution.seq:03d}_" if unit.institution.seq is not None else ""
    folder = _part(seq + unit.institution.name + (f"_{unit.certificate}" if unit.certificate else ""), 60)
    return "_" + folder if folder.startswith(FORMULA_START) else folder


def csv_text(value: object) -> object:
    """A CSV cell a spreadsheet will not evaluate: text that starts like a formula gets a leading quote."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def arc_path(unit: ReportData, section_no: int, section_title: str, where: str, name: str, evidence_id: int) -> str:
    """A path inside the ZIP that cannot climb out of it; the id keeps equal names apart."""
    who = unit_folder(unit)
    stem, dot, ext = name.rpartition(".")
    filename = f"{_part(stem or name, 60)}_{evidence_id}{dot}{_part(ext, 8) if dot else ''}"
    return f"{who}/{section_no:02d}_{_part(section_title, 24)}/{_part(where, 20)}/{filename}"


def build(p: Province, rows: list[EvidenceRow], evidence_root: Path, path: Path, *, workbook_name: str) -> int:
    """Writes the ZIP; files are streamed from the content-addressed store. Returns the file count."""
    by_id = {e.id: e for unit in p.units for e in unit.evidence}
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(["path", "sha256", "size", "workbook", "sheet", "row"])
    # Paths are built never to start like a formula; csv_text guards every cell all the same.
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for row in rows:
            evidence = by_id[row.evidence_id]
            zf.write(blob_path(evidence_root, evidence.sha256), row.path)
            cells = [row.path, evidence.sha256, evidence.size, workbook_name, zh.SHEET_EVIDENCE, row.row]
            writer.writerow([csv_text(c) for c in cells])
        # Excel opens a UTF-8 CSV correctly only with a byte-order mark.
        zf.writestr(MANIFEST, "\ufeff" + manifest.getvalue())
    return len(rows)
