"""简体中文文案 added at integration: start-up lines of `xcheck run` with a bot token, and what the web home
tells coordinators who are not reached in Telegram (broadcasts, deadline, reminder banner)."""

from __future__ import annotations


def web_started_with_bot(base: str) -> str:
    return (
        f"网页版已启动 (web channel serving)：{base}；正在连接 Telegram (connecting to Telegram)，"
        "连上之前网页版照常可用。按 Ctrl+C 停止。"
    )


# --- the coordinator's web home: what Telegram would have told them ---------------------------------------
NOTICES_TITLE = "省办公室通知"


def days_left(n: int) -> str:
    if n > 0:
        return f"还有 {n} 天"
    if n == 0:
        return "今天截止"
    return f"已过截止日期 {-n} 天"


def deadline_line(due: str, left: str) -> str:
    """Under the report's heading, which already says its status."""
    return f"截止日期：{due}（{left}）"


def reminder_banner(due: str, left: str) -> str:
    return f"⏰ 提醒：自查报告截止日期为 {due}（{left}），目前尚未提交，请尽快填写并提交。"
