"""Running an export: read the data (async), build the files in a worker thread, return their paths."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.export import bundle, document, workbook
from bot.export.data import Audience, load
from bot.outlines.loader import Outlines
from messages import zh
from storage import Database


@dataclass
class Exported:
    workbook: Path
    sheets: int
    bundle: Path | None = None
    files: int = 0
    documents: list[Path] = field(default_factory=list)


def stamp(now: datetime) -> str:
    return now.strftime("%Y%m%d-%H%M%S")


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
) -> Exported:
    province = await load(db, outlines, city=city, report_id=report_id, audience=audience)

    def work() -> Exported:
        sheets, rows = workbook.build(province, out, year=year)
        result = Exported(out, sheets)
        if with_bundle:
            zip_path = out.with_suffix(".zip")
            result.files = bundle.build(province, rows, evidence_root, zip_path, workbook_name=out.name)
            result.bundle = zip_path
        if docx_dir is not None:
            for unit in province.units:
                if unit.report is None:
                    continue
                path = docx_dir / zh.docx_name(bundle.unit_folder(unit))
                document.build(unit, path, year=year)
                result.documents.append(path)
        return result

    # openpyxl and python-docx are synchronous and CPU-bound: keep them off the event loop.
    return await asyncio.to_thread(work)
