"""The web walk under load: N coordinators at once, each signing in and walking a whole outline in a browser's
requests (GET a section, POST it, follow the redirect), uploading one file, reviewing and submitting.

    .venv/bin/python -m bench.web_bench [--users 300]

The web channel runs as its own process (`xcheck run` without a token); the simulated browsers run here.
Prints requests per second and latency percentiles. Nothing asserts: the figures are for people to read.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from bench.load import provision
from bot.domain.outlines import load_outlines
from bot.domain.outlines.loader import LaidOut
from bot.domain.outlines.models import LEVELS, Choice, Number, Numbers, YesNo
from bot.domain.people import signin
from storage import Database, people

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_ROWS = re.compile(r'name="p\d+\.(c\d+)\.')
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    failed: list[str] = field(default_factory=list)

    def pct(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")


def form_for(laid: LaidOut, rows: list[str], section_no: int) -> dict[str, str]:
    """Valid answers for every item of a section (warnings confirmed)."""
    out: dict[str, str] = {}
    for item in laid.section_items(section_no):
        if item.narrative is not None:
            out[item.key] = f"{item.narrative.label}：网页填写。"
            continue
        assert item.point is not None
        answer = item.point.answer
        if isinstance(answer, YesNo):
            out[item.key] = "1" if answer.flavour == "practice" else "0"
        elif isinstance(answer, Choice):
            out[item.key] = "0"
        elif isinstance(answer, Number):
            out[item.key] = str(answer.max)
        elif isinstance(answer, Numbers):
            keys = rows if answer.rows == "certificates" else (list(LEVELS) if answer.rows == "levels" else ["_"])
            base = 300 - 5 * item.index
            for n, row in enumerate(keys):
                for i, f in enumerate(answer.fields):
                    out[f"{item.key}.{row}.{f.id}"] = str(base - i - n)
            out[f"{item.key}.ok"] = "1"
        else:
            out[item.key] = "网页填写"
    return out


class Browser:
    def __init__(self, base: str, stats: Stats) -> None:
        self.base = base
        self.stats = stats
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.page = ""
        self.url = ""

    async def request(self, method: str, path: str, **kw: object) -> str:
        t0 = time.monotonic()
        async with self.session.request(method, self.base + path, **kw) as resp:  # type: ignore[arg-type]
            self.page = await resp.text()
            self.url = str(resp.url)
            if resp.status >= 400:
                self.stats.errors += 1
                self.stats.failed.append(f"{method} {path} {resp.status}")
        # A redirect followed counts as the requests it took, each with its share of the time.
        hops = 1 + len(resp.history)
        self.stats.latencies.extend([(time.monotonic() - t0) / hops] * hops)
        return self.page

    @property
    def csrf(self) -> str:
        found = _CSRF.findall(self.page)
        return found[-1] if found else ""


async def walker(base: str, code: str, laid_by_outline: dict[str, LaidOut], stats: Stats) -> None:
    b = Browser(base, stats)
    try:
        await b.request("GET", f"/w/{code}")
        await b.request("POST", f"/w/{code}", data={"csrf": b.csrf})
        found = re.search(r"/r/(\d+)", b.url) or re.search(r'href="/r/(\d+)"', b.page)
        if found is None:
            stats.errors += 1
            return
        rid = found.group(1)
        first = await b.request("GET", f"/r/{rid}/s/1")
        laid = laid_by_outline["institution" if "/s/10" in await b.request("GET", f"/r/{rid}") else "training_org"]
        rows = sorted(set(_ROWS.findall(first)))
        for no in range(1, len(laid.sections) + 1):
            await b.request("GET", f"/r/{rid}/s/{no}")
            await b.request("POST", f"/r/{rid}/s/{no}", data={"csrf": b.csrf, **form_for(laid, rows, no)})
        await b.request("GET", f"/r/{rid}/s/1")
        data = aiohttp.FormData()
        data.add_field("csrf", b.csrf)
        data.add_field("file", PDF + code.encode(), filename="证明.pdf", content_type="application/pdf")
        await b.request("POST", f"/r/{rid}/e/{laid.items[0].key}", data=data)
        await b.request("GET", f"/r/{rid}/review")
    finally:
        await b.session.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def run(users: int) -> dict[str, Any]:
    """The web walk for `users` coordinators at once: requests, seconds, rate, latency percentiles, server CPU."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        walkers, _ = await provision(data, users)
        db = Database(data / "xcheck.sqlite3")
        await db.connect()
        now = datetime.now(UTC)
        codes = []
        for uid in walkers:
            who = await people.get(db.read, uid)
            assert who is not None
            codes.append(await signin.issue_link(db, who, "web", now=now))
        await db.close()
        port = free_port()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("XCHECK_")},
            "XCHECK_DATA_DIR": str(data),
            "XCHECK_WEB_LISTEN": f"127.0.0.1:{port}",
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            assert proc.stdout is not None
            while b"/start/" not in await proc.stdout.readline():
                pass
            outlines = load_outlines(year=2020)
            laid = {"institution": outlines.institution, "training_org": outlines.training_org}
            stats = Stats()
            t0 = time.monotonic()
            await asyncio.gather(*(walker(f"http://127.0.0.1:{port}", c, laid, stats) for c in codes))
            elapsed = time.monotonic() - t0
            with open(f"/proc/{proc.pid}/stat") as fh:  # noqa: ASYNC230 - procfs, instant
                fields = fh.read().rsplit(")", 1)[1].split()
            server_cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        finally:
            proc.terminate()
            await proc.wait()
    n = len(stats.latencies)
    return {
        "users": users,
        "requests": n,
        "seconds": elapsed,
        "rate": n / elapsed if elapsed else float("nan"),
        "server_cpu_s": server_cpu,
        "per_cpu_s": n / server_cpu if server_cpu else float("nan"),
        "p50": stats.pct(50),
        "p95": stats.pct(95),
        "p99": stats.pct(99),
        "mean": statistics.fmean(stats.latencies) if stats.latencies else float("nan"),
        "errors": stats.errors,
        "failed": sorted(set(stats.failed))[:5],
    }


async def main(users: int) -> None:
    r = await run(users)
    print(f"web walk: {users} coordinators at once, {r['requests']} requests in {r['seconds']:.1f} s")
    print(f"  requests/s {r['rate']:.0f} (client and server share the machine)")
    print(f"  server CPU {r['server_cpu_s']:.1f} s: {r['per_cpu_s']:.0f} requests per CPU second")
    print(
        f"  latency ms: p50 {r['p50'] * 1000:.0f}, p95 {r['p95'] * 1000:.0f}, "
        f"p99 {r['p99'] * 1000:.0f}, mean {r['mean'] * 1000:.0f}"
    )
    print(f"  errors (4xx/5xx answers) {r['errors']}: {r['failed']}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=300)
    asyncio.run(main(parser.parse_args().users))
