"""Benchmark: the whole province exported, beside openpyxl alone writing the same cells in the same mode.

    .venv/bin/python -m bench.export_bench [--organizations 50] [--repeats 5]

The export writes the office workbook in openpyxl's write-only mode (bot/export/sheet.py): each sheet is laid
out in memory as plain values, streamed to the file and closed before the next, so one sheet's cells at most
are held as openpyxl objects. openpyxl alone (bench/openpyxl_alone.py) is given a plain description of the very
workbook the export wrote (every cell's value, type and style, merged ranges, widths and heights, frozen panes,
filters, print set-up, footers and charts) and writes it with openpyxl only, in the same mode as the export;
both files are then described again and must be equal, which the benchmark prints. The ratio is therefore
xcheck's whole overhead: reading the database, laying out, holding the cells until a sheet is done.

The machine is shared: the export and openpyxl alone run alternately, `--repeats` times each after a warm-up,
and both wall time and CPU time (time.process_time, all threads of this process) are reported, best and median.
Peak memory is the maximum resident size (VmHWM) of a fresh process that does one export.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from bench import openpyxl_alone
from bench.province import build_province
from bot.domain.outlines import load_outlines
from bot.export.run import export
from storage import Database

REPEATS = 5


def mode_of(path: Path) -> str:
    """Which openpyxl mode wrote a workbook, read from the file: the normal mode writes each sheet's
    <dimension> (it knows every cell before writing), the write-only mode cannot and leaves it out."""
    with zipfile.ZipFile(path) as zf:
        sheet = next(n for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))
        head = zf.read(sheet)[:2000]
    return "normal" if b"<dimension" in head else "write-only"


def timed(run: Any) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds of this process, result)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def alone_once(
    book: openpyxl_alone.Described, rows: openpyxl_alone.Plan, target: Path, *, write_only: bool
) -> tuple[float, float]:
    charts = openpyxl_alone.fresh_charts(book)  # untimed: copies of the chart objects for this write
    wall, cpu, _ = timed(lambda: openpyxl_alone.write(book, rows, target, write_only=write_only, charts=charts))
    return wall, cpu


async def export_once(db: Database, root: Path, *, bundle: bool = False, tag: str = "x") -> tuple[float, float, Any]:
    """The export as the office gets it (database read, layout, file), timed like `timed`."""
    outlines = load_outlines(year=2020)
    out = root / f"out-{tag}" / "all.xlsx"
    wall, cpu = time.perf_counter(), time.process_time()
    result = await export(db, outlines, year=2020, evidence_root=root / "evidence", out=out, with_bundle=bundle)
    return time.perf_counter() - wall, time.process_time() - cpu, result


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


def _stats(values: list[float]) -> dict[str, float]:
    return {"best": min(values), "median": statistics.median(values)}


async def measure(db: Database, root: Path, repeats: int = REPEATS) -> dict[str, Any]:
    """Export figures for a database that already holds the data (and evidence under root/evidence)."""
    await export_once(db, root, tag="warm")
    runs: list[tuple[float, float, Any]] = []
    alone: list[tuple[float, float]] = []
    book: openpyxl_alone.Described | None = None
    rows: openpyxl_alone.Plan = []
    write_only = False
    for n in range(repeats):
        runs.append(await export_once(db, root, tag=f"r{n}"))
        if book is None:
            book = openpyxl_alone.describe(runs[0][2].workbook)  # the export's workbook as plain data
            rows = openpyxl_alone.plan(book)
            write_only = mode_of(runs[0][2].workbook) == "write-only"  # openpyxl alone in the export's mode
            alone_once(book, rows, root / "alone-warm.xlsx", write_only=write_only)
        alone.append(alone_once(book, rows, root / f"alone{n}.xlsx", write_only=write_only))
    assert book is not None
    result = runs[0][2]
    same = openpyxl_alone.describe(root / "alone0.xlsx").shape() == book.shape()
    # For comparison only: openpyxl alone writing the same workbook in the other mode.
    other = [alone_once(book, rows, root / f"other{n}.xlsx", write_only=not write_only) for n in range(repeats)]
    bundle_s, _cpu, bundled = await export_once(db, root, bundle=True, tag="bundle")
    wall = _stats([w for w, _c, _r in runs])
    cpu = _stats([c for _w, c, _r in runs])
    alone_wall = _stats([w for w, _c in alone])
    alone_cpu = _stats([c for _w, c in alone])
    return {
        "sheets": result.sheets,
        "cells": sum(len(cells) for s in book.sheets for _r, cells in s.rows),
        "values": sum(v is not None for s in book.sheets for _r, cells in s.rows for _c, v, _t, _s in cells),
        "merges": sum(len(s.merges) for s in book.sheets),
        "charts": sum(len(s.charts) for s in book.sheets),
        "styles": len(book.styles),
        "size_mb": result.workbook.stat().st_size / 1e6,
        "export_mode": mode_of(result.workbook),
        "alone_mode": mode_of(root / "alone0.xlsx"),
        "same": same,
        "repeats": repeats,
        "export_s": wall["best"],
        "export_median_s": wall["median"],
        "export_cpu_s": cpu["best"],
        "export_cpu_median_s": cpu["median"],
        "alone_s": alone_wall["best"],
        "alone_median_s": alone_wall["median"],
        "alone_cpu_s": alone_cpu["best"],
        "alone_cpu_median_s": alone_cpu["median"],
        "ratio": wall["best"] / alone_wall["best"],
        "ratio_cpu": cpu["best"] / alone_cpu["best"],
        "ratio_median": wall["median"] / alone_wall["median"],
        "ratio_cpu_median": cpu["median"] / alone_cpu["median"],
        "other_mode": mode_of(root / "other0.xlsx"),
        "other_s": min(w for w, _c in other),
        "other_cpu_s": min(c for _w, c in other),
        "bundle_s": bundle_s,
        "files": bundled.files,
        "peak_mb": peak_of_one_export(db.path, root / "evidence"),
    }


async def province(organizations: int = 50, repeats: int = REPEATS) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db = Database(root / "bench.sqlite3")
        await db.connect()
        t0 = time.perf_counter()
        files = await build_province(db, load_outlines(year=2020), root / "evidence", organizations=organizations)
        built = time.perf_counter() - t0
        out = await measure(db, root, repeats)
        await db.close()
    out.update({"organizations": organizations, "evidence_files": files, "build_s": built})
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--organizations", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--child", nargs=2, type=Path)
    args = parser.parse_args()
    if args.child:
        asyncio.run(_child(*args.child))
        return
    r = asyncio.run(province(args.organizations, args.repeats))
    print(
        f"province: 189 institutions + {r['organizations']} organizations, {r['evidence_files']} evidence files "
        f"(built in {r['build_s']:.1f} s)"
    )
    print(
        f"workbook: {r['sheets']} sheets, {r['cells']} cells ({r['values']} with a value), {r['merges']} merged "
        f"ranges, {r['charts']} charts, {r['styles']} styles, {r['size_mb']:.1f} MB"
    )
    print(
        "openpyxl alone wrote the same workbook (values, types, styles, merges, sizes, print set-up, charts): "
        + ("yes" if r["same"] else "NO")
    )
    print(f"best / median of {r['repeats']}, alternating:     wall s        CPU s")
    print(
        f"xcheck export ({r['export_mode']} mode):   {r['export_s']:5.2f} / {r['export_median_s']:5.2f}   "
        f"{r['export_cpu_s']:5.2f} / {r['export_cpu_median_s']:5.2f}"
    )
    print(
        f"openpyxl alone ({r['alone_mode']} mode):  {r['alone_s']:5.2f} / {r['alone_median_s']:5.2f}   "
        f"{r['alone_cpu_s']:5.2f} / {r['alone_cpu_median_s']:5.2f}"
    )
    print(
        f"ratio (goal <= 1.3x):               {r['ratio']:5.2f} / {r['ratio_median']:5.2f}   "
        f"{r['ratio_cpu']:5.2f} / {r['ratio_cpu_median']:5.2f}"
    )
    print(
        f"for comparison, openpyxl alone in {r['other_mode']} mode: {r['other_s']:5.2f} s wall, "
        f"{r['other_cpu_s']:5.2f} s CPU (best)"
    )
    print(f"xcheck export (workbook + bundle):  {r['bundle_s']:5.2f} s wall, {r['files']} files")
    print(f"peak memory of a process doing one export: {r['peak_mb']:.0f} MB (goal < 200 MB)")


if __name__ == "__main__":
    main()
