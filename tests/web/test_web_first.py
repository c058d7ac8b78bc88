"""`xcheck run` with a bot token serves the web channel before Telegram answers (integration): where
Telegram is blocked the coordinators still work on the web while the bot keeps retrying, and SIGTERM stops
both cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp

from bench.standin import StandIn
from messages import integration as text
from messages import web as web_text

SECRET = "987654321:AAHsecretSECRETsecretSECRETsecret12"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_the_web_serves_while_telegram_is_retried_and_sigterm_stops_both(tmp_path: Path) -> None:
    web_port, closed = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XCHECK_")}
    env |= {
        "XCHECK_BOT_TOKEN": SECRET,
        "XCHECK_ADMIN_IDS": "1",
        "XCHECK_DATA_DIR": str(tmp_path / "d"),
        "XCHECK_API_BASE_URL": f"http://127.0.0.1:{closed}/bot",
        "XCHECK_WEB_LISTEN": f"127.0.0.1:{web_port}",
    }
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
        assert proc.stdout is not None and proc.stderr is not None
        started = await asyncio.wait_for(proc.stdout.readline(), 60)
        assert started.decode() == text.web_started_with_bot(f"http://127.0.0.1:{web_port}") + "\n"
        # Telegram is being retried (one line per attempt), and meanwhile the web answers.
        lines = [await asyncio.wait_for(proc.stderr.readline(), 60)]
        while not lines[-1].startswith("无法连接 Telegram".encode()):
            lines.append(await asyncio.wait_for(proc.stderr.readline(), 60))
        assert lines[-1].decode().startswith("无法连接 Telegram（Telegram unreachable）：无法连接 (cannot connect)")
        assert lines[0].decode().endswith(f"INFO xcheck.web: web channel listening on 127.0.0.1:{web_port}\n")
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{web_port}/") as response:
            page = await response.text()
        assert response.status == 401 and web_text.NEED_SIGNIN in page
        assert proc.returncode is None
        proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(proc.communicate(), 30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0
    rest = (b"".join(lines) + out + err).decode()
    assert "Traceback" not in rest and "Unclosed" not in rest and SECRET not in rest
    with socket.socket() as s:  # the port is free again: the web channel was stopped
        s.bind(("127.0.0.1", web_port))


async def test_when_telegram_answers_later_the_bot_polls_beside_the_same_web_channel(
    tmp_path: Path, standin: StandIn
) -> None:
    standin.fail("getMe", 502, "Bad Gateway", times=1)  # the first attempt fails; the retry gets through
    web_port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XCHECK_")}
    env |= {
        "XCHECK_BOT_TOKEN": standin.token,
        "XCHECK_ADMIN_IDS": "1",
        "XCHECK_DATA_DIR": str(tmp_path / "d"),
        "XCHECK_API_BASE_URL": standin.base_url,
        "XCHECK_API_FILE_URL": standin.file_url,
        "XCHECK_WEB_LISTEN": f"127.0.0.1:{web_port}",
        "XCHECK_DAILY_DIGEST": "false",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        await standin.wait_for(lambda: standin.polls > 0, timeout=60)
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{web_port}/") as response:
            assert response.status == 401
        proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(proc.communicate(), 30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0
    said = (out + err).decode()
    assert said.count("无法连接 Telegram") == 1 and "已连接 Telegram，机器人 @xcheck_test_bot" in said, said
    assert said.count("web channel listening") == 1  # one web channel: post_init did not start a second
    assert "Traceback" not in said and "Unclosed" not in said
