"""Wording built from the roles the outlines give their points (issue 13: point roles are data)."""

from __future__ import annotations


def flag_alert(no: int, core: bool, label: str) -> str:
    """A 是 on a violation question, as /flags lists it: ★24 收取学生考核费用 (no ★ for a non-core point)."""
    return ("★" if core else "") + f"{no} {label}"
