"""Renders one page of each printable document for the README (docs/*.png) from a sample province:

    .venv/bin/python -m bench.documents [docs]

The Word self-report and the workbook go through LibreOffice (soffice --headless → PDF) and pdftoppm, which
scripts/setup does not install (apt-get install libreoffice-writer-nogui libreoffice-calc-nogui
poppler-utils fonts-noto-cjk); the progress picture is the bot's own PNG. Prints what it wrote."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.province import build_province
from bot.domain.campaign.progress import units
from bot.domain.outlines import load_outlines
from bot.export.meta import ExportMeta
from bot.export.pictures import progress_data, render
from bot.export.run import export
from storage import Database


def _page(source: Path, out: Path, page: int = 1) -> None:
    """First page (or `page`) of a document as PNG, via LibreOffice and pdftoppm."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp, str(source)],
            check=True,
            capture_output=True,
            timeout=300,
        )
        pdf = Path(tmp) / (source.stem + ".pdf")
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(pdf),
                str(out.with_suffix("")),
            ],
            check=True,
            timeout=120,
        )


def _only_sheet(source: Path, sheet: str | None, out: Path) -> None:
    """A copy holding one sheet (None: the first per-report sheet), so its first printed page is that sheet."""
    from openpyxl import load_workbook

    wb = load_workbook(source)
    keep = sheet or next(n for n in wb.sheetnames if n[:3].isdigit())
    for name in list(wb.sheetnames):
        if name != keep:
            del wb[name]
    wb.save(out)


async def main(target: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db = Database(root / "docs.sqlite3")
        await db.connect()
        outlines = load_outlines(year=2020)
        await build_province(db, outlines, root / "evidence", organizations=20, mixed=True)
        tz = ZoneInfo("Asia/Shanghai")
        made = datetime(2020, 12, 16, 2, 0, tzinfo=UTC)
        meta = ExportMeta(year=2020, tz=tz, made_at=made, deadline=date(2020, 12, 15))
        result = await export(
            db,
            outlines,
            year=2020,
            evidence_root=root / "evidence",
            out=root / "out" / "自查汇总.xlsx",
            with_bundle=False,
            docx_dir=root / "docx",
            meta=meta,
        )
        rows = await units(db)
        png = render(progress_data(rows, tz=tz, deadline=date(2020, 12, 15), today=made.astimezone(tz).date()))
        (target / "progress.png").write_bytes(png)
        print(f"wrote {target / 'progress.png'}")
        await db.close()
        if shutil.which("soffice") is None or shutil.which("pdftoppm") is None:
            print("soffice or pdftoppm missing: the Word and workbook pages were not rendered")
            return
        school = next(p for p in result.documents if p.name.startswith("024_"))
        org = next(p for p in result.documents if "培训评价组织" in p.name and "修改稿" not in p.name)
        for source, name, page in (
            (school, "word-report.png", 1),
            (school, "word-report-p2.png", 2),
            (org, "word-org.png", 4),
        ):
            _page(source, target / name, page)
            print(f"wrote {target / name}")
        for sheet, name in (
            ("分市汇总", "workbook-cities.png"),
            ("图表", "workbook-charts.png"),
            (None, "workbook-report.png"),
        ):
            single = root / f"{name}.xlsx"
            _only_sheet(result.workbook, sheet, single)
            _page(single, target / name, 1)
            print(f"wrote {target / name}")


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs")
    folder.mkdir(parents=True, exist_ok=True)
    asyncio.run(main(folder))
