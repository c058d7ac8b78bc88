"""简体中文文案 added at integration: start-up lines of `xcheck run` with a bot token, and what the web home
tells coordinators who are not reached in Telegram (broadcasts, deadline, reminder banner)."""

from __future__ import annotations


def web_started_with_bot(base: str) -> str:
    return (
        f"网页版已启动 (web channel serving)：{base}；正在连接 Telegram (connecting to Telegram)，"
        "连上之前网页版照常可用。按 Ctrl+C 停止。"
    )
