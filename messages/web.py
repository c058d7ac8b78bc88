"""简体中文文案 for the web channel. Plain text: the web pages escape every string when they place it."""

from __future__ import annotations

from datetime import datetime
from html import escape

from messages import entry, zh

TITLE = "1+X 自查助手"
SIGNIN_TITLE = "登录 1+X 自查助手"
SIGNIN_INTRO = "您正在使用省办公室发送的一次性邀请链接登录。登录后本链接即失效。"
SIGNIN_NAME = "您的姓名"
SIGNIN_NAME_HINT = "便于省办公室联系您，例如：张老师"
SIGNIN_BUTTON = "登录"
LINK_INTRO = "您正在使用一次性登录链接打开网页版。登录后本链接即失效。"
SIGNIN_THROTTLED = "尝试次数过多，请 10 分钟后再试。"
SIGNIN_NAME_BAD = "请填写您的姓名（1–40 字）。"
SIGNED_OUT = "您已退出登录。如需再次登录，请使用新的邀请链接，或在 Telegram 中发送 /web 获取登录链接。"
NEED_SIGNIN = "请先登录：使用省办公室发送的邀请链接，或在 Telegram 中发送 /web 获取登录链接。"
BAD_FORM = "页面已过期或请求无效（安全校验未通过）。请返回上一页刷新后重试。"
NOT_FOUND = "找不到该页面。"
SIGN_OUT = "退出登录"
HOME = "首页"

REPORTS = "自查报告"
SECTIONS = "各部分"
OPEN = "填写"
EDIT = "修改"
VIEW = "查看"
SAVE = "保存本部分"
SAVE_NEXT = "保存并进入下一部分"
SAVED = "已保存。"
SAVED_WITH_PROBLEMS = "部分项目未保存，请按提示修改后再次保存（其余项目已保存）。"
ALL_SAVED_DONE = "本部分已全部填写。"
CORE_MARK = "★ 核心监测点"
SKIP = "跳过此项（非核心）"
YES, NO = zh.BTN_YES, zh.BTN_NO
NOTE_PROMPT = "说明"
CONFIRM_WARNINGS = "以上数字无误，仍然保存"
RATE = "比率（自动计算）"
TOTAL = "合计"
SCALE = "试点规模"
CERTIFICATE = "证书"
LEVEL = "等级"
NOT_ANSWERED = "未填写"
LOCKED_ITEM = "（本项未退回，不能修改）"
RETURN_COMMENT = "退回意见"
ANSWER_LIMIT = "不超过 {limit} 字"

EVIDENCE = "佐证材料"
UPLOAD = "上传"
UPLOAD_TYPES = "PDF、OFD、图片（JPG/PNG/HEIC）、Word、Excel、PPT、压缩包（ZIP/RAR/7z）、视频（MP4）"
UPLOAD_HINT = "可上传 " + UPLOAD_TYPES + "，单个文件不超过 {mb} MB。"
UPLOAD_NO_FILE = "请先选择要上传的文件。"
UPLOAD_SAVED = "已保存“{name}”为{where}的佐证材料（共 {count} 份）。"
NO_FILES = "暂无"
DELETE = "删除"


def delete_ask(name: str, where: str) -> str:
    return f"删除{where}的佐证材料“{name}”吗？（已提交的版本仍保留该文件）"


REVIEW = "预览并提交"
REVIEW_READY = "全部必填项目已完成，可以提交。提交后报告将锁定，不能再修改（除非省办公室退回）。"
REVIEW_MISSING = "以下项目尚未完成："
REVIEW_LACKING = "以下核心监测点需要佐证材料："
SUBMIT = "确认提交"
RECEIPT_TITLE = "提交成功"
RECEIPT_NUMBER = "回执编号"
RECEIPT_VERSION = "版本"
RECEIPT_AT = "提交时间"
RECEIPT_CHECKSUM = "内容校验码"
WORD = "下载 Word 自评报告"
STATUS = "状态"

TELEGRAM_TITLE = "绑定 Telegram"
TELEGRAM_INTRO = (
    "如需同时在 Telegram 中填报，请在能访问 Telegram 的设备上打开下面的链接（30 分钟内有效，只能使用一次）。"
    "两个渠道填写的是同一份报告。"
)
TELEGRAM_MAKE = "生成绑定链接"
TELEGRAM_BOUND = "您的 Telegram 账号已绑定。网页版和 Telegram 中填写的是同一份报告。"
TELEGRAM_NO_BOT = "本系统当前未接入 Telegram。"

# --- 办公室控制台 -------------------------------------------------------------------------------------
CONSOLE = "办公室控制台"
BY_KIND = "按类型"
BY_CITY = "按地市（中职）"
LATE = "尚未提交"
LATE_NONE = "全部单位均已提交。"
SUBMITTED_LIST = "待审核"
UNIT = "单位"
CITY = "地市"
KIND = "类型"
EXPORT = "下载汇总表（Excel）"
CARD = "报告"
RETURN_POINTS = "退回所选项目"
RETURN_HINT = "在需要修改的项目下填写退回意见（留空的项目不退回）。"
RETURN_WHOLE = "退回整份报告的意见（可选）"
RETURN_NONE = "请至少填写一条退回意见。"
RETURN_TOO_LONG = zh.RETURN_TOO_LONG
RETURNED = "已退回 {n} 项。"
ACCEPT = "通过"
ACCEPTED = "已通过，报告已最终锁定。"
VERSIONS = "版本比较"
DIFF_SAME = "两个版本内容相同。"
DIFF_ADDED = "新增材料"
DIFF_REMOVED = "删除材料"
SAMPLE = "抽查样本"
SAMPLE_NONE = "尚未抽样。"
SAMPLE_CURRENT = "当前样本：{at} 抽取，共 {n} 个单位。"
SAMPLE_REPLACE = "确认重新抽样，替换上表中的当前样本"
SAMPLE_ASK = "已有抽样结果（见下表）。重新抽样会替换它：请勾选确认后再提交。"
SAMPLE_ALREADY = "这份抽样表单已经提交过，没有再次抽样。下面是当前的抽样结果。"
SAMPLE_FORM_OLD = "抽样表单已失效（已过期、已换人登录或不是本页发出的）。请回到控制台重新打开后再试。"
BACK_CONSOLE = "返回控制台"
GRADES = "专家评定"


def card_lines(status: str, version: int, versions: int, submitted: str | None, missing: int, files: int) -> list[str]:
    """The report card's summary as plain lines (the page escapes each once); the same facts as the chat card.
    `submitted` is already a local time (2020年12月14日 16:05) or None when never submitted."""
    lines = [f"状态：{zh.STATUS_NAMES.get(status, status)} · {zh.version_text(version)}（共 {versions} 个提交版本）"]
    if submitted:
        lines.append(f"最近提交：{submitted}")
    lines.append(f"未完成项目：{missing} · 佐证材料：{files} 份")
    return lines


def invalid(code: str, params: dict[str, object]) -> str:
    """The same refusal as in chat, as plain text (the page escapes it)."""
    if code == "choice":
        params = {**params, "n": len(params.get("options", []))}  # type: ignore[arg-type]
    if code == "table_line":
        inner = {k: v for k, v in params.items() if k not in ("line", "why")}
        return f"“{params['line']}”：" + invalid(str(params["why"]), inner)
    wording = entry.INVALID if code in entry.INVALID else zh.INVALID
    return wording[code].format(**{k: str(v) for k, v in params.items()})


def local_time(at: datetime) -> str:
    """2020年12月14日 16:05 (callers pass a time already in the campaign's zone)."""
    return f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}"


def status(code: str) -> str:
    return zh.PROGRESS_STATUS.get(code, zh.STATUS_NAMES.get(code, code))


def evidence_refusal(code: str, params: dict[str, object]) -> str:
    return zh.EVIDENCE_REFUSALS[code].format(**{k: str(v) for k, v in params.items()}).lstrip("❗ ")


def item_name(point_no: int | None, section_no: int, narrative: str = "") -> str:
    return zh.item_name(point_no, section_no, narrative)


def section_heading(no: int, total: int, title: str) -> str:
    return f"第{no}部分 / 共{total}部分 · {title}"


def progress_line(done: int, total: int) -> str:
    return f"已完成 {done}/{total}"


def web_link_message(link: str) -> str:
    """Sent in Telegram for /web (Telegram HTML: the link is ours, so only & needs care)."""
    return f"网页版一次性登录链接（30 分钟内有效，只能使用一次）：\n{escape(link)}"


WEB_NOT_CONFIGURED = "网页版尚未开放。"
TELEGRAM_LINK_BOUND = "✅ 已将本 Telegram 账号绑定到您在网页版登录的身份。两个渠道填写的是同一份报告。发送 /menu 开始。"
TELEGRAM_LINK_ALREADY = "该 Telegram 账号已绑定其他身份，不能再次绑定。"


def invitation_links(deep: str, web: str) -> str:
    return f"Telegram：{deep}\n网页版：{web}"


def invitation_web_links(links: list[str]) -> str:
    """Appended to /invite's answer in Telegram (HTML): the same codes as web links."""
    body = "\n".join(f"<code>{escape(link)}</code>" for link in links)
    return f"\n\n网页版（与上面的链接一一对应，同一邀请码只能使用一次）：\n{body}"


def web_only_started(base: str, link: str) -> str:
    return (
        f"未设置 XCHECK_BOT_TOKEN：仅启动网页版，地址 {base}\n"
        f"办公室一次性登录链接（24 小时内有效，只能使用一次）：\n{link}\n"
        "按 Ctrl+C 停止。"
    )
