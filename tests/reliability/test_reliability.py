"""The real `xcheck run` process killed with SIGKILL mid-walk, mid-upload and mid-broadcast, faults from the
stand-in, and backups taken while it runs. After each restart nothing is lost and nothing happens twice."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import sqlite3
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import ClassVar

import pytest

from bench.standin import Shown, StandIn
from bot.domain.people.roster import load_seed
from storage import Database, cursors, people, reports
from storage import evidence as evidence_store
from storage.roster import CertificateRow, PilotRow, RosterRow
from tests.support import files

SCHOOL_ID = 24


class Process:
    """`python -m bot run` against the stand-in, killed the hard way when a test says so."""

    running: ClassVar[list[Process]] = []

    def __init__(self, standin: StandIn, data: Path, **env: str) -> None:
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("XCHECK_")},
            "XCHECK_BOT_TOKEN": standin.token,
            "XCHECK_DATA_DIR": str(data),
            "XCHECK_API_BASE_URL": standin.base_url,
            "XCHECK_API_FILE_URL": standin.file_url,
            "XCHECK_ADMIN_IDS": "1",
            "XCHECK_WEB_LISTEN": "127.0.0.1:0",  # a free port: runs in parallel never collide
            "XCHECK_DEADLINE": "2099-12-15",
            "XCHECK_DAILY_DIGEST": "false",
            **env,
        }
        self.standin = standin
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        polls = self.standin.polls
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=self.env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        Process.running.append(self)
        await self.standin.wait_for(lambda: self.standin.polls > polls, timeout=60)

    async def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()

    async def stop(self) -> str:
        if self.proc is None or self.proc.returncode is not None:
            return ""
        self.proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(self.proc.communicate(), 30)
        return err.decode()


@pytest.fixture(autouse=True)
async def no_process_outlives_its_test() -> AsyncIterator[None]:
    yield
    while Process.running:
        found = Process.running.pop()
        if found.proc is not None and found.proc.returncode is None:
            found.proc.kill()
            await found.proc.wait()


async def _provision(data: Path, *, coordinators: int = 1, bystanders: int = 0) -> None:
    db = Database(data / "xcheck.sqlite3")
    await db.connect()
    await load_seed(db, at="t")
    async with db.transaction() as conn:
        from storage import roster

        await roster.upsert_institutions(conn, [RosterRow(None, "培训评价组织", "某组织", None)])
        await roster.replace_certificates(
            conn, [CertificateRow("证书甲", "某组织", None)], [PilotRow("安徽工商职业学院", "证书甲", 100)]
        )
        for n in range(coordinators):
            await people.bind(
                conn,
                user_id=600 + n,
                name="联络人",
                role="coordinator",
                institution_id=SCHOOL_ID + n,
                city=None,
                chat_id=600 + n,
                at="t",
            )
        for n in range(bystanders):
            await people.bind(
                conn,
                user_id=5000 + n,
                name=f"旁观{n}",
                role="coordinator",
                institution_id=1 + n % 189,
                city=None,
                chat_id=5000 + n,
                at="t",
            )
        report = await reports.ensure(
            conn, institution_id=SCHOOL_ID, certificate_id=None, outline="institution", at="t"
        )
        await cursors.put(conn, user_id=600, report_id=report.id, item="p4", at="t")
    await db.close()


async def _answers(data: Path) -> tuple[dict[str, object], str | None]:
    db = Database(data / "xcheck.sqlite3")
    await db.connect()
    try:
        found = await reports.answers(db.read, 1)
        cursor = await cursors.get(db.read, 600)
        return found, cursor.item if cursor else None
    finally:
        await db.close()


async def _settled(data: Path, limit: float = 30.0) -> tuple[dict[str, object], str | None]:
    """The answers and cursor once they are the expected ones, or whatever they are when the time is up."""
    deadline = asyncio.get_running_loop().time() + limit
    while True:
        found = await _answers(data)
        # The last step moves only the cursor (稍后上传 on ★8), so both must have settled.
        if (found[0] == EXPECTED and found[1] == "p9") or asyncio.get_running_loop().time() > deadline:
            return found
        await asyncio.sleep(0.2)


# The burst a coordinator at point 4 sends without waiting: out of order or twice, it would land elsewhere.
BURST = [
    ("text", "否"),
    ("text", "正在筹建"),
    ("press", "w:1:p5:skip:"),
    ("text", "是"),
    ("press", "w:1:p6:on:"),  # ★6 asks for its evidence: 稍后上传
    ("text", "80"),
    ("text", "第二部分做法"),
    ("text", "第二部分问题"),
    ("press", "w:1:p8:yn:1"),
    ("press", "w:1:p8:on:"),
]
EXPECTED = {
    "p4": {"yes": False, "note": "正在筹建"},
    "p5": {"skipped": True},
    "p6": {"yes": True, "note": None},
    "p7": {"n": 80},
    "s2.practice": {"text": "第二部分做法"},
    "s2.problems": {"text": "第二部分问题"},
    "p8": {"yes": True, "note": None},
}
ANCHOR = Shown(1, 600, "", None)


def _send(standin: StandIn, action: tuple[str, str]) -> None:
    kind, value = action
    if kind == "text":
        standin.send_text(600, value)
    else:
        standin.press(600, standin.place(ANCHOR), value)


@pytest.mark.parametrize(("kill_after", "withhold"), [(1, False), (3, False), (5, True), (7, True)])
async def test_kill_9_mid_walk_loses_nothing_and_applies_nothing_twice(
    tmp_path: Path, standin: StandIn, kill_after: int, withhold: bool
) -> None:
    await _provision(tmp_path)
    bot = Process(standin, tmp_path)
    await bot.start()
    for action in BURST:
        _send(standin, action)
    await standin.wait_for(lambda: len(standin.events[600]) >= kill_after, timeout=30)
    # Withheld: Telegram never heard the confirmation, so every update comes again to the next process.
    standin.hold_confirmations = withhold
    await bot.kill()
    standin.hold_confirmations = False
    await bot.start()
    # Wait on the data, not on replies: an update committed just before the kill gets no second reply.
    answers, cursor = await _settled(tmp_path)
    err = await bot.stop()
    assert answers == EXPECTED, err
    assert cursor == "p9"  # one skip moved one point; every answer landed once, in order
    assert "Traceback" not in err


async def test_kill_9_mid_upload_leaves_no_partial_file_and_stores_once(tmp_path: Path, standin: StandIn) -> None:
    await _provision(tmp_path)
    standin.download_delay = 3.0
    bot = Process(standin, tmp_path)
    await bot.start()
    standin.send_document(600, files.pdf("crash"), "方案.pdf", "application/pdf")
    await standin.wait_for(lambda: bool(standin.calls_to("getFile")), timeout=30)
    await bot.kill()  # while the file is being downloaded
    standin.download_delay = 0.0
    await bot.start()
    await standin.wait_for(lambda: any("的佐证材料：" in e.text for e in standin.events[600]), timeout=30)
    await bot.stop()
    db = Database(tmp_path / "xcheck.sqlite3")
    await db.connect()
    rows = await evidence_store.of_report(db.read, 1)
    await db.close()
    assert len(rows) == 1
    assert not list((tmp_path / "evidence").rglob("*.part"))
    assert len([p for p in (tmp_path / "evidence").rglob("*") if p.is_file()]) == 1


async def test_kill_9_mid_broadcast_sends_nobody_twice(tmp_path: Path, standin: StandIn) -> None:
    await _provision(tmp_path, bystanders=150)
    standin.latency = 0.01
    bot = Process(standin, tmp_path)
    await bot.start()
    office = 1
    n = len(standin.events[office])
    standin.send_text(office, "/broadcast")
    await standin.next_shown(office, n, timeout=30)
    standin.send_text(office, "断电测试通知")
    pick = await standin.next_shown(office, n + 1, timeout=30)
    standin.press(office, pick, pick.button("全部联络人"))
    preview = await standin.next_shown(office, n + 2, timeout=30)
    standin.press(office, preview, preview.button("确认发送"))

    def received() -> Counter[int]:
        return Counter(
            int(c.params["chat_id"]) for c in standin.calls_to("sendMessage") if c.params.get("text") == "断电测试通知"
        )

    await standin.wait_for(lambda: sum(received().values()) >= 30, timeout=60)
    await bot.kill()
    sent_before = sum(received().values())
    assert sent_before < 151
    await bot.start()
    await standin.wait_for(lambda: any("✅ 已完成" in e.text for e in standin.events[office]), timeout=60)
    await bot.stop()
    got = received()
    assert max(got.values()) == 1  # never twice
    db = sqlite3.connect(tmp_path / "xcheck.sqlite3")
    statuses = Counter(s for (s,) in db.execute("SELECT status FROM outbox"))
    db.close()
    assert statuses["sent"] + statuses["unknown"] == 151 and statuses["unknown"] <= 1
    assert len(got) >= statuses["sent"]


async def test_chaos_during_a_walk_loses_no_answer(tmp_path: Path, standin: StandIn) -> None:
    """5xx, 429, dropped connections and calls slower than the bot's timeout, at random, on every call
    but getUpdates. The coordinator goes on as a person would: if no reply comes, ask for the menu again."""
    await _provision(tmp_path)
    standin.chaos = 0.15
    standin.chaos_slow = 1.5
    bot = Process(standin, tmp_path, XCHECK_API_TIMEOUT="1")
    await bot.start()
    for action in BURST:
        before = len(standin.events[600])
        _send(standin, action)
        # A reply may be lost to a fault; like a person, the user goes on with the next answer.
        with contextlib.suppress(TimeoutError):
            await standin.wait_for(lambda b=before: len(standin.events[600]) > b, timeout=8)
    standin.chaos = 0.0
    answers, _ = await _settled(tmp_path)
    err = await bot.stop()
    assert answers == EXPECTED, (standin.chaos_seen, err[-2000:])
    assert standin.chaos_seen, "the stand-in injected no fault"
    # Telegram's faults are warnings, never errors: nothing in the bot itself broke.
    assert " ERROR " not in err, err[-3000:]


def _copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, dirs_exist_ok=True)


def _lose_everything(data: Path) -> None:
    for path in data.iterdir():
        if path.name != "backup":
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def _restore(backup: Path, live: Path) -> None:
    live.write_bytes(backup.read_bytes())
    for side in ("-wal", "-shm"):
        Path(str(live) + side).unlink(missing_ok=True)


async def test_backup_while_running_and_restore(tmp_path: Path, standin: StandIn) -> None:
    await _provision(tmp_path)
    bot = Process(standin, tmp_path)
    await bot.start()
    for action in BURST[:2]:
        _send(standin, action)
    await standin.wait_for(lambda: len(standin.events[600]) >= 2, timeout=30)
    standin.send_document(600, files.pdf("kept"), "方案.pdf", "application/pdf")
    await standin.wait_for(lambda: any("的佐证材料：" in e.text for e in standin.events[600]), timeout=30)
    backup = tmp_path / "backup" / "copy.sqlite3"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "backup", str(backup), env=bot.env, stdout=asyncio.subprocess.PIPE
    )
    assert await proc.wait() == 0
    _copy_tree(tmp_path / "evidence", tmp_path / "backup" / "evidence")  # as the README says: a plain copy
    for action in BURST[2:]:
        _send(standin, action)
    await standin.wait_for(
        lambda: len([e for e in standin.events[600] if "的佐证材料：" not in e.text]) >= len(BURST), timeout=30
    )
    await bot.stop()
    copy = sqlite3.connect(backup)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    items = {i for (i,) in copy.execute("SELECT item FROM answers")}
    copy.close()
    assert items == {"p4"}  # the state at the moment of the backup
    # Restore as the README says: stop, copy over, drop the WAL side files, start.
    _lose_everything(tmp_path)
    _restore(backup, tmp_path / "xcheck.sqlite3")
    _copy_tree(tmp_path / "backup" / "evidence", tmp_path / "evidence")
    answers, _ = await _answers(tmp_path)
    assert set(answers) == {"p4"}
    await bot.start()
    n = len(standin.events[600])
    standin.send_text(600, "/menu")
    menu = await standin.next_shown(600, n, timeout=30)
    assert "安徽工商职业学院" in menu.text
    # The restored evidence is served again: a reader asks for a copy and gets the same bytes.
    # Telegram's file_id is refused, so the copy must come from the restored evidence folder.
    standin.fail("sendDocument", 400, "Bad Request: wrong file identifier")
    before = len(standin.calls_to("sendDocument"))
    standin.press(1, menu, "r:1:file:1")
    await standin.wait_for(lambda: len(standin.calls_to("sendDocument")) > before, timeout=30)
    sent = standin.calls_to("sendDocument")[before:]
    assert [c.files.get("document") for c in sent] == [("方案.pdf", files.pdf("kept"))], [c.params for c in sent]
    await bot.stop()
