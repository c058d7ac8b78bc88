"""简体中文文案 for the web pages of readers (city bureaus, lead institutions, experts) and the office's
invitations. Plain text: the web pages escape every string when they place it. Where Telegram says the same
thing, its words are reused (messages.zh_cn, messages.org_oversight)."""

from __future__ import annotations

from messages import org_oversight as zo
from messages import zh

# --- reading a report -----------------------------------------------------------------------------------
READ = "阅读报告"
FILES = zh.BTN_FILES.removeprefix("📎 ")
NO_FILES = "暂无佐证材料。"
BACK = "返回"


def shown_version(version: int, at: str) -> str:
    return f"该报告已退回修改。以下为第 {version} 版（{at} 提交）的内容；修改稿重新提交前不显示。"


def version_line(version: int, at: str) -> str:
    return f"第 {version} 版 · {at} 提交"


NOT_SUBMITTED = "该报告尚未提交，以下为当前填写的内容。"

# --- the city bureau --------------------------------------------------------------------------------------
CITY_TITLE = "本市中职自查"


def city_heading(city: str, submitted: int, total: int) -> str:
    """As Telegram's city_overview heads its list."""
    return f"🏙 {city}市 中职试点院校自查报告（已提交 {submitted}/{total}）"


CITY_NONE = "（名册中暂无本市中职试点院校）"


def city_done(at: str) -> str:
    return f"✅ 已于 {at} 确认汇总完成。"


CITY_COMPLETE = zh.BTN_CITY_COMPLETE
CITY_EXPORT = zh.BTN_CITY_EXPORT
CITY_EXPORT_NOTE = "导出本市中职的汇总表（Excel）；各校的佐证材料可在其报告中逐份下载。"
SCHOOL = "学校"

# --- the lead institution ---------------------------------------------------------------------------------
LEAD_TITLE = zh.BTN_LEAD.removeprefix("📋 ")
LEAD_HEADING = "📋 贵校牵头的证书：培训评价组织自查报告"
LEAD_NONE = "贵校不是任何证书的牵头院校。"
LEAD_LINK = "📋 牵头证书：培训评价组织自查报告"
ORGANIZATION = "培训评价组织"

# --- the expert -------------------------------------------------------------------------------------------
EXPERT_TITLE = "抽查评定"
EXPERT_HEADING = "👩‍🏫 您的抽查对象"
EXPERT_NONE = "👩‍🏫 您尚未被分配抽查对象，请联系省办公室。"
UNIT = "抽查对象"
GRADE = "评定"
GRADE_TITLE = "评定等级"
GRADE_COMMENT = "评定意见"
GRADE_HINT = "“整改”和“取消试点资格”须填写评定意见；其他等级无意见可留空。"
GRADE_SUBMIT = "提交评定"
GRADE_PICK = "请选择评定等级（优秀、合格、整改、取消试点资格之一）。"
GRADE_REQUIRED = zh.GRADE_COMMENT_REQUIRED
GRADE_NOT_SUBMITTED = zo.GRADE_NOT_SUBMITTED
BY_CERTIFICATE = zo.BY_CERTIFICATE
NO_CERTIFICATES = zo.NO_CERTIFICATES


def current_grade(grade: str, comment: str) -> str:
    return f"当前评定：{grade}" + (f"（{comment}）" if comment else "")


NOT_GRADED = "尚未评定。"
GRADE_NOW = "请阅读报告和佐证材料后选择评定等级："


def unit_status(status: str, files: int) -> str:
    return f"报告状态：{status} · 佐证材料 {files} 份"


def graded(label: str, grade: str) -> str:
    return f"✅ 已记录：{label} 评定为 {grade}。"


# --- the office's invitations -----------------------------------------------------------------------------
INVITE_TITLE = "发邀请"
INVITE_INTRO = (
    "为试点院校、培训评价组织、地市教育主管部门、抽查专家或省办公室生成一次性邀请链接。"
    "每个邀请同时可在 Telegram 和网页版使用，使用一次即失效。"
)
INVITE_ROLE = "角色"
INVITE_UNIT = "单位（院校或培训评价组织）"
INVITE_UNIT_PICK = "请选择单位"
INVITE_CITY = "地市"
INVITE_CITY_PICK = "请选择地市"
INVITE_SCOPE = "专家的抽查对象（附件3序号或名称，以空格分隔，例如：24 97）"
INVITE_COUNT = "数量（1–20）"
INVITE_MAKE = "生成邀请"
INVITE_NEED_UNIT = "请选择要邀请的单位。"
INVITE_NEED_SCOPE = "请填写专家的抽查对象（附件3序号或名称）。"
INVITE_TELEGRAM = "Telegram 链接"
INVITE_WEB = "网页版链接"
INVITE_QR = "二维码"
INVITE_MORE = "继续发邀请"
SCHOOLS = "试点院校"
ORGS = "培训评价组织"


def invite_done(target: str, role: str, count: int, expires: str) -> str:
    return f"已为 {target}（{zh.ROLE_NAMES.get(role, role)}）生成 {count} 个一次性邀请链接，有效期至 {expires}。"


def invite_qr_note(telegram: bool) -> str:
    return "二维码打开 Telegram 链接。" if telegram else "二维码打开网页版链接（机器人名称尚未知晓）。"


INVITE_FORM_USED = (
    "这份邀请表单已经提交过（或已过期），没有重复生成邀请；已生成的邀请链接只显示一次。如需更多邀请，请在下方重新填写。"
)
