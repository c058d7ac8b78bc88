"""Running an export: read the data (async), build the files in a worker thread, return their paths."""

from __future__ import annotations

import asyncio
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.domain.outlines.loader import Outlines
from bot.export import bundle, document, workbook
from bot.export.data import Audience, load
from bot.export.meta import ExportMeta
from messages import documents as words
from messages import zh
from storage import Database


@dataclass
class Exported:
    workbook: Path
    sheets: int
    bundle: Path | None = None
    files: int = 0
    documents: list[Path] = field(default_factory=list)
    documents_zip: Path | None = None


def stamp(now: datetime) -> str:
    return now.strftime("%Y%m%d-%H%M%S")


def zip_documents(paths: list[Path], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for p in paths:
            zf.write(p, p.name)
    return path


async def export(
    db: Database,
    outlines: Outlines,
    *,
    year: int,
    evidence_root: Path,
    out: Path,
    city: str | None = None,
    report_id: int | None = None,
    with_bundle: bool = True,
    docx_dir: Path | None = None,
    audience: Audience | None = None,
    docx_zip: Path | None = None,
    meta: ExportMeta | None = None,
    data_dir: Path | None = None,
) -> Exported:
    """`docx_dir`: also a Word self-report per report there (a returned one: its last submitted version and,
    marked, the draft in progress); `docx_zip`: and all of them in one ZIP. `data_dir` may hold the office's
    own Word template. `audience`: whom the export is for; nothing beyond what it may see is loaded."""
    province = await load(db, outlines, city=city, report_id=report_id, audience=audience)
    info = meta or ExportMeta(year=year)

    def work() -> Exported:
        sheets, rows = workbook.build(province, out, meta=info)
        result = Exported(out, sheets)
        if with_bundle:
            zip_path = out.with_suffix(".zip")
            result.files = bundle.build(province, rows, evidence_root, zip_path, workbook_name=out.name)
            result.bundle = zip_path
        if docx_dir is not None:
            for unit in province.units:
                if unit.report is None:
                    continue
                folder = bundle.unit_folder(unit)
                path = docx_dir / zh.docx_name(folder)
                document.build(unit, path, meta=info, data_dir=data_dir)
                result.documents.append(path)
                if unit.draft is not None:
                    path = docx_dir / zh.docx_name(f"{folder}_{words.DRAFT_DOC_SUFFIX}")
                    document.build(unit.draft, path, meta=info, data_dir=data_dir, draft=True)
                    result.documents.append(path)
            if docx_zip is not None:
                result.documents_zip = zip_documents(result.documents, docx_zip)
        return result

    # openpyxl and python-docx are synchronous and CPU-bound: keep them off the event loop.
    return await asyncio.to_thread(work)
