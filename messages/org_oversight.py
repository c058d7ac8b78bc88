"""Strings of training organizations in oversight: the expert's per-certificate cards and grades, the
cross-check's drafts, and evidence reused across an organization's certificate reports."""

from __future__ import annotations

from html import escape

from messages.zh_cn import STATUS_NAMES

# --- the expert -------------------------------------------------------------------------------------------
NOT_GRADABLE = "未提交，不能评定"
GRADE_NOT_SUBMITTED = "该报告尚未提交（或已退回修改、待重新提交），暂不能评定。"
BY_CERTIFICATE = "培训评价组织“以证书为单位”自查（附件2），请逐个证书阅读报告和佐证材料并分别评定："
BTN_BACK_TO_ORG = "⬅️ 返回"
NO_CERTIFICATES = "名册中该培训评价组织没有证书。"


def report_status(status: str | None, version: int) -> str:
    """填报中 / 已提交（第2版） / 已退回修改（第1版） / 未开始."""
    if status is None:
        return "未开始"
    name = STATUS_NAMES.get(status, status)
    return f"{name}（第{version}版）" if version and status != "draft" else name


def grade_note(grade: str | None, gradable: bool) -> str:
    if grade:
        return f"评定：{grade}"
    return "尚未评定" if gradable else NOT_GRADABLE


def expert_menu_line(label: str, status: str | None, grade: str | None, gradable: bool) -> str:
    shown = STATUS_NAMES.get(status, status) if status else "未开始"
    return f"• {escape(label)}：{shown} · {grade_note(grade, gradable)}"


def expert_menu(lines: list[str]) -> str:
    if not lines:
        return "👩‍🏫 您尚未被分配抽查对象，请联系省办公室。"
    return "👩‍🏫 <b>您的抽查对象</b>\n" + "\n".join(lines)


def org_card(org: str, rows: list[tuple[str, str, int, str]]) -> str:
    """rows: (certificate, status, evidence files, grade note)."""
    if not rows:
        return f"🏢 {escape(org)}（培训评价组织）\n{NO_CERTIFICATES}"
    body = "\n".join(f"• {escape(c)}：{s} · 佐证材料 {n} 份 · {g}" for c, s, n, g in rows)
    return f"🏢 {escape(org)}（培训评价组织）\n{BY_CERTIFICATE}\n{body}"


def unit_card(label: str, status: str, files: int, grade: str | None, comment: str | None, gradable: bool) -> str:
    lines = [f"🏢 {escape(label)}", f"报告状态：{status} · 佐证材料 {files} 份"]
    if grade:
        lines.append(f"当前评定：<b>{grade}</b>" + (f"（{escape(comment)}）" if comment else ""))
    else:
        lines.append("尚未评定。")
    lines.append("请阅读报告和佐证材料后选择评定等级：" if gradable else GRADE_NOT_SUBMITTED)
    return "\n".join(lines)


def graded(label: str, grade: str) -> str:
    return f"✅ 已记录：{escape(label)} 评定为 <b>{grade}</b>。"


# --- cross-checks -----------------------------------------------------------------------------------------
CROSS_NOTE = "说明：均按各报告最后一次提交的版本核对；以下草稿未提交，未参与核对。"
CROSS_DRAFT = "草稿"
CROSS_DRAFT_MARK = "草稿（未核对）"


def cross_draft(cert: str, name: str, org: bool) -> str:
    return f"{cert}：{name}（{'培训评价组织草稿' if org else '院校草稿'}）"


# --- evidence reused across certificate reports --------------------------------------------------------------
BTN_REUSE = "♻️ 选用已上传材料"
REUSE_DONE = "没有可选用的文件：其他证书报告已上传的文件都已附加到本报告的相应监测点。"
ALREADY_ATTACHED = "该文件已附加到本项。"


def core_evidence(points: list[int], lacking: list[int]) -> str:
    need = "需附佐证材料的核心监测点：" + "、".join(f"★{n}" for n in points)
    if not lacking:
        return need + "\n核心监测点的佐证材料已齐全。"
    missing = "全部" if len(lacking) == len(points) else "、".join(f"★{n}" for n in lacking)
    return f"{need}\n尚缺佐证材料：{missing}"


def reusable_points(points: list[int]) -> str:
    return "♻️ " + "、".join(f"★{n}" for n in points) + " 可直接选用其他证书报告已上传的文件"


def reuse_screen(unit: str, count: int, done: str | None = None) -> str:
    head = f"✅ {done}\n" if done else ""
    if not count:
        return head + REUSE_DONE
    return (
        f"{head}♻️ <b>{escape(unit)}</b>\n其他证书报告已上传、本报告相应监测点尚未附加的文件（{count} 份）。"
        "点一下即附加到同一监测点，文件只存一份："
    )


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def reuse_button(point: str, name: str) -> str:
    return f"➕ {point} {_short(name, 28)}"


def reuse_other_button(name: str, certificate: str | None, point: str) -> str:
    return f"➕ {_short(name, 20)}（{_short(certificate or '本机构', 12)} {point}）"


def attached(where: str, name: str) -> str:
    return f"已附加到{where}：{escape(name)}"
