"""Load harness: the stand-in in this process, the bot in its own process, simulated users here."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import re
import signal
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.standin import Shown, StandIn
from bot.domain.people.roster import load_seed
from storage import Database, people, roster
from storage.roster import CertificateRow, PilotRow, RosterRow

CLK_TCK = os.sysconf("SC_CLK_TCK")
# The benchmark process's youngest generation during a measured window: the bot's own setting (bot/tg/app.py).
HARNESS_GC_YOUNG = 50_000
# Middle collections before a full one during a measured window: never, in a run of any length.
HARNESS_GC_NO_FULL = 1_000_000


@dataclass
class HarnessGC:
    """The benchmark process's own collections during a measured window: while one runs, this process (the
    simulated users and the Bot API stand-in) stops, so no reply is recorded and no call of the bot's is
    answered. Pauses in seconds."""

    young: list[float] = field(default_factory=list)  # generations 0 and 1: how long each took
    full: list[tuple[float, float]] = field(default_factory=list)  # generation 2: when each began and ended

    def figures(self, stats: Stats | None = None) -> dict[str, float]:
        """Counts and pauses in ms; with the run's stats, also how many samples (and how many of the slowest
        1%) were waiting for their reply while a full collection ran."""
        pauses = [end - start for start, end in self.full]
        out = {
            "harness_young": len(self.young),
            "harness_young_ms": 1000 * sum(self.young),
            "harness_young_max_ms": 1000 * max(self.young, default=0.0),
            "harness_full": len(pauses),
            "harness_full_ms": 1000 * sum(pauses),
            "harness_full_max_ms": 1000 * max(pauses, default=0.0),
        }
        if stats is not None:
            p99 = stats.pct(99)
            during = [
                any(start < sent + latency and sent < end for start, end in self.full)
                for sent, latency in zip(stats.sent, stats.latencies, strict=True)
            ]
            out["samples_during_full"] = sum(during)
            out["slowest_during_full"] = sum(1 for x, d in zip(stats.latencies, during, strict=True) if d and x >= p99)
        return out


@contextlib.contextmanager
def measured_window(*, quiet: bool = True) -> Iterator[HarnessGC]:
    """Around the measured part of a run (users walking), in the benchmark process. quiet: what is alive now
    (the provisioning's leftovers, modules, earlier runs' garbage) is collected and frozen, young collections
    run at the bot's threshold and no full collection runs until the window ends, so the harness's own
    stop-the-world pauses stay out of the latencies (a 300-coordinator run made six, 170-200 ms each in a fresh
    process, growing to 500-800 ms by the fourth or fifth run in one process); nothing else changes, and every
    sample still runs from the user's send to the reply's arrival. Collections in the window are recorded either
    way. Cyclic garbage made in the window waits for its end (the process peaks near 220 MB either way)."""
    log = HarnessGC()
    started = 0.0

    def record(phase: str, info: dict[str, int]) -> None:
        nonlocal started
        if phase == "start":
            started = time.monotonic()  # the clock of the samples
        elif info["generation"] == 2:
            log.full.append((started, time.monotonic()))
        else:
            log.young.append(time.monotonic() - started)

    thresholds = gc.get_threshold()
    if quiet:
        gc.collect()
        gc.freeze()
        gc.set_threshold(HARNESS_GC_YOUNG, thresholds[1], HARNESS_GC_NO_FULL)
    gc.callbacks.append(record)
    try:
        yield log
    finally:
        gc.callbacks.remove(record)
        if quiet:
            gc.set_threshold(*thresholds)
            gc.unfreeze()
            gc.collect()


class BotProcess:
    def __init__(self, module: str, standin: StandIn, data_dir: Path, **env: str) -> None:
        self.module = module
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("XCHECK_")},
            "XCHECK_BOT_TOKEN": standin.token,
            "XCHECK_DATA_DIR": str(data_dir),
            "XCHECK_API_BASE_URL": standin.base_url,
            "XCHECK_API_FILE_URL": standin.file_url,
            "XCHECK_ADMIN_IDS": "1",
            "XCHECK_WEB_LISTEN": "127.0.0.1:0",  # a free port: runs in parallel never collide
            # Far ahead, so no reminder or digest falls due during a run on the real clock.
            "XCHECK_DEADLINE": "2099-12-15",
            "XCHECK_DAILY_DIGEST": "false",
            **env,
        }
        self.proc: asyncio.subprocess.Process | None = None
        self.started = 0.0

    async def start(self) -> None:
        self.started = time.monotonic()
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            self.module,
            "run" if self.module == "bot" else "",
            env=self.env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )

    def _stat(self) -> tuple[float, int, int]:
        assert self.proc is not None
        with open(f"/proc/{self.proc.pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / CLK_TCK
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        hwm = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        return cpu, rss, hwm

    def cpu_seconds(self) -> float:
        return self._stat()[0]

    def rss_mb(self) -> float:
        return self._stat()[1] / 1024

    def peak_mb(self) -> float:
        return self._stat()[2] / 1024

    async def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        self.proc.send_signal(sig)
        try:
            await asyncio.wait_for(self.proc.wait(), 30)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()


async def provision(data_dir: Path, users: int, *, bystanders: int = 0) -> tuple[list[int], list[int]]:
    """A seeded database with `users` coordinators bound one per reporting unit (the 189 institutions, then
    organizations), each institution piloting two certificates; plus `bystanders` extra coordinators who
    only receive broadcasts. Returns (walkers, bystanders) user ids."""
    db = Database(data_dir / "xcheck.sqlite3")
    await db.connect()
    await load_seed(db, at="t")
    schools = [i for i in await roster.institutions(db.read) if i.kind != "培训评价组织"]
    orgs_needed = max(0, users - len(schools))
    certs = [
        CertificateRow(f"证书{n:03d}", f"培训评价组织{n:03d}", schools[n % len(schools)].name)
        for n in range(max(orgs_needed, 20))
    ]
    pilots = [
        PilotRow(s.name, certs[(k * 7 + j) % len(certs)].name, 100 + (k % 150))
        for k, s in enumerate(schools)
        for j in range(2)
    ]
    async with db.transaction() as conn:
        await roster.upsert_institutions(conn, [RosterRow(None, "培训评价组织", c.org_name or "", None) for c in certs])
        await roster.replace_certificates(conn, certs, pilots)
    units = [i.id for i in schools] + [i.id for i in await roster.institutions(db.read, kind="培训评价组织")][
        :orgs_needed
    ]
    walkers, extra = [], []
    async with db.transaction() as conn:
        for n, inst_id in enumerate(units[:users]):
            uid = 10_000 + n
            role = "coordinator" if n < len(schools) else "org"
            await people.bind(
                conn, user_id=uid, name=f"联络人{n}", role=role, institution_id=inst_id, city=None, chat_id=uid, at="t"
            )
            walkers.append(uid)
        for n in range(bystanders):
            uid = 50_000 + n
            await people.bind(
                conn,
                user_id=uid,
                name=f"旁观{n}",
                role="coordinator",
                institution_id=schools[n % len(schools)].id,
                city=None,
                chat_id=uid,
                at="t",
            )
            extra.append(uid)
    await db.close()
    return walkers, extra


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    sent: list[float] = field(default_factory=list)  # when each sample's update was sent (monotonic), beside latencies
    opening: list[int] = field(default_factory=list)  # which samples are the opening burst's (/menu and /help)
    updates: int = 0
    out_of_order: int = 0
    first: float = 0.0
    last: float = 0.0

    def pct(self, p: float) -> float:
        return _pct(self.latencies, p)

    @property
    def rate(self) -> float:
        return self.updates / (self.last - self.first) if self.last > self.first else 0.0


# Notices a simulated user receives that are not replies to what they did (a broadcast): skipped.
NOTICES: set[str] = set()


async def _reply(standin: StandIn, uid: int, n: int) -> tuple[Shown, int]:
    """The first event at or after position n that is a reply, and its position."""
    while True:
        shown = await standin.next_shown(uid, n, timeout=120)
        if shown.text not in NOTICES:
            return shown, n
        n += 1


async def _step(standin: StandIn, uid: int, stats: Stats, send: object) -> Shown:
    n = len(standin.events[uid])
    start = time.monotonic()
    send()  # type: ignore[operator]
    shown, at = await _reply(standin, uid, n)
    stats.latencies.append(standin.shown_at[uid][at] - start)
    stats.sent.append(start)
    stats.updates += 1
    stats.last = max(stats.last, standin.shown_at[uid][at])
    return shown


def decide(shown: Shown) -> tuple[str, str] | None:
    """What a coordinator does on this screen: ("text", ...) or ("press", data); None when finished."""
    text = shown.text
    labels = {label: data for label, data in shown.buttons}
    if "全部项目均已填写" in text or ("还有" in text and "项未完成" in text):
        return None
    if "稍后上传 ▶" in labels:  # a point that needs evidence asks for the file; the load brings none
        return "press", labels["稍后上传 ▶"]
    if "仍要保存" in text:
        return "press", labels["仍然保存"]
    if "请核对" in text:
        return "press", labels["✅ 确认无误"]
    if "您选择了" in text:
        return "text", "已按要求落实，详见佐证材料。"
    if "是" in labels:
        return "press", labels["是"]
    choice = next((data for label, data in shown.buttons if label.startswith("1. ")), None)
    if choice:
        return "press", choice
    point = re.search(r"监测点 (\d+)", text)
    base = 300 - 8 * int(point.group(1)) if point else 100
    if "请依次发送" in text:
        count = text.split("请依次发送")[1].split("，用空格")[0].count("、") + 1
        return "text", " ".join(str(base - i) for i in range(count))
    if "0–100" in text:
        return "text", "80"
    if "整数" in text:
        return "text", str(base)
    if "请发送文字" in text:
        return "text", "本部分已按提纲开展工作，取得阶段性成效。"
    return None


async def walk(standin: StandIn, uid: int, stats: Stats, max_steps: int | None = None) -> None:
    """One coordinator: the menu and help in a burst (their replies must come back in that order), then the
    whole outline (or its first max_steps screens), answering each screen as soon as it arrives."""
    n = len(standin.events[uid])
    start = time.monotonic()
    standin.send_text(uid, "/menu")
    standin.send_text(uid, "/help")
    first, at = await _reply(standin, uid, n)
    second, at2 = await _reply(standin, uid, at + 1)
    for k in (at, at2):
        stats.opening.append(len(stats.latencies))
        stats.latencies.append(standin.shown_at[uid][k] - start)
        stats.sent.append(start)
    stats.updates += 2
    if "自查报告" not in first.text or "/cancel" not in second.text:
        stats.out_of_order += 1
    shown = await _step(standin, uid, stats, lambda: standin.press(uid, first, first.button("继续填报")))
    steps = 0
    while (action := decide(shown)) is not None and (max_steps is None or steps < max_steps):
        steps += 1
        kind, value = action
        if kind == "press":
            shown = await _step(standin, uid, stats, lambda s=shown, v=value: standin.press(uid, s, v))
        else:
            shown = await _step(standin, uid, stats, lambda v=value: standin.send_text(uid, v))


async def bare_walk(standin: StandIn, uid: int, stats: Stats, steps: int) -> None:
    """The floor's user: the same mix of texts and button presses, one at a time."""
    shown = await _step(standin, uid, stats, lambda: standin.send_text(uid, "/menu"))
    for k in range(steps):
        if k % 2 == 0:
            shown = await _step(standin, uid, stats, lambda s=shown: standin.press(uid, s, "y"))
        else:
            shown = await _step(standin, uid, stats, lambda: standin.send_text(uid, "120"))


async def wait_ready(standin: StandIn, limit: float = 60) -> None:
    await standin.wait_for(lambda: standin.polls > 0, timeout=limit)
    await asyncio.sleep(0.3)  # let the first long poll settle


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")


def tail(stats: Stats) -> dict[str, float]:
    """Where the slowest 1% of samples come from: the opening burst (every user's /menu and /help, sent at
    the same instant; /help's reply must wait for /menu's) against the rest of the walk, and how many of the
    slowest 1% were sent in the run's first second. Every sample counts; this only sorts them."""
    opening = set(stats.opening)
    burst = [stats.latencies[i] for i in sorted(opening)]
    menus = [stats.latencies[i] for i in stats.opening[0::2]]  # walk() records each user's /menu, then /help
    helps = [stats.latencies[i] for i in stats.opening[1::2]]
    drained = max((stats.sent[i] + stats.latencies[i] for i in opening), default=stats.first)
    rest = [x for i, x in enumerate(stats.latencies) if i not in opening]
    p99 = stats.pct(99)
    slowest = [i for i, x in enumerate(stats.latencies) if x >= p99]
    return {
        "opening_samples": len(burst),
        "opening_p50": _pct(burst, 50),
        "opening_p99": _pct(burst, 99),
        "opening_max": max(burst, default=float("nan")),
        "menu_p99": _pct(menus, 99),
        "help_p99": _pct(helps, 99),
        # from the first send to the burst's last reply, and how many other updates were answered meanwhile
        "opening_drained": drained - stats.first,
        "rest_before_drained": sum(
            1 for i, x in enumerate(stats.latencies) if i not in opening and stats.sent[i] + x <= drained
        ),
        "rest_p99": _pct(rest, 99),
        "rest_max": max(rest, default=float("nan")),
        "slowest": len(slowest),
        "slowest_opening": sum(1 for i in slowest if i in opening),
        "slowest_first_second": sum(1 for i in slowest if stats.sent[i] - stats.first < 1.0),
    }


def summary(stats: Stats) -> dict[str, float]:
    return {
        "updates": stats.updates,
        "rate": stats.rate,
        "p50": stats.pct(50),
        "p95": stats.pct(95),
        "p99": stats.pct(99),
        "mean": statistics.fmean(stats.latencies) if stats.latencies else float("nan"),
    }
