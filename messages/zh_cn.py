"""简体中文文案。All user input placed into these strings is HTML-escaped here, never by callers."""

from __future__ import annotations

from html import escape

ROLE_NAMES = {
    "office": "省1+X协调推进办公室",
    "coordinator": "试点院校联络人",
    "city": "地市教育主管部门",
    "org": "培训评价组织联络人",
    "expert": "抽查专家",
}

# --- 通用 -------------------------------------------------------------------------------------------
NOT_BOUND = (
    "您好！这里是 <b>1+X 自查助手</b>。\n"
    "您的账号尚未绑定单位。请向省“1+X”证书制度协调推进办公室索取邀请链接，点击链接即可完成绑定。"
)
INVITE_UNKNOWN = "邀请码无效。请核对链接是否完整，或向省办公室重新索取。"
INVITE_USED = "该邀请码已被使用。每个邀请码只能使用一次，请向省办公室索取新的邀请链接。"
INVITE_EXPIRED = "该邀请码已过期。请向省办公室索取新的邀请链接。"
CANCELLED = "已取消当前操作。已填写的内容均已保存。发送 /menu 打开主菜单。"
NOT_ALLOWED = "您没有权限进行此操作。"
STALE_BUTTON = "该按钮已失效，请发送 /menu 重新开始。"
INTERNAL_ERROR = "抱歉，处理时出现问题，已通知管理员。您已填写的内容不会丢失，请稍后再试。"
UNKNOWN_COMMAND = "未识别的指令。发送 /help 查看可用指令。"

COMMANDS = (
    ("start", "开始 / 绑定邀请"),
    ("menu", "主菜单"),
    ("help", "帮助"),
    ("cancel", "取消当前操作"),
)


def welcome(role: str, unit: str | None) -> str:
    where = f"<b>{escape(unit)}</b>" if unit else ""
    return f"绑定成功！您好，{where}{ROLE_NAMES.get(role, role)}。\n发送 /menu 打开主菜单，发送 /help 查看帮助。"


def greeting(role: str, unit: str | None) -> str:
    where = f"<b>{escape(unit)}</b> · " if unit else ""
    return f"您好，{where}{ROLE_NAMES.get(role, role)}。发送 /menu 打开主菜单。"


HELP_COMMON = "<b>1+X 自查助手</b>\n/menu 主菜单\n/cancel 取消当前操作（已填内容不会丢失）\n/help 本帮助"
HELP_COORDINATOR = (
    "\n\n按提纲逐项填写自查报告，每个答案即时保存，可随时中断、稍后继续。"
    "标 ★ 的为核心监测点，不能跳过，只能稍后填写。数字请直接发送，是/否可点按钮或发送“是”“否”。"
)
HELP_OFFICE = (
    "\n\n<b>办公室指令</b>\n"
    "/invite 角色 对象 [数量] — 生成一次性邀请链接\n"
    "  角色：coordinator 院校联络人（对象为附件3序号或名称）、org 培训评价组织、city 地市（对象为市名）、"
    "expert 专家、office 办公室"
)


def office_error(kind: str, where: str) -> str:
    return f"⚠️ 处理更新时出错：<code>{escape(kind)}</code>（{escape(where)}）。详情见日志。"


# --- 邀请 -------------------------------------------------------------------------------------------
INVITE_USAGE = (
    "用法：/invite 角色 对象 [数量]\n"
    "例如：/invite coordinator 24　/invite city 合肥　/invite org 某培训评价组织　/invite expert"
)
INVITE_BAD_ROLE = "角色应为 coordinator、org、city、expert 或 office 之一。"
INVITE_NO_TARGET = "找不到该单位。院校请使用附件3中的序号或完整名称。"
INVITE_NOT_ORG = "该单位不是培训评价组织。"
INVITE_NOT_SCHOOL = "该单位不是试点院校。"
INVITE_BAD_CITY = "请填写安徽省的地级市名称，例如：合肥。"
INVITE_BAD_COUNT = "数量应为 1 到 20 之间的整数。"


def invitations_created(target: str, role: str, links: list[str], expires: str) -> str:
    lines = "\n".join(f"<code>{escape(link)}</code>" for link in links)
    return (
        f"已为 <b>{escape(target)}</b>（{ROLE_NAMES.get(role, role)}）生成 {len(links)} 个一次性邀请链接，"
        f"有效期至 {escape(expires)}：\n{lines}"
    )


# --- 填报（walk） ------------------------------------------------------------------------------------
BTN_YES, BTN_NO = "是", "否"
BTN_BACK, BTN_SKIP, BTN_LATER, BTN_NEXT, BTN_MENU = "◀ 上一项", "跳过 ▶", "稍后填写 ▶", "下一项 ▶", "☰ 菜单"
BTN_KEEP, BTN_RETYPE = "仍然保存", "重新输入"
BTN_CONFIRM, BTN_REDO = "✅ 确认无误", "✏️ 重新填写"
BTN_CONTINUE, BTN_SECTIONS, BTN_PROGRESS, BTN_HELP = "▶ 继续填报", "📑 选择部分", "📊 我的进度", "❓ 帮助"
BTN_SWITCH = "🔁 切换证书"
BTN_ALL_SECTIONS = "◀ 返回部分列表"

STATUS_NAMES = {"draft": "填报中", "submitted": "已提交", "returned": "已退回修改", "accepted": "已通过"}

REFUSALS = {
    "not_allowed": NOT_ALLOWED,
    "stale": STALE_BUTTON,
    "locked": "报告已提交或已通过，不能再修改。如需修改，请联系省办公室退回。",
    "no_report": "您当前没有可填写的报告。发送 /menu 查看。",
    "core_cannot_skip": "★ 核心监测点不能跳过，只能“稍后填写”。",
    "no_certificates": "名册中尚无贵单位的证书，暂时无法填报。请联系省办公室导入名册。",
    "walk_not_for_role": "您的角色无需填写自查报告。",
}

INFO = {
    "skipped": "已跳过上一项。",
    "put_off": "已暂缓，稍后可在“📑 选择部分”中继续填写。",
    "confirmed": "已确认并保存。",
    "nothing_asked": "当前没有待填写的项目。",
    "saved": "已保存。",
}

INVALID = {
    "empty": "内容为空，请重新发送。",
    "not_number": "“{token}”不是数字。请只发送数字，例如：120",
    "not_whole": "“{token}”不是整数。人数请填写整数。",
    "below_min": "{value} 小于允许的最小值 {min}。",
    "above_max": "{value} 超出允许的最大值 {max}。",
    "count": "需要 {expected} 个数，您发送了 {got} 个。多个数请用空格分隔。",
    "yesno": "请点“是”或“否”按钮，或发送“是”/“否”。",
    "choice": "请点选项按钮，或发送选项序号（1–{n}）。",
    "too_long": "内容过长（{got} 字），上限为 {limit} 字。请精简后重新发送；详细材料可作为佐证材料上传。",
    "no_rows": "名册中尚无贵校的试点证书，此项暂时无法填写。请联系省办公室导入名册后再填，可先点“稍后填写”。",
}


def invalid(code: str, params: dict[str, object]) -> str:
    if code == "choice":
        params = {**params, "n": len(params.get("options", []))}  # type: ignore[arg-type]
    return "❗ " + INVALID[code].format(**{k: escape(str(v)) for k, v in params.items()})


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def header(section_no: int, sections: int, *, point_no: int | None, core: bool, label: str = "") -> str:
    where = f"监测点 {point_no}{' ★' if core else ''}" if point_no is not None else label
    return f"第{section_no}部分 / 共{sections}部分 · {where}"


def unit_line(unit: str, certificate: str | None) -> str:
    return f"🏫 {escape(unit)}" + (f" · {escape(certificate)}" if certificate else "")


def clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


ASK_YESNO = "请点按钮，或发送“是”/“否”。"
ASK_TEXT = "请发送文字（不超过 {limit} 字）。"
ASK_CHOICE = "请点选项，或发送序号。"


def ask_number(label: str, lo: int, hi: int, unit: str) -> str:
    return f"请发送{escape(label)}：{lo}–{hi} 的整数{('（单位 ' + unit + '）') if unit else ''}。"


def ask_row(row_label: str, scale: int | None, index: int, total: int, labels: list[str], kind: str) -> str:
    where = ""
    if row_label:
        extra = f"（试点规模 {scale}）" if scale is not None else ""
        where = f"{kind}：<b>{escape(row_label)}</b>{extra}　第 {index}/{total} 个\n"
    if len(labels) == 1:
        return f"{where}请发送{escape(labels[0])}（整数）。"
    example = " ".join(str(n) for n in (120, 100, 95, 80)[: len(labels)])
    return f"{where}请依次发送 {'、'.join(escape(x) for x in labels)}，用空格分隔，例如：{example}"


def current_answer(text: str) -> str:
    return f"当前答案：{text}"


def yes_no_text(yes: bool) -> str:
    return BTN_YES if yes else BTN_NO


def followup(yes: bool, prompt: str) -> str:
    return f"您选择了“{yes_no_text(yes)}”。{escape(prompt)}"


def warn(findings: list[str]) -> str:
    return "⚠️ " + "\n⚠️ ".join(escape(f) for f in findings) + "\n仍要保存吗？"


def refused_row(findings: list[str]) -> str:
    return "❗ " + "\n❗ ".join(escape(f) for f in findings) + "\n数据未保存，请重新输入。"


CONFIRM_PROMPT = "请核对以上数字与计算结果，无误请点“确认无误”。"
SKIPPED = "（已跳过）"
NO_ROWS_HINT = "（名册中没有此项需要填写的证书）"


def done(done_sections: int, total_sections: int) -> str:
    return (
        f"🎉 全部项目均已填写（{done_sections}/{total_sections} 部分）。\n"
        "可随时在“📑 选择部分”中查看或修改；提交前请预览核对。"
    )


def open_items(n: int) -> str:
    return f"还有 {n} 项未完成，可在“📑 选择部分”中查看。"


def menu(unit: str, certificate: str | None, status: str, done_sections: int, total_sections: int) -> str:
    return (
        f"{unit_line(unit, certificate)}\n<b>自查报告</b> · {STATUS_NAMES.get(status, status)}\n"
        f"已完成 {done_sections}/{total_sections} 部分。"
    )


PICK_CERTIFICATE = "请选择要填写的证书（每个证书单独填写一份自查报告）："


def sections_title(unit: str, certificate: str | None) -> str:
    return f"{unit_line(unit, certificate)}\n请选择部分（✅ 已完成）："


def section_button(no: int, title: str, done_items: int, total: int) -> str:
    mark = "✅" if done_items == total else ("🟡" if done_items else "⬜")
    short = title if len(title) <= 14 else title[:13] + "…"
    return f"{mark} {no}. {short} {done_items}/{total}"


def section_detail(no: int, title: str) -> str:
    return f"<b>{no}. {escape(title)}</b>\n点选要填写或修改的项目（✅ 已完成，★ 核心）："


def item_button(label: str, complete: bool, core: bool) -> str:
    return f"{'✅' if complete else '⬜'} {label}{' ★' if core else ''}"


def point_label(no: int) -> str:
    return f"监测点 {no}"


def progress(lines: list[tuple[int, str, int, int]], missing_core: int) -> str:
    body = "\n".join(
        f"{'✅' if d == t else '⬜'} {no}. {escape(clip(title, 18))}　{d}/{t}" for no, title, d, t in lines
    )
    tail = f"\n★ 未完成的核心监测点：{missing_core} 个" if missing_core else "\n★ 核心监测点均已填写"
    return f"<b>填报进度</b>\n{body}{tail}"


NOT_A_COORDINATOR_MENU = "您好！您的角色不需要填写报告。发送 /help 查看可用指令。"
