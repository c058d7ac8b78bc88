"""The real `xcheck run` process killed with SIGKILL right after an office command that creates something,
with Telegram re-delivering the command to the next process: nothing is created or sent twice."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

from bench.standin import StandIn
from tests.reliability.test_reliability import Process, _provision

OFFICE = 1


def _count(data: Path, sql: str) -> int:
    db = sqlite3.connect(data / "xcheck.sqlite3")
    try:
        return int(db.execute(sql).fetchone()[0])
    finally:
        db.close()


async def test_kill_9_after_questionnaire_send_tells_every_school_once(tmp_path: Path, standin: StandIn) -> None:
    await _provision(tmp_path, bystanders=20)  # 21 school coordinators
    bot = Process(standin, tmp_path)
    await bot.start()
    # Telegram never hears the confirmation: the next process gets the command again.
    standin.hold_confirmations = True
    n = len(standin.events[OFFICE])
    standin.send_text(OFFICE, "/questionnaire send")
    await standin.next_shown(OFFICE, n, timeout=30)  # the delivery report: the broadcast exists

    def notices() -> Counter[int]:
        return Counter(
            int(c.params["chat_id"]) for c in standin.calls_to("sendMessage") if "问卷" in c.params.get("text", "")
        )

    await standin.wait_for(lambda: sum(notices().values()) >= 5, timeout=30)
    await bot.kill()
    standin.hold_confirmations = False
    await bot.start()
    await standin.wait_for(lambda: any("✅ 已完成" in e.text for e in standin.events[OFFICE]), timeout=60)
    await bot.stop()
    assert _count(tmp_path, "SELECT COUNT(*) FROM broadcasts") == 1
    db = sqlite3.connect(tmp_path / "xcheck.sqlite3")
    statuses = dict(db.execute("SELECT user_id, status FROM outbox").fetchall())
    db.close()
    assert len(statuses) == 21 and set(statuses.values()) <= {"sent", "unknown"}
    got = notices()
    # Every school once: the sent ones for sure, one interrupted by the kill perhaps; nobody twice.
    assert {u for u, s in statuses.items() if s == "sent"} <= set(got) <= set(statuses)
    assert max(got.values()) == 1


async def test_kill_9_after_sample_draws_it_once(tmp_path: Path, standin: StandIn) -> None:
    await _provision(tmp_path)
    bot = Process(standin, tmp_path)
    await bot.start()
    standin.hold_confirmations = True
    n = len(standin.events[OFFICE])
    standin.send_text(OFFICE, "/sample")
    await standin.next_shown(OFFICE, n, timeout=30)
    await bot.kill()
    standin.hold_confirmations = False
    await bot.start()
    m = len(standin.events[OFFICE])
    standin.send_text(OFFICE, "/sample show")  # answered after the re-delivered command was dealt with
    await standin.next_shown(OFFICE, m, timeout=30)
    await bot.stop()
    assert _count(tmp_path, "SELECT COUNT(*) FROM samples") == 1
