"""The office's first day: set-up, start-up, the command line, invitations at scale, campaign close.

Command-line text is Chinese with English in brackets where a technical reader may need it.
"""

from __future__ import annotations

from html import escape

# --- configuration -----------------------------------------------------------------------------------
# variable → (what it is, an example of a good value)
SETTING_HELP: dict[str, tuple[str, str]] = {
    "bot_token": ("机器人令牌 (bot token from @BotFather)", "123456789:AA…"),
    "data_dir": ("数据目录 (data folder)", "./data"),
    "api_base_url": ("Bot API 地址 (Bot API base URL)", "https://api.telegram.org/bot"),
    "api_file_url": ("Bot API 文件地址 (Bot API file URL)", "https://api.telegram.org/file/bot"),
    "admin_ids": ("办公室人员的 Telegram 数字 id，逗号分隔 (comma-separated numeric ids)", "12345678，87654321"),
    "timezone": ("时区 (time zone)", "Asia/Shanghai"),
    "campaign_year": ("自查年份 (campaign year)", "2020"),
    "deadline": ("截止日期 (deadline)", "12月15日、12-15 或 2020-12-15"),
    "invitation_days": ("邀请链接有效天数 1–365 (days an invitation is valid)", "14"),
    "concurrent_updates": ("同时处理的更新数 1–4096 (updates handled at once)", "256"),
    "api_timeout": ("等待 Bot API 应答的秒数 (seconds)", "10"),
    "max_text_length": ("文字答案的最大字数 100–4000 (characters)", "2000"),
    "max_upload_mb": ("佐证文件大小上限 MB (megabytes)", "20"),
    "reminder_days": ("截止前几天提醒，逗号分隔 (days before the deadline)", "7，3，1"),
    "reminder_after_days": ("截止后几天提醒，逗号分隔 (days after the deadline)", "1"),
    "daily_digest": ("是否发送每日进度 (true/false)", "true"),
    "reminder_time": ("提醒时间 HH:MM (local time)", "09:00"),
    "broadcast_rate": ("广播每秒条数 (messages per second, ≤ 30)", "20"),
    "flood_limit": ("每秒消息总数 (messages per second)", "29"),
    "proxy": ("代理地址 (proxy URL: http, https or socks5)", "socks5://127.0.0.1:1080"),
}


def setting_error(field: str, value: str, reason: str) -> str:
    """One line: the variable, what it was given, what is expected and an example, in Chinese and English."""
    name = "XCHECK_" + field.upper() if field else "XCHECK_*"
    what, example = SETTING_HELP.get(field, ("", ""))
    shown = value if len(value) <= 60 else value[:57] + "…"
    line = f"{name}=“{shown}” 无法识别（invalid: {reason}）"
    if what:
        line += f"：应为{what}，例如 {name}={example}"
    return line + "。请在环境变量或 .env 中修改 (fix it in the environment or .env)"


TOKEN_MISSING = (
    "未设置 XCHECK_BOT_TOKEN（bot token not set）：请设置 XCHECK_BOT_TOKEN=<@BotFather 给出的令牌>，"
    "或写入 .env 文件 (export it or put it in .env)"
)

# --- start-up --------------------------------------------------------------------------------------------
FIRST_OFFICE_USER = (
    "尚无办公室人员（XCHECK_ADMIN_IDS is empty）：请在另一个终端运行 `.venv/bin/xcheck invite office`，"
    "在 Telegram 或浏览器中打开它打印的链接（任选其一），即成为第一位办公室人员；"
    "或在机器人里发送 /whoami 得到自己的 id，写入 XCHECK_ADMIN_IDS 后重启。"
)

UNREACHABLE_WHY = {
    "token": "令牌被拒绝 (token rejected)：请核对 XCHECK_BOT_TOKEN",
    "timeout": "连接超时 (no answer)：网络可能屏蔽了 Telegram，请设置代理 XCHECK_PROXY 或 HTTPS_PROXY",
    "network": "无法连接 (cannot connect)：请检查网络、代理 XCHECK_PROXY / HTTPS_PROXY",
    "answer": "应答异常 (unexpected answer)：请检查 XCHECK_API_BASE_URL 是否指向 Bot API 服务器",
}


def telegram_unreachable(why: str, base_url: str, proxy: str | None, detail: str, retry_in: float) -> str:
    via = f"经代理 {proxy}" if proxy else "未使用代理 (no proxy)"
    return (
        f"无法连接 Telegram（Telegram unreachable）：{UNREACHABLE_WHY[why]}；"
        f"XCHECK_API_BASE_URL={base_url}，{via}；{detail}。{retry_in:g} 秒后重试 (retrying in {retry_in:g} s)"
    )


def telegram_reached(username: str) -> str:
    return f"已连接 Telegram，机器人 @{username} (connected)"


# --- /whoami ---------------------------------------------------------------------------------------------
def whoami(user_id: int, role_name: str | None, unit: str | None) -> str:
    text = f"您的 Telegram id：<code>{user_id}</code>"
    if role_name:
        text += f"\n身份：{escape(unit) + ' · ' if unit else ''}{role_name}"
    else:
        text += "\n尚未绑定。请把这个 id 发给省办公室，或使用办公室发给您的邀请链接。"
    return text


# --- roster ----------------------------------------------------------------------------------------------
def roster_check(missing: list[tuple[int | None, str, str]], total: int) -> str:
    if not missing:
        return f"全部 {total} 所院校都已填写所在市 (every institution has a city)。"
    lines = [
        f"{len(missing)} 所院校尚未填写所在市 (no city yet)，填写前所在市的教育局看不到它们："
        "请在名册工作簿“院校”表的“所在市”列填写后用 xcheck roster import 导入。"
    ]
    lines += [f"  {seq if seq is not None else '-'}\t{kind}\t{name}" for seq, kind, name in missing]
    return "\n".join(lines)


def dashboard_no_city(names: list[str]) -> str:
    shown = "、".join(escape(n) for n in names[:5]) + ("等" if len(names) > 5 else "")
    return f"\n⚠️ {len(names)} 所院校尚未填写所在市（{shown}），所在市教育局看不到它们；请导入名册补全。"


TEMPLATE_WRITTEN = (
    "空白名册工作簿已写入 {path}（院校 / 证书 / 试点 三张表，各有一行以“示例：”开头的示例，导入时跳过）"
    " (empty roster workbook written)"
)
EXAMPLE_MARK = "示例："
TEMPLATE_EXAMPLE_INST = (190, "中职", "示例：某某职业学校", "合肥")
TEMPLATE_EXAMPLE_CERT = ("示例：Web前端开发", "示例：某培训评价组织", "示例：某某职业学院")
TEMPLATE_EXAMPLE_PILOT = ("示例：某某职业学校", "示例：Web前端开发", 100)
TEMPLATE_KIND_PROMPT = ("类型", "本科、高职、中职 或 培训评价组织")
TEMPLATE_CITY_PROMPT = ("所在市", "安徽省 16 个地级市之一，不带“市”字；不确定可留空")
TEMPLATE_SCALE_PROMPT = ("试点规模", "非负整数")

# --- the command line ------------------------------------------------------------------------------------
CLI_DESCRIPTION = "1+X 自查助手命令行 (xcheck command line)。每个子命令都有 -h 帮助。"
CLI_EPILOG = (
    "首次使用 (first day)：xcheck init → xcheck roster template 名册.xlsx → 填写后 xcheck roster import 名册.xlsx"
    " → xcheck invite --all coordinators --out 邀请.xlsx → xcheck run"
)
HELP_FLAG = "显示本帮助并退出 (show this help)"
CLI_HELP: dict[str, str] = {
    "init": "创建或升级数据库，载入附件3的 189 所试点院校 (create/migrate the database, load the roster)",
    "run": "运行机器人（长轮询），Ctrl+C 或 SIGTERM 停止 (run the bot)",
    "roster": "名册工作簿：导出、导入、空白模板、检查所在市 (the roster workbook)",
    "roster.export": "把当前名册写入工作簿 (write the roster workbook)",
    "roster.import": "导入名册工作簿，全部成功或全部不导入 (import; all or nothing)",
    "roster.template": "写一个空白名册工作簿：三张表、表头、示例行、下拉选项 (an empty roster workbook)",
    "roster.check": "列出尚未填写所在市的院校 (institutions without a city)",
    "roster.file": "工作簿文件路径 .xlsx (workbook path)",
    "invite": "生成一次性邀请链接 (create one-time invitation links)",
    "invite.role": (
        "角色 (role)：coordinator/院校、org/机构、city/市、expert/专家、office/办公室；配合 --all 时为 coordinators"
    ),
    "invite.target": (
        "对象 (target)：院校的附件3序号、全称或名称中的一段（如 工商）；机构名称；地市（如 合肥）；"
        "专家可跟多个院校序号（如 24 97）"
    ),
    "invite.count": "每个对象生成几个链接，1–500 (links per target)",
    "invite.days": "有效天数，1–365，默认 XCHECK_INVITATION_DAYS (days valid)",
    "invite.all": "一次为全部院校、地市教育局和培训评价组织各生成一个邀请 (one invitation per unit)",
    "invite.out": "--all 时写入的工作簿 .xlsx（院校、角色、链接、二维码），旁边生成可打印的 Word 邀请函",
    "invite.renew": "--all 时作废此前未使用的同类邀请后重新生成 (revoke earlier unused links first)",
    "outline": "打印自查提纲 (print an outline)",
    "outline.show": "显示提纲 (show an outline)",
    "outline.which": "institution（院校，附件1）或 training_org（培训评价组织，附件2）",
    "outline.json": "以 JSON 输出 (print as JSON)",
    "export": "导出办公室汇总工作簿、佐证材料包和 Word 自查报告 (export)",
    "export.out": "汇总工作簿路径，须以 .xlsx 结尾；佐证材料包 .zip 写在旁边 (workbook path)",
    "export.no_bundle": "不生成佐证材料包 (no evidence bundle)",
    "export.docx": "每份报告一个 Word 自查报告，写入此文件夹 (folder for Word self-reports)",
    "export.city": "只导出该市的中职（市教育局的材料包），如 合肥 (only this city's 中职)",
    "deadline": "查看或设置截止日期 (show or set a deadline)",
    "deadline.kind": "report（自查报告）或 questionnaire（问卷）",
    "deadline.date": "日期：2020-12-15、12-15 或 12月15日",
    "sample": "查看当前抽查样本；--draw 重新抽取并记录 (show the spot-check sample)",
    "sample.draw": "抽取新样本并记录；已有样本时需确认 (draw and record a new sample)",
    "sample.dry_run": "只显示抽取结果，不记录 (show a draw without recording it)",
    "sample.seed": "随机种子，用同一种子可复现抽样 (seed for a reproducible draw)",
    "sample.yes": "已有样本时不再询问，直接重新抽取 (do not ask)",
    "backup": "在机器人运行时一致地复制数据库 (consistent database copy)",
    "backup.file": "备份文件路径 (copy to this file)",
    "backup.force": "覆盖已存在的文件 (overwrite an existing file)",
    "campaign": "自查活动：查看状态或结束 (the campaign: status or close)",
    "campaign.action": "status（查看）、close（结束）或 reopen（重新开放）",
    "campaign.on": "在该日期结束（该日 24 时），如 12月31日；不填则立即结束 (close at the end of this date)",
}

INVITE_EPILOG = (
    "例子 (examples)：\n"
    "  xcheck invite coordinator 24 --count 2     安徽工商职业学院两个联络人\n"
    "  xcheck invite 院校 工商                    名称中的一段即可；有多个候选时会列出\n"
    "  xcheck invite org 某培训评价组织\n"
    "  xcheck invite city 合肥\n"
    "  xcheck invite expert 24 97                 专家，分配第24、97号院校\n"
    "  xcheck invite office                       办公室人员\n"
    "  xcheck invite --all coordinators --out 邀请.xlsx   全部院校、市教育局、培训评价组织各一个"
)

# --- CLI results and errors --------------------------------------------------------------------------------
ERR = "错误 (error)："
NOT_POSITIVE = "{option} 应为 {low}–{high} 之间的整数，收到 “{value}” (must be a whole number {low}–{high})"
BAD_ROLE = "“{role}” 不是角色 (unknown role)：可用 coordinator/院校、org/机构、city/市、expert/专家、office/办公室"
OUT_ONLY_WITH_ALL = "--out 和 --renew 只用于 --all (only with --all)"
NO_USERNAME = (
    "不知道机器人的用户名，无法生成可扫描的链接 (bot username unknown)：请先设置 XCHECK_BOT_TOKEN 并确保能连接 "
    "Telegram，或先运行一次 xcheck run"
)
INIT_NEXT = (
    "下一步 (next)：{n} 所院校尚未填写所在市，见 .venv/bin/xcheck roster check；导入名册工作簿"
    "（.venv/bin/xcheck roster template 名册.xlsx 生成空白模板），然后 "
    ".venv/bin/xcheck invite --all coordinators --out 邀请.xlsx"
)
ON_ONLY_WITH_CLOSE = "--on 只用于 close：xcheck campaign close --on 12月31日"
NO_MATCH = "找不到 “{ref}” (no match)：请使用附件3序号、全称或名称中的一段"
NO_ORG_MATCH = "名册中没有名称包含 “{ref}” 的培训评价组织 (no such organization)；名册中的培训评价组织："
NO_ORGS_IN_ROSTER = (
    "名册中还没有培训评价组织，找不到 “{ref}” (no organizations yet)：请先导入名册工作簿（证书表的培训评价组织列）"
)
MORE_CANDIDATES = "  ……共 {n} 个 (and more)"
AMBIGUOUS = "“{ref}” 对应多个单位 (ambiguous)，请写得更具体："
WRONG_KIND_ORG = "{name} 是{kind}，不是培训评价组织；院校请用 coordinator (wrong role)"
WRONG_KIND_SCHOOL = "{name} 是培训评价组织；请用 org (wrong role)"
BAD_CITY = "“{city}” 不是安徽省的地级市 (not a city of Anhui)，例如 合肥"
TARGET_NEEDED = "请给出对象 (target needed)：{role}"
ALL_ONLY_COORDINATORS = "--all 只能与 coordinators 一起使用：xcheck invite --all coordinators --out 邀请.xlsx"
ALL_NEEDS_OUT = "--all 需要 --out 工作簿.xlsx (where to write the invitations)"
OUT_NEEDS_XLSX = "--out “{path}” 应以 .xlsx 结尾，例如 --out {example} (must end in .xlsx)"
UNKNOWN_CITY = "“{city}” 不是安徽省的地级市 (unknown city)；可选：{cities}"
EXPORT_EMPTY = "没有可导出的内容 (nothing to export)：{what}"
EXPORT_EMPTY_CITY = "{city}市没有中职院校（或尚未填写所在市，见 xcheck roster check）"
EXPORT_EMPTY_ALL = "名册为空，请先运行 xcheck init"
BACKUP_EXISTS = "{path} 已存在，未覆盖 (exists)；如需覆盖请加 --force"
BACKUP_DONE = "数据库已复制到 {path} (database copied)"
DEADLINE_BOTH = "请同时给出类型和日期，或都不给 (give both a kind and a date, or neither)"
DEADLINE_BAD = "“{date}” 不是日期 (not a date)；例如 2020-12-15、12-15 或 12月15日"
SAMPLE_NONE = "尚未抽取样本 (no sample yet)；运行 xcheck sample --draw 抽取并记录"
SAMPLE_EXISTS = "已有样本 #{id}（种子 {seed}）。重新抽取将替换它，确定吗？输入 yes 确认 (type yes to replace): "
SAMPLE_KEPT = "未重新抽取，样本 #{id} 保持不变 (kept)"
SAMPLE_DRY = "试抽（未记录）(dry run, not recorded)"
CAMPAIGN_OPEN = "自查进行中 (open)；报告截止 {due}"
CAMPAIGN_CLOSES = "自查将于 {on} 24 时结束 (closes at the end of that day)；报告截止 {due}"
CAMPAIGN_CLOSED = "自查已于 {at} 结束 (closed)：不再发送提醒和每日进度，报告只读"
CAMPAIGN_REOPENED = "自查已重新开放 (reopened)"


def invitations_written(n: int, workbook: str, docx: str, kept: int, revoked: int) -> str:
    line = f"已生成 {n} 个邀请 (invitations)：工作簿 {workbook}，可打印邀请函 {docx}"
    if revoked:
        line += f"；此前未使用的 {revoked} 个邀请已作废 (revoked)"
    elif kept:
        line += f"；此前未使用的 {kept} 个邀请仍然有效 (earlier unused links stay valid; --renew revokes them)"
    return line


# --- invitations at scale ----------------------------------------------------------------------------------
INVITE_SHEET = "邀请"
INVITE_HEAD = ("单位", "角色", "邀请链接", "二维码", "有效期至", "网页版链接")
INVITE_ROLE_NAMES = {
    "coordinator": "院校联络人",
    "org": "培训评价组织联络人",
    "city": "市教育局",
    "expert": "专家",
    "office": "省办公室",
}
LETTER_TITLE = "“1+X”证书制度试点工作自查 · 邀请函"
LETTER_BODY = (
    "{unit}：\n"
    "请贵单位负责自查填报的同志用手机扫描下方二维码，或在 Telegram 中打开下方链接（无法使用 Telegram 时，"
    "用浏览器打开网页版链接），绑定为{role}，然后按提示逐项填报自查报告。链接只能使用一次，"
    "有效期至 {expires}。如需为多位同志开通，请联系省 1+X 协调推进办公室另行索取。"
)
LETTER_LINK = "链接：{link}"
LETTER_WEB_LINK = "网页版链接（无法使用 Telegram 时用浏览器打开）：{link}"
LETTER_SIGN = "安徽省 1+X 证书制度试点工作协调推进办公室"

# --- chat: partial names ----------------------------------------------------------------------------------


def candidates(ref: str, names: list[str]) -> str:
    shown = "\n".join(f"· {escape(n)}" for n in names[:15])
    more = f"\n……共 {len(names)} 个" if len(names) > 15 else ""
    return f"“{escape(ref)}”对应多个单位，请写得更具体，例如完整名称或附件3序号：\n{shown}{more}"


def no_match(ref: str) -> str:
    return f"找不到“{escape(ref)}”。请使用附件3中的序号、完整名称或名称中的一段（如：工商）。"


def no_org(ref: str) -> str:
    return f"名册中没有名称包含“{escape(ref)}”的培训评价组织。请先导入名册，或核对名称。"


EXPORT_BAD_CITY = "“{city}”不是安徽省的地级市。请发送 /export 合肥 这样的地市名，或只发送 /export 导出全省。"

# --- campaign close ---------------------------------------------------------------------------------------
CLOSED_READ_ONLY = "本次自查已结束，报告只读，不能再修改。"  # also zh.REFUSALS["closed"]


def days_past(days: int) -> str:
    """The digest's line once the deadline is past: a fact, not a call to hurry; long past, what to do."""
    if days > 30:
        return f"截止日期已过 {days} 天；如本次自查已结束，请运行 xcheck campaign close，如需延期请用 /deadline"
    return f"截止日期已过 {days} 天"
