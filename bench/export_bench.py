"""Benchmark: the whole province exported, beside openpyxl alone writing the same cells.

    .venv/bin/python -m bench.export_bench [--organizations 50]

Prints wall time and peak memory; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from openpyxl import Workbook, load_workbook

from bench.province import build_province
from bot.export.run import export
from bot.outlines import load_outlines
from storage import Database


def _openpyxl_alone(source: Path, target: Path) -> float:
    """The same values into the same sheets with plain openpyxl: no styles, no merges, no logic."""
    cells = [
        (ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in load_workbook(source, read_only=True)
    ]
    start = time.perf_counter()
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in cells:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(target)
    return time.perf_counter() - start


async def main(organizations: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db = Database(root / "bench.sqlite3")
        await db.connect()
        outlines = load_outlines(year=2020)
        t0 = time.perf_counter()
        files = await build_province(db, outlines, root / "evidence", organizations=organizations)
        print(
            f"province built: 189 institutions + {organizations} organizations, {files} evidence files "
            f"in {time.perf_counter() - t0:.1f} s"
        )
        start = time.perf_counter()
        result = await export(
            db, outlines, year=2020, evidence_root=root / "evidence", out=root / "out" / "all.xlsx", with_bundle=False
        )
        workbook_s = time.perf_counter() - start
        # Memory in a separate run: tracemalloc slows Python several times over.
        tracemalloc.start()
        await export(
            db, outlines, year=2020, evidence_root=root / "evidence", out=root / "out3" / "all.xlsx", with_bundle=False
        )
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        start = time.perf_counter()
        bundled = await export(db, outlines, year=2020, evidence_root=root / "evidence", out=root / "out2" / "all.xlsx")
        with_bundle_s = time.perf_counter() - start
        alone_s = _openpyxl_alone(result.workbook, root / "alone.xlsx")
        size = result.workbook.stat().st_size
        print(f"workbook: {result.sheets} sheets, {size / 1e6:.1f} MB")
        print(f"xcheck export (workbook):          {workbook_s:6.2f} s   peak Python memory {peak / 1e6:.0f} MB")
        print(f"xcheck export (workbook + bundle): {with_bundle_s:6.2f} s   {bundled.files} files")
        print(f"openpyxl alone, same cells:        {alone_s:6.2f} s   ratio {workbook_s / alone_s:.2f}x")
        print(f"process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        await db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--organizations", type=int, default=50)
    asyncio.run(main(parser.parse_args().organizations))
