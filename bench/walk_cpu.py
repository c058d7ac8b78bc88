"""The walk's CPU per update, repeated: the figure to watch while making the walk cheaper.

    .venv/bin/python -m bench.walk_cpu [--users 100] [--repeat 3] [--floor] [--py-spy profile.txt]

Each run is run_all's efficiency run (100 coordinators walking 附件1, gate off, no added latency): the bot in
its own process, its process CPU time divided by the updates handled. On a shared machine the rate is
noisy; CPU per update much less so. --floor runs the walk-sized floor after each walk (same screen size and
buttons). --py-spy samples the first run's bot (and floor) with py-spy, if installed (`pip install py-spy`
into .venv; it is not a dependency), into collapsed stacks, and prints where the loop's time went by part.
Nothing asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from bench import run_all
from bench.run_all import GATE_OFF, _run_walkers


def _deepest(stack: str) -> str:
    """The innermost frame of the project's own code (bot/, handlers/, storage/, messages/) in a stack."""
    for frame in reversed(stack.split(";")):
        if any(f"({top}/" in frame for top in ("bot", "handlers", "storage", "messages")):
            return frame
    return ""


# Parts of an update, by the first rule that matches a sampled stack (the event loop's own work last).
PARTS: list[tuple[str, Callable[[str], bool]]] = [
    ("threads (checkpoints; idle waits)", lambda s: "_connection_worker_thread" in s),
    ("start-up", lambda s: "run_polling" not in s),
    ("waiting in select", lambda s: s.endswith("EpollSelector.select (selectors.py:468)")),
    ("getUpdates and the inbox", lambda s: "polling_action_cb" in s or "InboxRequest" in s),
    ("inbox clean-up", lambda s: "Inbox._run" in s),
    ("HTTP out (the request class and bot/tg/wire.py)", lambda s: "ApiRequest.do_request" in s),
    ("PTB around a call (parameters, defaults, the gate)", lambda s: "Bot._post" in s or "_do_post" in s),
    (
        "screen text and buttons (the core's render, the keyboard's JSON)",
        lambda s: any(
            m in s for m in ("bot/core/render.py", "keyboard (handlers/quiet.py", "markup (handlers/adapter.py")
        ),
    ),
    ("SQL", lambda s: "storage/db.py" in s),
    (
        "walk logic",
        lambda s: any(
            m in s for m in ("bot/domain/walk/reporting.py", "bot/domain/walk/state.py", "bot/domain/walk/rules.py")
        ),
    ),
    ("storage, rows to models", lambda s: "storage/" in s),
    ("the core's flows and dispatch (bot/core)", lambda s: "(bot/core/" in _deepest(s)),
    ("the Telegram adapter (handlers/)", lambda s: "(handlers/" in _deepest(s)),
    ("handlers, other", lambda s: "handlers/" in s),
    ("PTB dispatch", lambda s: "process_update" in s),
    ("reading replies (bot/tg/wire.py, the loop's sockets)", lambda s: "bot/tg/wire.py" in s or "selector_events" in s),
    ("event loop", lambda s: True),
]


async def _spied(spy: Path | None, module: str, users: int, env: dict[str, str], bare_steps: int = 0) -> run_all.Run:
    """One _run_walkers run, the bot process sampled by py-spy into `spy` when given."""
    if spy is None:
        return await _run_walkers(module, users, 0.0, env=env, bare_steps=bare_steps)
    original = run_all.BotProcess.start
    recorder: list[asyncio.subprocess.Process] = []

    async def start(self: run_all.BotProcess) -> None:
        await original(self)
        assert self.proc is not None
        py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        recorder.append(
            await asyncio.create_subprocess_exec(
                *(py_spy, "record", "--pid", str(self.proc.pid), "--rate", "1000", "--format", "raw"),
                *("--output", str(spy)),
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
        )

    run_all.BotProcess.start = start  # type: ignore[method-assign]
    try:
        run = await _run_walkers(module, users, 0.0, env=env, bare_steps=bare_steps)
    finally:
        run_all.BotProcess.start = original  # type: ignore[method-assign]
    for proc in recorder:  # py-spy writes its file when the bot exits
        await proc.wait()
    return run


def parts(path: Path) -> list[tuple[float, str]]:
    """Each part's share of the loop's sampled work (start-up, idle threads and select left out)."""
    counts: Counter[str] = Counter()
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        counts[next(name for name, rule in PARTS if rule(stack))] += int(count)
    for left_out in ("threads (checkpoints; idle waits)", "start-up", "waiting in select"):
        counts.pop(left_out, None)
    total = sum(counts.values()) or 1
    return [(n / total, name) for name, n in counts.most_common()]


def _print_parts(label: str, path: Path) -> None:
    if path.exists():
        print(f"where {label}'s loop went (py-spy samples):")
        for share, name in parts(path):
            print(f"  {share:6.1%} {name}")


async def main(users: int, repeat: int, floor: bool, spy: Path | None) -> None:
    cpu, rates, floor_cpu, floor_rates = [], [], [], []
    for k in range(repeat):
        run = await _spied(spy if k == 0 else None, "bot", users, GATE_OFF)
        cpu.append(run.cpu_ms)
        rates.append(run.stats.rate)
        line = (
            f"walk: {run.stats.updates} updates, {run.cpu_ms:.3f} ms CPU/update, {run.stats.rate:.0f}/s, "
            f"screens {run.screen_chars:.0f} chars {run.screen_buttons:.1f} buttons"
        )
        if floor:
            env = {
                **GATE_OFF,
                "BENCH_SCREEN_CHARS": str(round(run.screen_chars)),
                "BENCH_SCREEN_BUTTONS": str(round(run.screen_buttons)),
            }
            steps = int(run.stats.updates / users) - 1
            floor_spy = spy.with_suffix(".floor.txt") if spy is not None and k == 0 else None
            sized = await _spied(floor_spy, "bench.bare_bot", users, env, steps)
            floor_cpu.append(sized.cpu_ms)
            floor_rates.append(sized.stats.rate)
            share = run.stats.rate / sized.stats.rate if sized.stats.rate else float("nan")
            line += f" | floor {sized.cpu_ms:.3f} ms, {sized.stats.rate:.0f}/s, share {share:.0%}"
        print(line, flush=True)
    print(
        f"walk CPU/update: median {statistics.median(cpu):.3f} ms, range {min(cpu):.3f}-{max(cpu):.3f}; "
        f"rate {min(rates):.0f}-{max(rates):.0f}/s"
    )
    if floor_cpu:
        print(
            f"floor CPU/update: median {statistics.median(floor_cpu):.3f} ms, range "
            f"{min(floor_cpu):.3f}-{max(floor_cpu):.3f}; rate {min(floor_rates):.0f}-{max(floor_rates):.0f}/s"
        )
    if spy is not None:
        _print_parts("the walk", spy)
        _print_parts("the floor", spy.with_suffix(".floor.txt"))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--floor", action="store_true")
    parser.add_argument("--py-spy", type=Path, default=None)
    args = parser.parse_args()
    asyncio.run(main(args.users, args.repeat, args.floor, args.py_spy))
