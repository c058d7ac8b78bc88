"""Benchmark: the progress picture of the daily digest and /progress for the whole province (189 institutions
and 50 organization reports, a campaign under way).

    .venv/bin/python -m bench.picture_bench [--runs 10]

Prints: the data read (units), the first drawing (matplotlib and the font loaded), fresh drawings of changed
data, and a cached one. Asserts nothing."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.province import build_province
from bot.domain.campaign.progress import units
from bot.domain.outlines import load_outlines
from bot.export import pictures as charts
from storage import Database


async def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db = Database(root / "bench.sqlite3")
        await db.connect()
        outlines = load_outlines(year=2020)
        await build_province(db, outlines, root / "evidence", organizations=50, mixed=True)
        tz = ZoneInfo("Asia/Shanghai")
        reads = []
        for _ in range(runs):
            start = time.perf_counter()
            rows = await units(db)
            data = charts.progress_data(rows, tz=tz, deadline=date(2020, 12, 15), today=date(2020, 12, 14))
            reads.append(time.perf_counter() - start)
        schools = sum(1 for u in rows if u.institution.kind != "培训评价组织")
        print(f"units: {schools} institutions + {len(rows) - schools} organization reports")
        start = time.perf_counter()
        png = charts.render(data)
        first = time.perf_counter() - start
        fresh = []
        for n in range(runs):
            changed = replace(data, total=data.total + n + 1)  # other data: drawn again, not from the cache
            start = time.perf_counter()
            charts.render(changed)
            fresh.append(time.perf_counter() - start)
        start = time.perf_counter()
        charts.render(changed)  # the last one drawn: unchanged data comes from the cache
        cached = time.perf_counter() - start
        print(f"read units + figures:      median {statistics.median(reads) * 1000:7.1f} ms")
        print(f"first picture (cold):      {first * 1000:7.1f} ms  ({len(png) / 1024:.0f} KB PNG)")
        print(
            f"picture of changed data:   median {statistics.median(fresh) * 1000:7.1f} ms, "
            f"max {max(fresh) * 1000:.1f} ms"
        )
        print(f"picture from the cache:    {cached * 1000:7.3f} ms")
        await db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    asyncio.run(main(parser.parse_args().runs))
