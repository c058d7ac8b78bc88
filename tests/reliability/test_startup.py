"""Start-up where Telegram is hard to reach (issue 15): proxies for every outgoing connection, one line per
failed attempt with what to check, backoff instead of exiting, no traceback, and never the token."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram.error import InvalidToken

from bench.standin import StandIn
from bot.clock import FrozenClock
from bot.tg.app import RedactToken
from bot.tg.http import redact, resolve_proxy
from bot.tg.startup import backoff, first_office_hint, wait_for_telegram
from tests.support.helpers import Harness, make_settings
from tests.support.proxies import HttpProxy, Silent, Socks5Proxy

SECRET = "987654321:AAHsecretSECRETsecretSECRETsecret12"


@pytest.fixture
async def http_proxy() -> AsyncIterator[tuple[HttpProxy, str]]:
    proxy = HttpProxy()
    url = await proxy.start()
    yield proxy, url
    await proxy.stop()


@pytest.fixture
async def socks_proxy() -> AsyncIterator[tuple[Socks5Proxy, str]]:
    proxy = Socks5Proxy()
    url = await proxy.start()
    yield proxy, url
    await proxy.stop()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


# --- proxies ----------------------------------------------------------------------------------------------
def test_proxy_resolution_follows_the_standard_variables() -> None:
    env = {"HTTPS_PROXY": "http://corp:3128", "ALL_PROXY": "socks5://corp:1080", "NO_PROXY": "internal.lan"}
    assert resolve_proxy("https://api.telegram.org/bot", "", env) == "http://corp:3128"
    assert resolve_proxy("http://botapi.internal.lan/bot", "", env) is None  # NO_PROXY
    assert resolve_proxy("http://10.0.0.5:8081/bot", "", env) == "socks5://corp:1080"  # no HTTP_PROXY: ALL_PROXY
    assert resolve_proxy("https://api.telegram.org/bot", "", {"https_proxy": "http://lower:1"}) == "http://lower:1"
    assert resolve_proxy("https://api.telegram.org/bot", "", {"all_proxy": "socks5h://h:1"}) == "socks5h://h:1"
    assert resolve_proxy("https://api.telegram.org/bot", "socks5://mine:9", env) == "socks5://mine:9"
    assert resolve_proxy("https://api.telegram.org/bot", "", {}) is None


@pytest.mark.parametrize("kind", ["http", "socks5"])
async def test_every_bot_api_call_goes_through_xcheck_proxy(
    tmp_path: Path,
    standin: StandIn,
    clock: FrozenClock,
    http_proxy: tuple[HttpProxy, str],
    socks_proxy: tuple[Socks5Proxy, str],
    kind: str,
) -> None:
    proxy, url = http_proxy if kind == "http" else socks_proxy
    harness = Harness(standin, make_settings(tmp_path, standin, proxy=url), clock)
    await harness.start()
    try:
        shown = await harness.chat(4242).say("/whoami")
        assert (
            shown.text
            == "您的 Telegram id：<code>4242</code>\n尚未绑定。请把这个 id 发给省办公室，或使用办公室发给您的邀请链接。"
        )
    finally:
        await harness.stop()
    port = standin.base_url.split(":")[2].split("/")[0]
    if kind == "http":
        methods = {line.rsplit("/", 1)[1] for line in proxy.seen}
        assert {"getMe", "getUpdates", "sendMessage", "setMyCommands"} <= methods
        assert all(line.startswith(f"POST http://127.0.0.1:{port}/bot") for line in proxy.seen)
    else:
        assert proxy.seen and set(proxy.seen) == {f"CONNECT 127.0.0.1:{port}"}
    assert {c.method for c in standin.calls} >= {"getMe", "getUpdates", "sendMessage"}


async def test_all_proxy_from_the_environment_is_used(
    tmp_path: Path, standin: StandIn, socks_proxy: tuple[Socks5Proxy, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy, url = socks_proxy
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.setenv("ALL_PROXY", url)
    out = io.StringIO()
    assert await wait_for_telegram(make_settings(tmp_path, standin), out=out, attempts=1) == "xcheck_test_bot"
    assert out.getvalue() == "已连接 Telegram，机器人 @xcheck_test_bot (connected)\n"
    assert len(proxy.seen) == 1


# --- Telegram unreachable ----------------------------------------------------------------------------------
async def test_refused_connection_is_one_line_and_retried_with_backoff(tmp_path: Path, standin: StandIn) -> None:
    port = _closed_port()
    settings = make_settings(tmp_path, standin, api_base_url=f"http://127.0.0.1:{port}/bot", bot_token=SECRET)
    out, sleeps = io.StringIO(), Sleeps()
    assert await wait_for_telegram(settings, out=out, sleep=sleeps, attempts=4) is None
    lines = out.getvalue().splitlines()
    assert len(lines) == 4 and sleeps.delays == [1.0, 2.0, 4.0]
    detail = (
        f"cannot connect to 127.0.0.1:{port}: ConnectionRefusedError: [Errno 111] "
        f"Connect call failed ('127.0.0.1', {port})"
    )
    assert lines[0] == (
        "无法连接 Telegram（Telegram unreachable）：无法连接 (cannot connect)："
        "请检查网络、代理 XCHECK_PROXY / HTTPS_PROXY；"
        f"XCHECK_API_BASE_URL=http://127.0.0.1:{port}/bot，未使用代理 (no proxy)；{detail}。"
        "1 秒后重试 (retrying in 1 s)"
    )
    assert "Traceback" not in out.getvalue() and SECRET not in out.getvalue() and "AAHsecret" not in out.getvalue()


def test_backoff_grows_to_five_minutes() -> None:
    assert [backoff(n) for n in (1, 2, 3, 4, 9, 10, 50)] == [1.0, 2.0, 4.0, 8.0, 256.0, 300.0, 300.0]


async def test_a_network_that_never_answers_times_out_and_says_so(tmp_path: Path, standin: StandIn) -> None:
    silent = Silent()
    url = await silent.start()
    try:
        settings = make_settings(
            tmp_path, standin, api_base_url=url.replace("://", "http://", 1) + "/bot", api_timeout=0.2
        )
        out = io.StringIO()
        assert await wait_for_telegram(settings, out=out, sleep=Sleeps(), attempts=1) is None
    finally:
        await silent.stop()
    (line,) = out.getvalue().splitlines()
    assert line.startswith(
        "无法连接 Telegram（Telegram unreachable）：连接超时 (no answer)："
        "网络可能屏蔽了 Telegram，请设置代理 XCHECK_PROXY 或 HTTPS_PROXY；"
    )


async def test_a_rejected_token_names_the_token_variable_but_never_the_token(
    tmp_path: Path, standin: StandIn, http_proxy: tuple[HttpProxy, str]
) -> None:
    _, url = http_proxy
    settings = make_settings(tmp_path, standin, bot_token=SECRET, proxy="http://user:pw@" + url.split("://")[1])
    out = io.StringIO()
    assert await wait_for_telegram(settings, out=out, sleep=Sleeps(), attempts=2) is None
    lines = out.getvalue().splitlines()
    host = url.split("://")[1]
    assert lines[0] == (
        "无法连接 Telegram（Telegram unreachable）：令牌被拒绝 (token rejected)：请核对 XCHECK_BOT_TOKEN；"
        f"XCHECK_API_BASE_URL={standin.base_url}，经代理 http://{host}；"
        "The token `<token>` was rejected by the server. (Unauthorized)。1 秒后重试 (retrying in 1 s)"
    )
    assert len(lines) == 2 and SECRET not in out.getvalue() and "pw@" not in out.getvalue()


def test_log_lines_and_tracebacks_never_carry_the_token() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactToken(SECRET))
    log = logging.getLogger("xcheck.test_redact")
    log.addHandler(handler)
    log.propagate = False
    try:
        try:
            raise InvalidToken(f"The token `{SECRET}` was rejected by the server.")
        except InvalidToken:
            log.warning("start-up failed for %s", SECRET, exc_info=True)
    finally:
        log.removeHandler(handler)
    text = stream.getvalue()
    assert "start-up failed for <token>" in text and "The token `<token>` was rejected" in text
    assert SECRET not in text
    assert redact(f"https://api.telegram.org/bot{SECRET}/getMe") == "https://api.telegram.org/bot<token>/getMe"


async def test_xcheck_run_says_how_to_make_the_first_office_user_and_prints_no_traceback(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XCHECK_")}
    env |= {
        "XCHECK_BOT_TOKEN": SECRET,
        "XCHECK_DATA_DIR": str(tmp_path / "d"),
        "XCHECK_API_BASE_URL": f"http://127.0.0.1:{_closed_port()}/bot",
        "XCHECK_WEB_LISTEN": "off",  # the web channel serving meanwhile: tests/web/test_web_first.py
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
    assert proc.stdout is not None and proc.stderr is not None
    hint = await asyncio.wait_for(proc.stdout.readline(), 60)
    first = await asyncio.wait_for(proc.stderr.readline(), 60)
    proc.send_signal(signal.SIGINT)
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert hint.decode() == (
        "尚无办公室人员（XCHECK_ADMIN_IDS is empty）：请在另一个终端运行 `.venv/bin/xcheck invite office`，在 Telegram "
        "或浏览器中打开它打印的链接（任选其一），即成为第一位办公室人员；或在机器人里发送 /whoami 得到自己的 id，"
        "写入 XCHECK_ADMIN_IDS 后重启。\n"
    )
    assert first.decode().startswith("无法连接 Telegram（Telegram unreachable）：无法连接 (cannot connect)")
    everything = (hint + first + out + err).decode()
    assert "Traceback" not in everything and SECRET not in everything
    assert proc.returncode == 0


async def test_the_first_office_hint_is_only_for_an_office_with_nobody(tmp_path: Path, standin: StandIn) -> None:
    from storage import Database, people

    settings = make_settings(tmp_path, standin, admin_ids=())
    out = io.StringIO()
    assert await first_office_hint(settings, out) is True
    assert out.getvalue().startswith("尚无办公室人员（XCHECK_ADMIN_IDS is empty）") and out.getvalue().count("\n") == 1
    db = Database(settings.db_path)
    await db.connect()
    async with db.transaction() as conn:
        await people.bind(conn, user_id=5, name="", role="office", institution_id=None, city=None, chat_id=5, at="t")
    await db.close()
    quiet = io.StringIO()
    assert await first_office_hint(settings, quiet) is False
    assert await first_office_hint(make_settings(tmp_path, standin, admin_ids=(7,)), quiet) is False
    assert quiet.getvalue() == ""
