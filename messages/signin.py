"""简体中文文案: sign-in guessing limit and re-binding confirmation (issue 11). Input is escaped here."""

from __future__ import annotations

from html import escape

from messages.zh_cn import ROLE_NAMES

TOO_MANY_ATTEMPTS = "邀请码尝试次数过多，请一小时后再试。如链接确实无法使用，请向省办公室索取新的邀请链接。"
BTN_REBIND_YES, BTN_REBIND_NO = "确认更换", "保留当前身份"
REBIND_KEPT = "已保留当前身份，此邀请未使用，仍可交给他人使用。"


def _who(role: str, unit: str | None) -> str:
    return (f"<b>{escape(unit)}</b> " if unit else "") + ROLE_NAMES.get(role, role)


def rebind_question(current_role: str, current_unit: str | None, new_role: str, new_unit: str | None) -> str:
    return (
        f"您已绑定为 {_who(current_role, current_unit)}。\n"
        f"此邀请将把您更换为 {_who(new_role, new_unit)}，原身份将不再可用。确认更换吗？"
    )
