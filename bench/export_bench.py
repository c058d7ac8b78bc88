"""Benchmark: the whole province exported, beside openpyxl alone writing the same cells in the same mode.

    .venv/bin/python -m bench.export_bench [--organizations 50]

Both write in openpyxl's normal (in-memory) mode: the office workbook needs it, because it merges the title
and indicator cells, freezes panes, filters and sizes every column from what was written (write-only mode
fixes column widths before any row is written and cannot read cells back). openpyxl alone is given the very
cells the export produced (the same non-empty values: no styles, merges or widths), so the ratio is xcheck's whole
overhead: reading the database, laying out, styling. Times are the best of a few runs after a warm-up (the
machine is shared); peak memory is the maximum resident size of a fresh process that does one export.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from bench.province import build_province
from bot.export.run import export
from bot.outlines import load_outlines
from storage import Database

REPEATS = 3


def openpyxl_alone(cells: list[tuple[str, list[list[Any]]]], target: Path) -> float:
    """The same values into the same sheets with plain openpyxl, normal mode: no styles, merges or logic."""
    start = time.perf_counter()
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in cells:
        ws = wb.create_sheet(title)
        for r, row in enumerate(rows, 1):
            for c, value in enumerate(row, 1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
    wb.save(target)
    return time.perf_counter() - start


def cells_of(path: Path) -> list[tuple[str, list[list[Any]]]]:
    return [(ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in load_workbook(path, read_only=True)]


async def timed_export(db: Database, root: Path, *, bundle: bool = False, tag: str = "x") -> tuple[float, Any]:
    outlines = load_outlines(year=2020)
    start = time.perf_counter()
    out = root / f"out-{tag}" / "all.xlsx"
    result = await export(db, outlines, year=2020, evidence_root=root / "evidence", out=out, with_bundle=bundle)
    return time.perf_counter() - start, result


def own_peak_mb() -> float:
    """This process's peak resident memory. Not ru_maxrss: Linux carries the parent's peak across fork and
    exec into it, so a child of a big benchmark process would report the parent's size."""
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024


def peak_of_one_export(db_path: Path, evidence: Path) -> float:
    """Maximum resident MB of a fresh process that connects and exports the workbook once."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.export_bench", "--child", str(db_path), str(evidence)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(json.loads(out.stdout.strip().splitlines()[-1])["peak_mb"])


async def _child(db_path: Path, evidence: Path) -> None:
    db = Database(db_path)
    await db.connect()
    with tempfile.TemporaryDirectory() as tmp:
        await export(
            db, load_outlines(year=2020), year=2020, evidence_root=evidence, out=Path(tmp) / "a.xlsx", with_bundle=False
        )
    await db.close()
    print(json.dumps({"peak_mb": own_peak_mb()}))


async def measure(db: Database, root: Path) -> dict[str, Any]:
    """Export figures for a database that already holds the data (and evidence under root/evidence)."""
    await timed_export(db, root, tag="warm")
    runs = [await timed_export(db, root, tag=f"r{n}") for n in range(REPEATS)]
    export_s = min(t for t, _ in runs)
    result = runs[0][1]
    cells = cells_of(result.workbook)
    alone_s = min(openpyxl_alone(cells, root / f"alone{n}.xlsx") for n in range(REPEATS))
    bundle_s, bundled = await timed_export(db, root, bundle=True, tag="bundle")
    return {
        "sheets": result.sheets,
        "cells": sum(v is not None for _, rows in cells for r in rows for v in r),
        "size_mb": result.workbook.stat().st_size / 1e6,
        "export_s": export_s,
        "alone_s": alone_s,
        "ratio": export_s / alone_s,
        "bundle_s": bundle_s,
        "files": bundled.files,
        "peak_mb": peak_of_one_export(db.path, root / "evidence"),
    }


async def province(organizations: int = 50) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db = Database(root / "bench.sqlite3")
        await db.connect()
        t0 = time.perf_counter()
        files = await build_province(db, load_outlines(year=2020), root / "evidence", organizations=organizations)
        built = time.perf_counter() - t0
        out = await measure(db, root)
        await db.close()
    out.update({"organizations": organizations, "evidence_files": files, "build_s": built})
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--organizations", type=int, default=50)
    parser.add_argument("--child", nargs=2, type=Path)
    args = parser.parse_args()
    if args.child:
        asyncio.run(_child(*args.child))
        return
    r = asyncio.run(province(args.organizations))
    print(
        f"province: 189 institutions + {r['organizations']} organizations, {r['evidence_files']} evidence files "
        f"(built in {r['build_s']:.1f} s)"
    )
    print(f"workbook: {r['sheets']} sheets, {r['cells']} cells, {r['size_mb']:.1f} MB")
    print(f"xcheck export (workbook, normal mode):  {r['export_s']:6.2f} s   best of {REPEATS}")
    print(f"openpyxl alone, same cells, normal mode: {r['alone_s']:6.2f} s   ratio {r['ratio']:.2f}x (goal <= 1.3x)")
    print(f"xcheck export (workbook + bundle):      {r['bundle_s']:6.2f} s   {r['files']} files")
    print(f"peak memory of a process doing one export: {r['peak_mb']:.0f} MB (goal < 200 MB)")


if __name__ == "__main__":
    main()
