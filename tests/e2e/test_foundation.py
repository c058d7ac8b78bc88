"""Settings, storage, roster, CLI, update ordering, errors and faults."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
import sqlite3
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from bench.standin import StandIn
from bot.cli import main as cli_main
from bot.config import SettingsError, load_settings
from bot.domain.people.roster import RosterImportError, export_workbook, import_workbook, seed_rows
from messages import zh
from storage import Database, roster
from tests.support.files import roster_book
from tests.support.helpers import Harness

# The annexes of the notice, shipped with the tests so the comparisons always run.
SEED = Path(__file__).resolve().parents[1] / "support" / "data" / "notice_annexes.txt"


# --- settings -----------------------------------------------------------------------------------------
def test_missing_token_stops_with_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XCHECK_BOT_TOKEN", raising=False)
    with pytest.raises(SettingsError) as err:
        load_settings(require_token=True, _env_file=None)
    assert "XCHECK_BOT_TOKEN" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("name", "value"),
    [("XCHECK_TIMEZONE", "Mars/Olympus"), ("XCHECK_ADMIN_IDS", "12,abc"), ("XCHECK_API_BASE_URL", "ftp://x")],
)
def test_malformed_setting_is_named(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        load_settings(_env_file=None)
    assert name in str(err.value) and "\n" not in str(err.value)


def test_settings_parse_admin_ids_and_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XCHECK_ADMIN_IDS", "11, 22;33")
    s = load_settings(_env_file=None)
    assert s.admin_ids == (11, 22, 33) and s.timezone == "Asia/Shanghai" and s.data_dir == Path("./data")


def test_cli_reports_bad_setting_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the caller's working directory
    monkeypatch.setenv("XCHECK_TIMEZONE", "Nowhere/Land")
    assert cli_main(["init"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "XCHECK_TIMEZONE" in err


# --- storage ------------------------------------------------------------------------------------------
async def test_migrations_run_from_an_empty_file_and_set_pragmas(tmp_path: Path) -> None:
    db = Database(tmp_path / "x.sqlite3")
    await db.connect()
    try:
        assert await db.schema_version() >= 2
        async with db.read.execute("PRAGMA journal_mode") as cur:
            assert (await cur.fetchone())[0] == "wal"  # type: ignore[index]
        async with db.read.execute("PRAGMA foreign_keys") as cur:
            assert (await cur.fetchone())[0] == 1  # type: ignore[index]
        with pytest.raises(sqlite3.IntegrityError):
            async with db.transaction() as conn:
                await conn.execute("INSERT INTO pilots (institution_id, certificate_id, scale) VALUES (999, 999, 1)")
    finally:
        await db.close()
    again = Database(tmp_path / "x.sqlite3")
    await again.connect()  # migrating an up-to-date file changes nothing
    assert await again.schema_version() >= 2
    await again.close()


async def test_old_update_ids_are_forgotten_recent_ones_kept(tmp_path: Path) -> None:
    db = Database(tmp_path / "x.sqlite3")
    await db.connect()
    try:
        for update_id, at in ((1, "2020-11-01T00:00:00+00:00"), (2, "2020-11-20T00:00:00+00:00")):
            async with db.transaction(update_id=update_id, at=at):
                pass
        assert await db.forget_applied_before("2020-11-18T00:00:00+00:00") == 1
        rows = await db.read.execute_fetchall("SELECT update_id FROM processed_updates")
        assert [r[0] for r in rows] == [2]
    finally:
        await db.close()


# --- roster -------------------------------------------------------------------------------------------
def test_seed_roster_matches_annex_3() -> None:
    rows = seed_rows()
    assert [r.seq for r in rows] == list(range(1, 190))
    kinds = [r.kind for r in rows]
    assert (kinds.count("本科"), kinds.count("高职"), kinds.count("中职")) == (16, 66, 107)
    assert rows[23].name == "安徽工商职业学院" and rows[188].name == "芜湖师范学校"
    assert next(r for r in rows if r.name == "安徽工商职业学院").city == "合肥"  # from a published list
    assert next(r for r in rows if r.name == "安徽科技贸易学校").city is None  # no source found
    assert next(r for r in rows if r.name == "巢湖学院").city == "合肥"


def test_seed_roster_names_are_exactly_those_of_the_notice() -> None:
    text = SEED.read_text(encoding="utf-8")
    listed = re.findall(r"^(\d+)\t(本科院校|高职院校|中职院校)\t(.+?)\s*$", text, re.M)
    assert [(int(n), k[:2], name) for n, k, name in listed] == [(r.seq, r.kind, r.name) for r in seed_rows()]


async def _seeded_db(tmp_path: Path) -> Database:
    db = Database(tmp_path / "r.sqlite3")
    await db.connect()
    from bot.domain.people.roster import load_seed

    await load_seed(db, at="2020-11-01T00:00:00+00:00")
    return db


async def test_roster_import_and_export_round_trip(tmp_path: Path) -> None:
    db = await _seeded_db(tmp_path)
    try:
        book = roster_book(
            tmp_path / "in.xlsx",
            [[24, "高职", "安徽工商职业学院", "合肥市"], [None, "培训评价组织", "某组织", None]],
            [["证书甲", "某组织", "安徽工商职业学院"], ["证书乙", "新组织", None]],
            [["安徽工商职业学院", "证书甲", 150], ["宿州学院", "证书乙", 30.0]],
        )
        parsed = await import_workbook(db, book, actor="test", at="t")
        assert len(parsed.pilots) == 2
        inst = await roster.find_institution(db.read, "24")
        assert inst is not None and inst.city == "合肥"
        org = await roster.find_institution(db.read, "新组织")
        assert org is not None and org.kind == "培训评价组织"
        out = tmp_path / "out.xlsx"
        await export_workbook(db, out)
        wb = load_workbook(out)
        assert wb.sheetnames == ["院校", "证书", "试点"]
        assert ["安徽工商职业学院", "证书甲", 150] in [
            list(r) for r in wb["试点"].iter_rows(min_row=2, values_only=True)
        ]
        assert wb["院校"].max_row == 1 + 189 + 2
        # The export imports again unchanged.
        again = await import_workbook(db, out, actor="test", at="t")
        assert len(again.institutions) == 191
    finally:
        await db.close()


async def test_roster_import_reports_every_bad_row_and_writes_nothing(tmp_path: Path) -> None:
    db = await _seeded_db(tmp_path)
    try:
        book = roster_book(
            tmp_path / "bad.xlsx",
            [[24, "高职", "安徽工商职业学院", "火星"], ["x", "高职", "新学校", None], [5, "大学", "某大学", None]],
            [["证书甲", "安徽工商职业学院", "不存在的学校"]],
            [["安徽工商职业学院", "证书甲", -3], ["无名学校", "证书丙", 10]],
        )
        with pytest.raises(RosterImportError) as err:
            await import_workbook(db, book, actor="test", at="t")
        text = "\n".join(err.value.errors)
        for expected in (
            "院校 第2行",
            "火星",
            "院校 第3行",
            "序号",
            "院校 第4行",
            "类型",
            "证书 第2行",
            "不是培训评价组织",
            "不存在的学校",
            "试点 第2行",
            "非负整数",
            "试点 第3行",
            "证书丙",
        ):
            assert expected in text, expected
        inst = await roster.find_institution(db.read, "24")
        assert inst is not None and inst.city == "合肥"  # as shipped, not 火星
        assert await roster.certificates(db.read) == []
    finally:
        await db.close()


def test_cli_init_invite_roster_and_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the caller's working directory
    monkeypatch.setenv("XCHECK_DATA_DIR", str(tmp_path / "d"))
    assert cli_main(["init"]) == 0
    assert "189" in capsys.readouterr().out
    assert cli_main(["invite", "coordinator", "24", "--count", "2"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and all("安徽工商职业学院" in line and "/start " in line for line in lines)
    assert cli_main(["invite", "city", "火星"]) == 2
    assert cli_main(["invite", "org", "24"]) == 2
    assert cli_main(["roster", "export", str(tmp_path / "r.xlsx")]) == 0
    assert cli_main(["roster", "import", str(tmp_path / "r.xlsx")]) == 0
    bad = roster_book(tmp_path / "bad.xlsx", [[1, "本科", "宿州学院", "纽约"]], [], [])
    capsys.readouterr()
    assert cli_main(["roster", "import", str(bad)]) == 1
    assert "院校 第2行" in capsys.readouterr().err
    capsys.readouterr()
    assert cli_main(["deadline", "report", "12月10日"]) == 0
    assert "report\t2020-12-10" in capsys.readouterr().out
    assert cli_main(["deadline", "questionnaire", "明天"]) == 2
    assert cli_main(["deadline"]) == 0
    assert "questionnaire\t2020-12-15" in capsys.readouterr().out  # the report's deadline never moves it
    assert cli_main(["backup", str(tmp_path / "copy.sqlite3")]) == 0
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    assert copy.execute("SELECT COUNT(*) FROM institutions").fetchone()[0] == 189
    copy.close()


# --- ordering and concurrency -----------------------------------------------------------------------------
async def test_one_users_updates_run_in_order_while_users_run_concurrently(harness: Harness) -> None:
    harness.standin.jitter = 0.05
    await harness.certify({"证书甲": ("某组织", "宿州学院")}, {f"{n}": [] for n in []})
    users = list(range(700, 706))
    for n, user in enumerate(users, start=1):
        await harness.bind(user, "coordinator", str(n))
    for user in users:
        shown = await harness.chat(user).say("/menu")
        shown = await harness.chat(user).tap(shown, "选择部分")
        shown = await harness.chat(user).tap(shown, "2. 健全")
        await harness.chat(user).tap(shown, "监测点 4")
    before = {u: len(harness.standin.events[u]) for u in users}
    # Every user fires a burst without waiting; out of order, "理由" would land on the wrong point.
    burst = ["否", "理由", "是", "否", "理由"]
    for text in burst:
        for user in users:
            harness.standin.send_text(user, text)
    await harness.standin.wait_for(lambda: all(len(harness.standin.events[u]) >= before[u] + len(burst) for u in users))
    for user in users:
        seen = harness.standin.events[user][before[user] :]
        headers = [re.search(r"部分 · (.+)", e.text) for e in seen]
        assert [h.group(1) if h else e.text for h, e in zip(headers, seen, strict=True)] == [
            "监测点 4 ★",
            "监测点 5",
            "监测点 6 ★",
            "监测点 6 ★",
            "监测点 7",
        ]
    assert harness.standin.max_in_flight > 1  # different users were served at the same time


# --- errors and faults -----------------------------------------------------------------------------------
async def test_a_handler_exception_is_logged_the_office_told_and_the_user_spared_details(
    harness: Harness, fail_on_logged_errors: logging.Handler
) -> None:
    async def explode(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        raise ZeroDivisionError("secret internals")

    assert harness.app is not None
    harness.app.add_handler(CommandHandler("boom", explode), group=-2)
    update_id = harness.standin.send_text(800, "/boom")
    shown = await harness.standin.next_shown(800, 0)
    assert shown.text == zh.INTERNAL_ERROR
    alert = await harness.standin.next_shown(1, 0)
    assert alert.text == zh.office_error("ZeroDivisionError", f"update {update_id}")
    records = fail_on_logged_errors.records  # type: ignore[attr-defined]
    assert any(r.name == "xcheck.errors" and r.exc_info for r in records)
    records.clear()  # this error was the point of the test


async def test_replies_survive_429_and_5xx(harness: Harness) -> None:
    harness.standin.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    harness.standin.fail("sendMessage", 502, "Bad Gateway")
    shown = await harness.chat(801).say("/start")
    assert "尚未绑定" in shown.text
    assert len(harness.standin.calls_to("sendMessage")) == 1


async def test_a_user_who_blocked_the_bot_is_not_an_error(harness: Harness) -> None:
    harness.standin.blocked.add(802)
    harness.standin.send_text(802, "/start")
    shown = await harness.chat(803).say("/start")  # the bot is still serving others
    assert "尚未绑定" in shown.text


async def test_standin_fault_injection_reaches_ptb_as_the_right_exceptions(standin: StandIn) -> None:
    from telegram import Bot
    from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

    from bot.tg.http import ApiRequest

    async with Bot(standin.token, base_url=standin.base_url, request=ApiRequest()) as bot:
        for code, exc, extra in (
            (429, RetryAfter, {"retry_after": 3}),
            (403, Forbidden, {}),
            (400, BadRequest, {}),
            (500, NetworkError, {}),
        ):
            standin.fail("sendMessage", code, f"Error {code}", **extra)
            with pytest.raises(exc):
                await bot.send_message(1, "x")
        standin.drop("sendMessage")
        with pytest.raises(NetworkError):
            await bot.send_message(1, "x")
        assert (await bot.send_message(1, "ok")).text == "ok"


# --- the real process ------------------------------------------------------------------------------------
async def test_xcheck_run_as_a_subprocess_answers_and_stops_cleanly_on_sigterm(
    tmp_path: Path, standin: StandIn
) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("XCHECK_")},
        "XCHECK_BOT_TOKEN": standin.token,
        "XCHECK_DATA_DIR": str(tmp_path / "data"),
        "XCHECK_API_BASE_URL": standin.base_url,
        "XCHECK_API_FILE_URL": standin.file_url,
        "XCHECK_ADMIN_IDS": "1",
        "XCHECK_WEB_LISTEN": "127.0.0.1:0",  # a free port: runs in parallel never collide
    }
    init = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "init", env=env, cwd=tmp_path, stdout=asyncio.subprocess.PIPE
    )
    assert await init.wait() == 0
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await standin.wait_for(lambda: bool(standin.calls_to("setMyCommands")), timeout=30)
        shown = await standin.next_shown(1, 0) if standin.send_text(1, "/invite coordinator 24") else None
        assert shown is not None and "安徽工商职业学院" in shown.text
        code = shown.text.split("start=")[1].split("<")[0]
        n = len(standin.events[900])
        standin.send_text(900, f"/start {code}")
        assert "绑定成功" in (await standin.next_shown(900, n, timeout=30)).text
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, err.decode()
    assert standin.token not in err.decode()
