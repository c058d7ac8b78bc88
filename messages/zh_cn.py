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


HELP_COMMON = (
    "<b>1+X 自查助手</b>\n"
    "/menu 主菜单\n/cancel 取消当前操作（已填内容不会丢失）\n/help 本帮助"
)
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
