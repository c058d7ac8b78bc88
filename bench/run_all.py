"""All benchmarks in one command; prints figures and writes a short Markdown report.

    .venv/bin/python -m bench.run_all [--quick] [--out bench-report.md]

Nothing here asserts: the figures are for people to read and compare with the goals of issue 8.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import tempfile
import time
from collections import Counter
from importlib import metadata
from pathlib import Path

from bench.load import NOTICES, BotProcess, Stats, bare_walk, provision, summary, wait_ready, walk
from bench.standin import StandIn
from storage import Database, campaign


async def _run_walkers(module: str, users: int, latency: float, *, bare_steps: int = 0) -> tuple[Stats, float, float]:
    """Returns (stats, bot CPU seconds, bot peak MB)."""
    standin = StandIn()
    standin.latency = latency
    await standin.start()
    with tempfile.TemporaryDirectory() as tmp:
        walkers, _ = await provision(Path(tmp), users)
        # These scenarios run without a flood cap at the stand-in, so the bot's gate is lifted too.
        bot = BotProcess(module, standin, Path(tmp), XCHECK_FLOOD_LIMIT="1000")
        await bot.start()
        try:
            await wait_ready(standin)
            stats = Stats(first=time.monotonic())
            cpu0 = bot.cpu_seconds()
            if bare_steps:
                await asyncio.gather(*(bare_walk(standin, uid, stats, bare_steps) for uid in walkers))
            else:
                await asyncio.gather(*(walk(standin, uid, stats) for uid in walkers))
            cpu = bot.cpu_seconds() - cpu0
            peak = bot.peak_mb()
        finally:
            await bot.stop()
            await standin.stop()
    return stats, cpu, peak


async def efficiency(users: int) -> dict[str, float]:
    stats, cpu, peak = await _run_walkers("bot", users, 0.0)
    per_user = stats.updates / users
    floor, floor_cpu, _ = await _run_walkers("bench.bare_bot", users, 0.0, bare_steps=int(per_user) - 1)
    return {
        "users": users,
        "updates": stats.updates,
        "rate": stats.rate,
        "floor_rate": floor.rate,
        "share": stats.rate / floor.rate if floor.rate else float("nan"),
        "cpu_ms": 1000 * cpu / stats.updates,
        "floor_cpu_ms": 1000 * floor_cpu / floor.updates,
        "peak_mb": peak,
    }


async def concurrency(users: int, latency: float) -> dict[str, float]:
    stats, cpu, peak = await _run_walkers("bot", users, latency)
    out = summary(stats)
    out.update(
        {
            "users": users,
            "latency_ms": latency * 1000,
            "out_of_order": stats.out_of_order,
            "cpu_ms": 1000 * cpu / stats.updates,
            "peak_mb": peak,
        }
    )
    return out


async def flood(recipients: int, walkers_n: int, cap: int, rate: float) -> dict[str, float]:
    standin = StandIn()
    standin.flood_cap = cap
    await standin.start()
    with tempfile.TemporaryDirectory() as tmp:
        walkers, bystanders = await provision(Path(tmp), walkers_n, bystanders=recipients)
        bot = BotProcess("bot", standin, Path(tmp), XCHECK_BROADCAST_RATE=str(rate))
        await bot.start()
        try:
            await wait_ready(standin)
            office = 1
            n = len(standin.events[office])
            standin.send_text(office, "/broadcast")
            await standin.next_shown(office, n, timeout=60)
            NOTICES.add("请各单位于12月15日前完成自查报告提交。")
            standin.send_text(office, "请各单位于12月15日前完成自查报告提交。")
            pick = await standin.next_shown(office, n + 1, timeout=60)
            standin.press(office, pick, pick.button("全部联络人"))
            preview = await standin.next_shown(office, n + 2, timeout=60)
            stats = Stats(first=time.monotonic())
            standin.press(office, preview, preview.button("确认发送"))
            walking = asyncio.gather(*(walk(standin, uid, stats) for uid in walkers))
            expected = set(bystanders) | set(walkers)
            text = "请各单位于12月15日前完成自查报告提交。"

            def delivered() -> Counter[int]:
                return Counter(
                    int(c.params["chat_id"]) for c in standin.calls_to("sendMessage") if c.params.get("text") == text
                )

            await standin.wait_for(lambda: set(delivered()) >= expected, timeout=recipients / rate * 3 + 60)
            times = sorted(c.at for c in standin.calls_to("sendMessage") if c.params.get("text") == text)
            await walking
            got = delivered()
        finally:
            await bot.stop()
            await standin.stop()
        db = Database(Path(tmp) / "xcheck.sqlite3")
        await db.connect()
        rows = await campaign.outbox_rows(db.read, 1)
        await db.close()
    span = times[-1] - times[0] if len(times) > 1 else float("nan")
    return {
        "recipients": len(expected),
        "configured_rate": rate,
        "effective_rate": (len(times) - 1) / span,
        "share": (len(times) - 1) / span / rate,
        "lost": len(expected - set(got)),
        "duplicates": sum(v - 1 for v in got.values() if v > 1),
        "outbox": dict(Counter(r.status for r in rows)),
        "flood_refusals": standin.flood_refusals,
        "walk_p50": stats.pct(50),
        "walk_p99": stats.pct(99),
        "walk_updates": stats.updates,
    }


async def startup() -> dict[str, float]:
    standin = StandIn()
    await standin.start()
    with tempfile.TemporaryDirectory() as tmp:
        await provision(Path(tmp), 0)
        bot = BotProcess("bot", standin, Path(tmp))
        start = time.monotonic()
        await bot.start()
        try:
            await standin.wait_for(lambda: standin.polls > 0, timeout=60)
            ready = time.monotonic() - start
            await asyncio.sleep(2)
            rss = bot.rss_mb()
        finally:
            await bot.stop()
            await standin.stop()
    return {"ready_s": ready, "rss_mb": rss}


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        "?",
    )
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem} RAM, Python {platform.python_version()}, "
        f"python-telegram-bot {metadata.version('python-telegram-bot')}, aiohttp {metadata.version('aiohttp')}"
    )


async def main(quick: bool, out: Path) -> None:
    scale = 0.3 if quick else 1.0
    print(f"machine: {machine()}")
    eff = await efficiency(int(100 * scale) or 10)
    print(f"efficiency: {eff}")
    conc = await concurrency(int(300 * scale) or 30, 0.1)
    print(f"concurrency: {conc}")
    fl = await flood(int(1000 * scale) or 100, int(50 * scale) or 10, 30, 20.0)
    print(f"flood: {fl}")
    st = await startup()
    print(f"startup: {st}")
    report = f"""# xcheck benchmarks

Machine: {machine()}. Run: `python -m bench.run_all{" --quick" if quick else ""}` on {time.strftime("%Y-%m-%d %H:%M")}.
The bot runs as its own process against the Bot API stand-in on 127.0.0.1; simulated users live in the
benchmark process, which shares the machine's cores with the bot. Single runs: read the ratios.

## Efficiency (no added latency, no flood cap)
| | xcheck (walking 附件1) | floor (bare bot, same stack, same calls) |
|---|---|---|
| coordinators | {eff["users"]} | {eff["users"]} |
| updates handled | {eff["updates"]} | |
| updates per second | {eff["rate"]:.0f} | {eff["floor_rate"]:.0f} |
| share of the floor (goal ≥ 60%) | {eff["share"]:.0%} | 100% |
| bot CPU per update (goal < 2 ms) | {eff["cpu_ms"]:.2f} ms | {eff["floor_cpu_ms"]:.2f} ms |
| bot peak memory | {eff["peak_mb"]:.0f} MB | |

## Concurrency ({conc["users"]} coordinators at once, {conc["latency_ms"]:.0f} ms per API call)
| updates/s (goal ≥ 300) | p50 | p95 | p99 (goal < 1 s) | replies out of order | CPU per update |
|---|---|---|---|---|---|
| {conc["rate"]:.0f} | {conc["p50"] * 1000:.0f} ms | {conc["p95"] * 1000:.0f} ms | {conc["p99"] * 1000:.0f} ms | {conc["out_of_order"]} | {conc["cpu_ms"]:.2f} ms |

## Flood cap (stand-in enforces 30 messages/s, 429 beyond)
Broadcast to {fl["recipients"]} recipients at a configured {fl["configured_rate"]:.0f}/s while coordinators walk.

| effective rate | share of configured (goal ≥ 90%) | lost | sent twice | outbox | 429s answered | walkers' p50 / p99 |
|---|---|---|---|---|---|---|
| {fl["effective_rate"]:.1f}/s | {fl["share"]:.0%} | {fl["lost"]} | {fl["duplicates"]} | {fl["outbox"]} | {fl["flood_refusals"]} | {fl["walk_p50"] * 1000:.0f} / {fl["walk_p99"] * 1000:.0f} ms |

## Start-up
Ready (first getUpdates) {st["ready_s"]:.2f} s after the process started; {st["rss_mb"]:.0f} MB resident at rest.
"""
    await asyncio.to_thread(out.write_text, report, encoding="utf-8")
    print(f"report written to {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, default=Path("bench-report.md"))
    args = parser.parse_args()
    asyncio.run(main(args.quick, args.out))
