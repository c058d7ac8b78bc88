"""The 300-coordinator benchmark, repeated: every run's rate, latency percentiles, order and bot CPU, and the range.

    .venv/bin/python -m bench.p99 [--repeat 5] [--users 300] [--latency 0.1] [--old]

Each run is run_all's concurrency run (every coordinator walking 附件1 at once, every Bot API call taking
`latency`, the flood gate off, the bot in its own process), in a fresh benchmark process with its collector kept
quiet while the users walk (bench/load.py measured_window). --old also runs, after each fresh run, two runs the
way they were measured until 2026-11-27, the benchmark process's collector running freely: one in a fresh process
(a separate run) and one in this process (one run after another, every stand-in kept, as `run_all` and scripts
calling `concurrency` several times did). The methods alternate, so all see the same minutes of the shared
machine.

Latency is always from the moment a simulated user sends an update to the moment its reply reaches the stand-in;
no sample is left out. Besides the percentiles each run prints where its slowest 1% come from (the opening
burst: every user's /menu and /help at the same instant) and the benchmark process's own collections while the
users walked. Nothing asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
from typing import Any

from bench.run_all import concurrency, concurrency_here


def line(label: str, r: dict[str, Any]) -> str:
    return (
        f"{label}: {r['rate']:.0f}/s, p50 {r['p50'] * 1000:.0f} ms, p95 {r['p95'] * 1000:.0f} ms, "
        f"p99 {r['p99'] * 1000:.0f} ms, {r['out_of_order']} out of order, bot {r['cpu_ms']:.3f} ms CPU/update | "
        f"opening burst p99 {r['opening_p99'] * 1000:.0f} ms (max {r['opening_max'] * 1000:.0f}; /menu p99 "
        f"{r['menu_p99'] * 1000:.0f}, /help p99 {r['help_p99'] * 1000:.0f}; drained after "
        f"{r['opening_drained'] * 1000:.0f}, {r['rest_before_drained']} other updates answered by then), rest p99 "
        f"{r['rest_p99'] * 1000:.0f} ms (max {r['rest_max'] * 1000:.0f}), slowest 1%: {r['slowest_opening']} of "
        f"{r['slowest']} in the burst, {r['slowest_first_second']} sent in the first second | benchmark process: "
        f"{r['harness_full']:.0f} full collections {r['harness_full_ms']:.0f} ms (longest "
        f"{r['harness_full_max_ms']:.0f}; {r['samples_during_full']} samples waited through one, "
        f"{r['slowest_during_full']} of the slowest 1%), {r['harness_young']:.0f} young {r['harness_young_ms']:.0f} ms "
        f"(longest {r['harness_young_max_ms']:.0f})"
    )


def ranges(label: str, runs: list[dict[str, Any]]) -> str:
    def span(key: str, scale: float = 1000, fmt: str = ".0f") -> str:
        values = [r[key] * scale for r in runs]
        return f"{min(values):{fmt}}-{max(values):{fmt}}"

    p99s = sorted(r["p99"] * 1000 for r in runs)
    under = sum(1 for p in p99s if p < 500)
    return (
        f"{label}, {len(runs)} runs: {span('rate', 1)}/s, p50 {span('p50')} ms, p95 {span('p95')} ms, "
        f"p99 {', '.join(f'{p:.0f}' for p in p99s)} ms (median {statistics.median(p99s):.0f}; under 0.5 s in "
        f"{under} of {len(runs)}), out of order {span('out_of_order', 1)}, bot CPU/update {span('cpu_ms', 1, '.3f')} "
        f"ms, opening burst p99 {span('opening_p99')} ms, rest p99 {span('rest_p99')} ms"
    )


async def main(repeat: int, users: int, latency: float, old: bool) -> None:
    fresh: list[dict[str, Any]] = []
    free: list[dict[str, Any]] = []
    same: list[dict[str, Any]] = []
    for k in range(repeat):
        fresh.append(await concurrency(users, latency))
        print(line(f"run {k + 1}, new method", fresh[-1]), flush=True)
        if old:
            free.append(await concurrency(users, latency, quiet=False))
            print(line(f"run {k + 1}, old method, a separate run", free[-1]), flush=True)
            same.append(await concurrency_here(users, latency, old_method=True))
            print(line(f"run {k + 1}, old method, run {k + 1} of one process", same[-1]), flush=True)
    print(ranges("new method (each run in a fresh process, its collector quiet)", fresh))
    if old:
        print(ranges("old method, separate runs (a fresh process each, its collector free)", free))
        print(ranges("old method, one process (one run after another, its collector free)", same))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--old", action="store_true", help="alternate with runs the old way, in this process")
    parser.add_argument("--child", action="store_true", help="one run, its figures as JSON (run_all.concurrency)")
    parser.add_argument("--free", action="store_true", help="with --child: the collector free (the old method)")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(concurrency_here(args.users, args.latency, old_method=args.free))))
    else:
        asyncio.run(main(args.repeat, args.users, args.latency, args.old))
