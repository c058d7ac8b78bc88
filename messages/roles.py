"""Wording built from the roles the outlines give their points (issue 13: point roles are data)."""

from __future__ import annotations


def flag_alert(no: int, core: bool, label: str) -> str:
    """A 是 on a violation question, as /flags lists it: ★24 收取学生考核费用 (no ★ for a non-core point)."""
    return ("★" if core else "") + f"{no} {label}"


def outline_roles(rate: str | None, compared: list[str], alert: str | None) -> str:
    """`xcheck outline show`: what the office's checks read from a point."""
    parts = []
    if rate is not None:
        parts.append(f"{rate}取自本项")
    if compared:
        parts.append("交叉核对：" + "、".join(compared))
    if alert is not None:
        parts.append(f"答“是”时列入 /flags：{alert}")
    return "〈" + "；".join(parts) + "〉"
