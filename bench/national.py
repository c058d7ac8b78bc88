"""National scale, by simulation: a synthetic roster of 10,000 institutions and 30,000 bound users.

    .venv/bin/python -m bench.national [--institutions 10000] [--users 30000] [--submitted 2000]

Measures, on one process and one SQLite file: start-up and memory at rest, the walk's CPU per update (100
coordinators walking while the other 29,900 sit bound), the office's progress view (/progress over every
unit), and the export (the 汇总 of every institution plus one sheet per submitted report, in a fresh
process so its peak memory is its own). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.export_bench import own_peak_mb
from bench.filling import sample_answer
from bench.load import BotProcess, Stats, walk
from bench.standin import StandIn
from bot.domain.outlines import load_outlines
from bot.domain.reports.evidence import write_blob
from bot.domain.walk.reporting import load_ctx
from bot.export.run import export
from storage import Database, people, reports, versions
from storage import evidence as evidence_store
from storage import roster as store
from storage.models import Kind
from storage.roster import CertificateRow, PilotRow, RosterRow

KINDS: list[Kind] = ["本科"] * 10 + ["高职"] * 30 + ["中职"] * 60
WALKERS = 100


async def build_nation(
    db: Database, root: Path, *, institutions: int, users: int, organizations: int, submitted: int
) -> dict[str, Any]:
    """The roster, the bound users (coordinators, a few per institution), `submitted` reports answered in
    full with evidence rows and submitted; returns the walkers' user ids (coordinators of untouched ones)."""
    rng = random.Random(2020)
    outlines = load_outlines(year=2020)
    rows = [RosterRow(n + 1, rng.choice(KINDS), f"院校{n + 1:05d}", f"城市{n % 300:03d}") for n in range(institutions)]
    certs = [CertificateRow(f"证书{n:03d}", f"培训评价组织{n:03d}", rows[n].name) for n in range(organizations)]
    pilots = [PilotRow(r.name, c.name, rng.randint(20, 300)) for r in rows for c in rng.sample(certs, k=2)]
    async with db.transaction() as conn:
        await store.upsert_institutions(conn, rows)
        await store.upsert_institutions(conn, [RosterRow(None, "培训评价组织", c.org_name or "", None) for c in certs])
        await store.replace_certificates(conn, certs, pilots)
    schools = [i for i in await store.institutions(db.read) if i.kind != "培训评价组织"]
    per_school = max(1, users // len(schools))
    async with db.transaction() as conn:
        uid = 100_000
        for inst in schools:
            for _ in range(per_school):
                await people.bind(
                    conn,
                    user_id=uid,
                    name=f"联络人{uid}",
                    role="coordinator",
                    institution_id=inst.id,
                    city=inst.city,
                    chat_id=uid,
                    at="t",
                )
                uid += 1
    blob = b"%PDF-1.4 shared evidence for the national simulation"
    digest = write_blob(root / "evidence", blob)
    for inst in schools[:submitted]:
        async with db.transaction() as conn:
            report = await reports.ensure(
                conn, institution_id=inst.id, certificate_id=None, outline="institution", at="t"
            )
            ctx = await load_ctx(conn, report, outlines)
            for item in ctx.laid.items:
                await reports.put_answer(
                    conn, report_id=report.id, item=item.key, value=sample_answer(ctx, item), user_id=0, at="t"
                )
                if item.point is not None and item.point.evidence:
                    await evidence_store.add(
                        conn,
                        report_id=report.id,
                        item=item.key,
                        name=f"{item.key}.pdf",
                        kind="pdf",
                        mime="application/pdf",
                        size=len(blob),
                        sha256=digest,
                        uploaded_by=0,
                        at="t",
                        tg_file_id=None,
                    )
            await versions.set_status(
                conn, report.id, status="submitted", at="2020-12-14T08:00:00+00:00", expect=("draft",), bump=True
            )
    # Walkers: the first coordinator of institutions nobody has started.
    walkers = [100_000 + per_school * k for k in range(len(schools) - WALKERS, len(schools))]
    return {"walkers": walkers, "schools": len(schools), "bound": uid - 100_000, "submitted": submitted}


async def _export_child(db_path: Path, evidence: Path) -> None:
    db = Database(db_path)
    await db.connect()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        result = await export(
            db, load_outlines(year=2020), year=2020, evidence_root=evidence, out=Path(tmp) / "a.xlsx", with_bundle=False
        )
        seconds = time.perf_counter() - start
        size = result.workbook.stat().st_size
    await db.close()
    peak = own_peak_mb()
    print(json.dumps({"export_s": seconds, "peak_mb": peak, "sheets": result.sheets, "size_mb": size / 1e6}))


def export_in_child(db_path: Path, evidence: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.national", "--export-child", str(db_path), str(evidence)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


async def _progress_latency(standin: StandIn, times: int = 5) -> float:
    office = 1
    seen = []
    for _ in range(times):
        n = len(standin.events[office])
        start = time.monotonic()
        standin.send_text(office, "/progress")
        await standin.next_shown(office, n, timeout=120)
        seen.append(standin.shown_at[office][n] - start)
    return statistics.median(seen)


async def nation(institutions: int = 10_000, users: int = 30_000, submitted: int = 2_000) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db = Database(root / "xcheck.sqlite3")
        await db.connect()
        t0 = time.perf_counter()
        built = await build_nation(
            db, root, institutions=institutions, users=users, organizations=500, submitted=submitted
        )
        built["build_s"] = time.perf_counter() - t0
        await db.close()
        db_mb = (root / "xcheck.sqlite3").stat().st_size / 1e6
        standin = StandIn()
        await standin.start()
        bot = BotProcess("bot", standin, root, XCHECK_FLOOD_LIMIT="0")
        start = time.monotonic()
        await bot.start()
        try:
            await standin.wait_for(lambda: standin.polls > 0, timeout=120)
            ready = time.monotonic() - start
            await asyncio.sleep(2)
            rss = bot.rss_mb()
            cpu0 = bot.cpu_seconds()
            progress_s = await _progress_latency(standin)
            progress_cpu = (bot.cpu_seconds() - cpu0) / 5
            stats = Stats(first=time.monotonic())
            cpu0 = bot.cpu_seconds()
            await asyncio.gather(*(walk(standin, uid, stats) for uid in built["walkers"]))
            walk_cpu = bot.cpu_seconds() - cpu0
            peak = bot.peak_mb()
        finally:
            await bot.stop()
            await standin.stop()
        exported = export_in_child(root / "xcheck.sqlite3", root / "evidence")
    return {
        "institutions": built["schools"],
        "bound": built["bound"],
        "submitted": built["submitted"],
        "build_s": built["build_s"],
        "db_mb": db_mb,
        "ready_s": ready,
        "rss_mb": rss,
        "progress_s": progress_s,
        "progress_cpu_s": progress_cpu,
        "walk_updates": stats.updates,
        "walk_rate": stats.rate,
        "walk_cpu_ms": 1000 * walk_cpu / stats.updates if stats.updates else float("nan"),
        "walk_p99": stats.pct(99),
        "bot_peak_mb": peak,
        **{f"export_{k}" if not k.startswith("export") else k: v for k, v in exported.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--institutions", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=30_000)
    parser.add_argument("--submitted", type=int, default=2_000)
    parser.add_argument("--export-child", nargs=2, type=Path)
    args = parser.parse_args()
    if args.export_child:
        asyncio.run(_export_child(*args.export_child))
        return
    print(json.dumps(asyncio.run(nation(args.institutions, args.users, args.submitted)), ensure_ascii=False))


if __name__ == "__main__":
    main()
