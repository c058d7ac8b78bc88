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
    ("whoami", "查看我的 Telegram id"),
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
    "  角色：院校（coordinator，对象为附件3序号、名称或名称中的一段）、机构（org，培训评价组织）、"
    "市（city，对象为市名）、专家（expert，可跟院校序号）、办公室（office）"
    "\n/review [序号或名称] — 审核报告（退回、通过、比较版本）；名称可只写一段；不带参数列出待审核报告"
    "\n/progress — 填报进度　/sample [种子] — 抽取抽查样本（/sample show 查看）"
    "\n/assign 专家ID 序号… — 分配抽查对象　/experts — 专家名单　/grades — 评定结果"
    "\n/flags — 需要关注的答案与数据不一致"
    "\n/export [地市] — 导出汇总工作簿与佐证材料包；/export 合肥 导出该市的材料包"
    "\n/deadline [report|questionnaire 日期] — 截止日期　/broadcast — 群发通知"
    "\n/questionnaire teacher|student 链接 — 设置问卷；/questionnaire send 通知各院校　/quotas — 问卷未达标院校"
)


def office_error(kind: str, where: str) -> str:
    return f"⚠️ 处理更新时出错：<code>{escape(kind)}</code>（{escape(where)}）。详情见日志。"


# --- 邀请 -------------------------------------------------------------------------------------------
INVITE_USAGE = (
    "用法：/invite 角色 对象 [数量]\n"
    "例如：/invite 院校 24　/invite 院校 安徽工商　/invite 市 合肥　/invite 机构 某培训评价组织　/invite 专家 24 97"
)
INVITE_BAD_ROLE = "角色应为 院校、机构、市、专家、办公室（或 coordinator、org、city、expert、office）之一。"
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
    return "—" if rate is None else f"{rate * 100:.2f}%"


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


def menu(
    unit: str,
    certificate: str | None,
    status: str,
    done_sections: int,
    total_sections: int,
    campaign: str = "",
    due: str = "",
) -> str:
    head = f"📋 {escape(campaign)}（截止 {escape(due)}）\n" if campaign else ""
    return (
        f"{head}{unit_line(unit, certificate)}\n<b>自查报告</b> · {STATUS_NAMES.get(status, status)}\n"
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


# --- 佐证材料 --------------------------------------------------------------------------------------------
BTN_EVIDENCE = "📎 佐证材料"
BTN_DELETE_CONFIRM, BTN_CANCEL = "🗑 确认删除", "取消"
BTN_BACK_TO_ITEM = "◀ 返回本项"

REFUSALS.update(
    {
        "not_reopened": "此项未被退回修改，已锁定。请修改被退回的项目。",
        "not_submitted": "该报告尚未提交，不能退回或通过。",
        "accepted_final": "该报告已通过审核，不能再更改。",
        "no_version": "没有该版本。",
        "evidence_no_item": "请先进入要附加材料的监测点（菜单 → 📑 选择部分），再发送文件或照片。",
        "closed": "本次自查已结束，报告只读，不能再修改。",
    }
)

EVIDENCE_REFUSALS = {
    "too_big": "❗ 文件超过 {limit_mb} MB，机器人无法接收。请压缩或拆分为多个文件后分别发送；"
    "确需提交大文件的，请与纸质材料一并报送省办公室。",
    "bad_type": "❗ 无法识别该文件的内容。可接收：PDF、OFD、图片（JPG/PNG/HEIC）、Word、Excel、PPT、"
    "压缩包（ZIP/RAR/7z）、视频（MP4）。安装程序等其他文件不能接收。"
    "请另存为上述格式后重新发送（文件名后缀改了不算）。",
    "download_failed": "❗ 文件接收失败（网络中断），未保存任何内容。请重新发送该文件。",
    "duplicate": "该文件已作为本项的佐证材料（{name}），无需重复上传。",
}


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, size // 1024)} KB"


def evidence_saved(where: str, name: str, label: str, size: int, count: int) -> str:
    return (
        f"📎 已保存为<b>{escape(where)}</b>的佐证材料：{escape(name)}（{label}，{size_text(size)}）。\n"
        f"本项共 {count} 份。可继续发送文件追加。"
    )


def evidence_list(where: str, files: list[tuple[int, str, int]], *, readonly: bool = False) -> str:
    if not files and readonly:
        return f"{escape(where)}：暂无佐证材料。"
    if not files:
        return f"<b>{escape(where)}</b>暂无佐证材料。\n进入该项后直接发送文件或照片即可附加（单个不超过 20 MB）。"
    lines = "\n".join(f"{n}. {escape(name)}（{size_text(size)}）" for n, (_, name, size) in enumerate(files, 1))
    action = "点文件可获取副本。" if readonly else "点编号可删除。"
    return f"<b>{escape(where)}</b>的佐证材料（{len(files)} 份）：\n{lines}\n{action}"


def evidence_delete_confirm(name: str) -> str:
    return f"确定删除佐证材料“{escape(name)}”吗？"


def evidence_deleted(name: str) -> str:
    return f"已删除“{escape(name)}”。"


def evidence_overview(lines: list[tuple[str, int]]) -> str:
    if not lines:
        return "📎 尚未上传任何佐证材料。\n进入某个监测点后直接发送文件或照片即可附加。"
    body = "\n".join(f"• {escape(where)}：{n} 份" for where, n in lines)
    return f"📎 <b>佐证材料</b>（共 {sum(n for _, n in lines)} 份）\n{body}"


def item_name(point_no: int | None, section_no: int, narrative: str = "") -> str:
    return f"监测点 {point_no}" if point_no is not None else f"第{section_no}部分 {narrative}"


# --- 预览、提交、退回 --------------------------------------------------------------------------------------
BTN_REVIEW, BTN_SUBMIT, BTN_SUBMIT_CONFIRM = "📝 预览并提交", "✅ 提交报告", "✅ 确认提交"
BTN_PAGES = "📄 逐部分查看"
BTN_PREV_PAGE, BTN_NEXT_PAGE, BTN_SUMMARY = "◀ 上一部分", "下一部分 ▶", "↩ 预览首页"
BTN_START_REVISION = "✏️ 开始修改"


def version_text(version: int) -> str:
    return f"第 {version} 版" if version else "尚未提交过"


def review_summary(
    unit: str,
    certificate: str | None,
    status: str,
    version: int,
    missing: list[str],
    lacking: list[str],
    files: int,
    *,
    for_author: bool = True,
) -> str:
    lines = [
        unit_line(unit, certificate),
        f"<b>自查报告预览</b> · {STATUS_NAMES.get(status, status)} · {version_text(version)}",
    ]
    lines.append(f"📎 佐证材料共 {files} 份")
    if missing:
        shown = "、".join(missing[:12]) + (f" 等 {len(missing)} 项" if len(missing) > 12 else "")
        lines.append(f"❗ 尚未完成（{len(missing)} 项）：{shown}")
    if lacking:
        lines.append(f"📎 以下核心监测点缺少佐证材料：{'、'.join(lacking)}")
    if not missing and not lacking and for_author:
        lines.append("✅ 所有必填项目均已完成，可以提交。提交后报告将锁定。")
    elif not missing and not lacking:
        lines.append("✅ 所有必填项目均已完成。")
    return "\n".join(lines)


def submit_refused(missing: list[str], lacking: list[str]) -> str:
    parts = ["❗ 暂不能提交，请先完成："]
    if missing:
        parts.append("未填写：" + "、".join(missing[:20]) + (f" 等 {len(missing)} 项" if len(missing) > 20 else ""))
    if lacking:
        parts.append("缺少佐证材料：" + "、".join(lacking))
    return "\n".join(parts)


SUBMIT_CONFIRM = "提交后报告将锁定，不能再修改（除非省办公室退回）。确认提交吗？"


def receipt(unit: str, certificate: str | None, number: str, version: int, at: str, checksum: str) -> str:
    return (
        f"✅ <b>提交成功</b>\n{unit_line(unit, certificate)}\n回执编号：<code>{escape(number)}</code>\n"
        f"版本：第 {version} 版\n提交时间：{escape(at)}\n校验码：<code>{checksum[:16]}</code>\n"
        "请保存本回执。纸质报告（加盖公章）与佐证材料请按通知要求寄送。"
    )


def office_submitted(unit: str, certificate: str | None, version: int, number: str) -> str:
    return f"📥 {unit_line(unit, certificate)} 提交了自查报告（第 {version} 版，回执 {escape(number)}）。"


def returned_to_coordinator(unit: str, certificate: str | None, lines: list[tuple[str, str]]) -> str:
    body = "\n".join(f"• <b>{escape(where)}</b>：{escape(comment)}" for where, comment in lines)
    return f"↩️ 省办公室退回了{unit_line(unit, certificate)}的自查报告，请修改以下内容后重新提交：\n{body}"


def section_page(unit: str, certificate: str | None, no: int, total: int, title: str, lines: list[str]) -> str:
    head = f"{unit_line(unit, certificate)} · 第{no}部分 / 共{total}部分\n<b>{no}. {escape(title)}</b>"
    return head + "\n" + "\n".join(lines)


NOT_ANSWERED = "（未填写）"
REOPENED_MARK = "↩️"


def review_line(label: str, core: bool, answer: str, files: int, comment: str | None) -> str:
    star = " ★" if core else ""
    clip_files = f"（📎{files}）" if files else ""
    note = f"\n　{REOPENED_MARK} 退回意见：{escape(comment)}" if comment else ""
    return f"<b>{escape(label)}{star}</b>：{answer}{clip_files}{note}"


# --- 办公室审核 --------------------------------------------------------------------------------------------
BTN_RETURN_POINTS, BTN_RETURN_ALL = "↩️ 退回部分项目", "↩️ 退回整份"
BTN_ACCEPT, BTN_ACCEPT_CONFIRM, BTN_RETURN_CONFIRM = "✅ 通过", "✅ 确认通过", "↩️ 确认退回"
BTN_DIFF = "🔍 比较版本"
BTN_CARD = "↩ 返回报告"
BTN_OPEN_CARD = "📄 查看报告"
REVIEW_USAGE = "用法：/review 附件3序号或单位名称，例如：/review 24"
REVIEW_NOTHING = "目前没有待审核的报告。"
REVIEW_PICK = "请选择报告："
RETURN_POINTS_PROMPT = (
    "请发送要退回的项目及意见，每行一条：\n<code>监测点号 意见</code>\n例如：\n<code>8 请补充与人才培养目标对接的说明\n"
    "20 支付人数与佐证不符</code>\n第3部分的叙述写作 <code>s3 意见</code>。发送 /cancel 取消。"
)
RETURN_ALL_PROMPT = "请发送退回整份报告的意见。发送 /cancel 取消。"
RETURN_BAD_LINES = "以下行无法识别（格式：监测点号 意见）："
RETURN_TOO_LONG = "每条意见不超过 500 字。"


def card(
    unit: str,
    certificate: str | None,
    status: str,
    version: int,
    submitted: str | None,
    missing: int,
    files: int,
    versions: int,
) -> str:
    lines = [
        unit_line(unit, certificate),
        f"状态：{STATUS_NAMES.get(status, status)} · {version_text(version)}（共 {versions} 个提交版本）",
    ]
    if submitted:
        lines.append(f"最近提交：{escape(submitted)}")
    lines.append(f"未完成项目：{missing} · 佐证材料：{files} 份")
    return "\n".join(lines)


def return_preview(lines: list[tuple[str, str]]) -> str:
    body = "\n".join(f"• <b>{escape(where)}</b>：{escape(comment)}" for where, comment in lines)
    return f"将退回以下内容，请确认：\n{body}"


def returned_done(unit: str, n: int) -> str:
    return f"已退回 {escape(unit)}（{n} 项），并已通知其联络人。"


def accepted(unit: str) -> str:
    return f"✅ 已通过 {escape(unit)} 的自查报告。报告已最终锁定。"


ACCEPT_ASK = "通过后报告将最终锁定，不能再退回或修改。确认通过吗？"
DIFF_NEED_TWO = "该报告只有一个提交版本，暂无可比较的内容。"


def diff_text(old: int, new: int, changed: list[tuple[str, str, str]], added: list[str], removed: list[str]) -> str:
    lines = [f"🔍 <b>第 {old} 版 → 第 {new} 版</b>"]
    if not changed and not added and not removed:
        lines.append("两个版本内容相同。")
    for where, before, after in changed:
        lines.append(f"• <b>{escape(where)}</b>：{before} → {after}")
    if added:
        lines.append("📎 新增材料：" + "、".join(escape(n) for n in added))
    if removed:
        lines.append("📎 删除材料：" + "、".join(escape(n) for n in removed))
    return "\n".join(lines)


def accepted_notice(unit: str, certificate: str | None) -> str:
    return f"✅ {unit_line(unit, certificate)} 的自查报告已通过省办公室审核。"


# --- 地市、牵头院校 ------------------------------------------------------------------------------------------
BTN_CITY_COMPLETE = "✅ 确认本市材料汇总完成"
BTN_LEAD = "📋 牵头证书"
NOT_STARTED = "未开始"


def city_overview(city: str, rows: list[tuple[str, str]], completed: str | None) -> str:
    body = "\n".join(f"• {escape(name)}：{status}" for name, status in rows) or "（名册中暂无本市中职试点院校）"
    done = f"\n✅ 已于 {escape(completed)} 确认汇总完成。" if completed else ""
    submitted = sum(1 for _, s in rows if s in (STATUS_NAMES["submitted"], STATUS_NAMES["accepted"]))
    return f"🏙 <b>{escape(city)}市 中职试点院校自查报告</b>（已提交 {submitted}/{len(rows)}）\n{body}{done}"


def city_not_ready(names: list[str]) -> str:
    return "❗ 以下学校尚未提交，暂不能确认汇总完成：" + "、".join(escape(n) for n in names)


def city_completed(city: str) -> str:
    return f"✅ {escape(city)}市中职自查材料已确认汇总完成，已通知省办公室。"


def office_city_completed(city: str) -> str:
    return f"🏙 {escape(city)}市已确认中职自查材料汇总完成。"


def lead_overview(rows: list[tuple[str, str, str]]) -> str:
    if not rows:
        return "贵校不是任何证书的牵头院校。"
    body = "\n".join(f"• {escape(cert)}（{escape(org)}）：{status}" for cert, org, status in rows)
    return f"📋 <b>贵校牵头的证书</b>：培训评价组织自查报告\n{body}"


# --- 进度、抽查、专家评定 -------------------------------------------------------------------------------------
PROGRESS_STATUS = {
    "not_started": "未开始",
    "in_progress": "填报中",
    "submitted": "已提交",
    "returned": "已退回",
    "accepted": "已通过",
}
PROGRESS_SHORT = {"not_started": "未", "in_progress": "填", "submitted": "交", "returned": "退", "accepted": "过"}
BTN_ORGS = "🏢 培训评价组织"
BTN_BY_CITY = "🏙 按地市"


def progress_table(title: str, groups: list[tuple[str, dict[str, int]]]) -> str:
    head = "        " + " ".join(f"{PROGRESS_SHORT[s]:>3}" for s in PROGRESS_SHORT) + "  计"
    rows = []
    for name, counts in groups:
        label = (name + "　" * 4)[:4]
        cells = " ".join(f"{counts.get(s, 0):>4}" for s in PROGRESS_SHORT)
        rows.append(f"{label}{cells} {sum(counts.values()):>4}")
    legend = "未=未开始 填=填报中 交=已提交 退=已退回 过=已通过"
    return f"📊 <b>{escape(title)}</b>\n<pre>{head}\n" + "\n".join(rows) + f"</pre>\n{legend}"


def status_list(status: str, names: list[str]) -> str:
    body = "\n".join(escape(n) for n in names) or "（无）"
    return f"<b>{PROGRESS_STATUS[status]}</b>（{len(names)}）：\n{body}"


def sample_drawn(sample_id: int, seed: str, strata: dict[str, dict[str, int]], names: list[str]) -> str:
    lines = [f"🎲 <b>抽查样本 #{sample_id}</b>　种子：<code>{escape(seed)}</code>"]
    for stratum, n in strata.items():
        lines.append(f"• {escape(stratum)}：{n['drawn']}/{n['population']}")
    lines.append("名单：")
    lines += [f"{n}. {escape(name)}" for n, name in enumerate(names, 1)]
    lines.append("用同一种子再次抽取（/sample 种子）可复现同一结果。")
    return "\n".join(lines)


NO_SAMPLE = "尚未抽取样本。发送 /sample 抽取，或 /sample 种子 以指定种子。"
ASSIGN_USAGE = "用法：/assign 专家用户ID 附件3序号…，例如：/assign 123456 24 97"
EXPERT_UNKNOWN = "找不到该专家。请先用 /invite expert 邀请并让其绑定，/experts 可查看专家 ID。"


def assigned(name: str, units: list[str]) -> str:
    return f"已为专家 {escape(name)} 分配：" + "、".join(escape(u) for u in units)


def experts_list(rows: list[tuple[int, str, int]]) -> str:
    if not rows:
        return "尚无已绑定的专家。"
    return "<b>专家</b>\n" + "\n".join(
        f"• {escape(n) or '（未署名）'}　ID <code>{uid}</code>　分配 {k} 所" for uid, n, k in rows
    )


def grades_list(rows: list[tuple[str, str, str, str]]) -> str:
    if not rows:
        return "尚无评定结果。"
    return "<b>评定结果</b>\n" + "\n".join(
        f"• {escape(u)}：<b>{g}</b>（{escape(e)}）{('— ' + escape(clip(c, 60))) if c else ''}" for u, g, e, c in rows
    )


def expert_menu(rows: list[tuple[str, str, str | None]]) -> str:
    if not rows:
        return "👩‍🏫 您尚未被分配抽查对象，请联系省办公室。"
    body = "\n".join(f"• {escape(n)}：{s}" + (f" · 评定：{g}" if g else "") for n, s, g in rows)
    return f"👩‍🏫 <b>您的抽查对象</b>\n{body}"


def expert_card(unit: str, status: str, files: int, grade: str | None, comment: str | None) -> str:
    lines = [f"🏫 {escape(unit)}", f"报告状态：{status} · 佐证材料 {files} 份"]
    lines.append(f"当前评定：<b>{grade}</b>" + (f"（{escape(comment)}）" if comment else "") if grade else "尚未评定。")
    lines.append("请选择评定等级：")
    return "\n".join(lines)


def grade_comment_prompt(grade: str) -> str:
    need = "请发送评定意见（必填）。" if grade in ("整改", "取消试点资格") else "请发送评定意见；无意见请发送“无”。"
    return f"评定等级：<b>{grade}</b>。{need}"


GRADE_COMMENT_REQUIRED = "“整改”和“取消试点资格”须填写评定意见。"


def graded(unit: str, grade: str) -> str:
    return f"✅ 已记录：{escape(unit)} 评定为 <b>{grade}</b>。"


BTN_FILES = "📎 佐证材料"


# --- 导出 -----------------------------------------------------------------------------------------------------
SHEET_SUMMARY, SHEET_ORG_SUMMARY, SHEET_CROSS = "汇总", "培训评价组织汇总", "交叉核对"
SHEET_EVIDENCE, SHEET_SAMPLE, SHEET_GRADES = "佐证材料", "抽查样本", "专家评定"
HEAD_SUMMARY = ("序号", "类型", "名称", "所在市", "状态", "提交时间", "版本", "总报考率", "考核率", "合格率")
HEAD_ORG_SUMMARY = ("培训评价组织", "证书", "状态", "提交时间", "版本", "报考率", "考核率", "合格率")
HEAD_TAIL = ("佐证材料数", "标记")
HEAD_UNIT = ("指标", "监测点", "填报内容", "佐证材料")
HEAD_CROSS = ("证书", "比较项", "院校填报合计", "填报院校数", "培训评价组织填报", "差额", "是否一致")
HEAD_EVIDENCE = ("文件", "机构", "部分", "监测点", "大小（字节）", "SHA-256", "包内路径")
HEAD_SAMPLE = ("名称", "层")
HEAD_GRADES = ("机构", "专家", "评定", "意见", "时间")
CONSISTENT, INCONSISTENT = "一致", "不一致"
EXPORT_YES, EXPORT_NO = "是", "否"
CERT_COLUMN, LEVEL_COLUMN = "证书", "级别"


def export_title(label: str, year: int) -> str:
    return f"{label} “1+X”证书制度试点工作自检自查报告（{year} 年度）"


def sample_meta(sample_id: int, seed: str, by: str, at: str) -> str:
    return f"样本 #{sample_id}　种子 {seed}　抽取人 {by}　时间 {at}"


def export_total(label: str, rate: str) -> str:
    return f"合计{label} {rate}"


# Word self-report
DOC_NARRATIVE_EMPTY = "（未填写）"
DOC_EVIDENCE_TITLE = "佐证材料清单"
DOC_NOTE = "注：相关佐证材料另附。★ 代表核心监测点。"
CN_NUMERALS = "一二三四五六七八九十"


# Progress messages for exports run in the background
EXPORT_STARTED = "⏳ 正在生成导出文件，完成后自动发送……"
EXPORT_DONE = "✅ 导出完成：工作簿 {sheets} 个工作表，佐证材料 {files} 份。"
EXPORT_TOO_BIG = (
    "佐证材料包 {size} 超过 Telegram 可发送的 50 MB，无法在聊天中发送（聊天导出的文件不在服务器上保留）。"
    "请在服务器上运行 <code>xcheck export --out 汇总.xlsx</code> 取得（佐证材料包写在工作簿旁边）。"
)
EXPORT_FAILED = "❗ 导出失败，已通知管理员。"
BTN_DOWNLOAD = "📄 下载我的报告"
BTN_CITY_EXPORT = "📤 导出本市材料"
SCALE_LABEL = "试点规模"
TOTAL_LABEL = "合计"


# --- 截止日期、提醒、广播、问卷 -------------------------------------------------------------------------------
DEADLINE_KINDS = {"report": "自查报告", "questionnaire": "问卷调查"}
DEADLINE_USAGE = "用法：/deadline report|questionnaire 2020-12-15（或 12-15、12月15日）"
DEADLINE_BAD = "日期格式不对。请写作 2020-12-15、12-15 或 12月15日。"


def deadline_set(kind: str, due: str) -> str:
    return f"已将{DEADLINE_KINDS[kind]}截止日期设为 {escape(due)}（当日 24:00 前）。提醒将按此日期发送。"


def deadlines_text(rows: list[tuple[str, str]]) -> str:
    return "<b>截止日期</b>\n" + "\n".join(f"• {DEADLINE_KINDS[k]}：{escape(d)}" for k, d in rows)


def days_left(days: int) -> str:
    if days > 0:
        return f"距截止还有 {days} 天"
    if days == 0:
        return "今天截止"
    return f"已超过截止日期 {-days} 天，请尽快完成"


def report_gap(unit: str, done_sections: int, total_sections: int, missing_evidence: int, status: str) -> str:
    parts = [f"已完成 {done_sections}/{total_sections} 部分"]
    if missing_evidence:
        parts.append(f"{missing_evidence} 个核心监测点缺少佐证材料")
    if status == "returned":
        parts.append("有退回修改的项目待处理")
    elif done_sections == total_sections and not missing_evidence:
        parts.append("已全部填写，尚未提交")
    return f"{escape(unit)}：" + "，".join(parts)


def quota_gap(students_short: int, teachers_short: int, uncovered: list[str]) -> str:
    parts = []
    if students_short:
        parts.append(f"学生还差 {students_short} 人")
    if teachers_short:
        parts.append(f"教师还差 {teachers_short} 人")
    if uncovered:
        parts.append("未覆盖证书：" + "、".join(escape(n) for n in uncovered[:5]))
    return "问卷：" + "，".join(parts) if parts else ""


def reminder(kind: str, lines: list[str], when: str, due: str, *, ready: bool = False) -> str:
    body = "\n".join(f"• {line}" for line in lines)
    # A report filled in completely only waits for its submission: say so, not "continue".
    tail = "请发送 /menu，点“📝 预览并提交”完成提交。" if ready else "发送 /menu 继续填报。"
    return f"⏰ <b>{DEADLINE_KINDS[kind]}提醒</b>（截止 {escape(due)}，{when}）\n{body}\n{tail}"


def reminder_city(city: str, names: list[str], when: str) -> str:
    return f"⏰ <b>{escape(city)}市中职自查材料</b>（{when}）\n尚未提交（{len(names)} 所）：" + "、".join(
        escape(n) for n in names[:60]
    )


def reminder_lead(rows: list[str], when: str) -> str:
    return f"⏰ <b>牵头证书提醒</b>（{when}）\n以下培训评价组织尚未提交自查报告，请督促：\n" + "\n".join(
        f"• {escape(r)}" for r in rows
    )


def digest(
    day: str, schools: dict[str, tuple[int, int]], counts: dict[str, int], orgs: tuple[int, int], when: str
) -> str:
    kinds = "、".join(f"{k} {a}/{b}" for k, (a, b) in schools.items())
    statuses = "，".join(f"{PROGRESS_STATUS[s]} {n}" for s, n in counts.items())
    return (
        f"📊 <b>每日进度</b>（{escape(day)}，{when}）\n院校已提交：{kinds}\n{statuses}\n"
        f"培训评价组织（按证书）已提交：{orgs[0]}/{orgs[1]}"
    )


BROADCAST_ASK_TEXT = "请发送广播内容（不超过 2000 字）。发送 /cancel 取消。"
BROADCAST_PICK = "请选择接收对象："
BROADCAST_NOBODY = "该范围内没有已绑定的接收人，请换一个范围。"
AUDIENCE_NAMES = {
    "all": "全部联络人",
    "kind": "{arg}",
    "city": "{arg}市",
    "pending": "尚未提交的单位",
    "returned": "被退回修改的单位",
    "cert": "证书：{arg}",
    "schools": "全部试点院校",
}
BTN_AUD_CITIES, BTN_AUD_CERTS = "🏙 按地市…", "📜 按证书…"
BTN_SEND = "📣 确认发送"


def audience_label(audience: str, arg: str) -> str:
    return AUDIENCE_NAMES.get(audience, audience).format(arg=arg)


def broadcast_preview(label: str, n: int, text: str) -> str:
    return f"将发送给 <b>{escape(label)}</b> 共 <b>{n}</b> 人。预览：\n——————\n{escape(text)}"


def broadcast_report(
    bid: int, label: str, total: int, by_status: dict[str, int], done: bool, problems: list[tuple[str, str]]
) -> str:
    state = "✅ 已完成" if done else "⏳ 发送中"
    line = (
        f"已发送 {by_status.get('sent', 0)}/{total} · 失败 {by_status.get('failed', 0)} · "
        f"无法送达 {by_status.get('unreachable', 0)} · 状态未知 {by_status.get('unknown', 0)}"
    )
    text = f"📣 <b>广播 #{bid}</b>（{escape(label)}）{state}\n{line}"
    if problems:
        names = {"failed": "失败", "unreachable": "无法送达（已屏蔽机器人）", "unknown": "状态未知（未重发，请核实）"}
        text += "\n" + "\n".join(f"• {escape(who)}：{names.get(s, s)}" for who, s in problems[:60])
    return text[:4000]


QUEST_USAGE = "用法：/questionnaire teacher|student 链接；/questionnaire send 通知各院校；/quotas 查看未达标院校"
QUEST_BAD_URL = "请提供以 http:// 或 https:// 开头的问卷链接。"
QUEST_KIND = {"teacher": "教师问卷", "student": "学生问卷"}


def quest_link_set(kind: str, url: str) -> str:
    return f"已设置{QUEST_KIND[kind]}：{escape(url)}\n发送 /questionnaire send 通知所有院校联络人。"


def quest_notice(links: dict[str, str], due: str) -> str:
    lines = [f"• {QUEST_KIND[k]}：{escape(u)}" for k, u in links.items() if u]
    return (
        f"🧾 <b>“1+X”证书制度试点工作问卷调查</b>（{escape(due)} 前完成）\n"
        + "\n".join(lines)
        + "\n要求：参与学生不少于证书平台备案人数的 1% 且不少于 10 人，教师不少于 10 人，覆盖本校全部试点证书。"
        "\n问卷二维码及参与人数填报：/menu → 🧾 问卷调查。"
    )


BTN_QUEST = "🧾 问卷调查"


def quest_screen(
    links: dict[str, str], rows: list[tuple[str, tuple[int, int, int] | None]], gap: str, met: bool
) -> str:
    head = "\n".join(f"{QUEST_KIND[k]}：{escape(u)}" for k, u in links.items() if u) or "问卷链接尚未发布。"
    body = (
        "\n".join(
            f"• {escape(name)}：" + (f"教师 {c[0]}，学生 {c[1]}，备案 {c[2]}" if c else "未填报") for name, c in rows
        )
        or "（名册中没有贵校的试点证书）"
    )
    status = "✅ 已达到问卷要求。" if met else f"❗ {gap}"
    return f"🧾 <b>问卷调查</b>\n{head}\n{body}\n{status}\n点“填报人数”按证书填写。"


BTN_QUEST_FILL = "✏️ 填报人数"


def quest_ask(name: str, index: int, total: int) -> str:
    return (
        f"证书：<b>{escape(name)}</b>　第 {index}/{total} 个\n"
        "请依次发送 参与教师数、参与学生数、该证书平台备案学生数，用空格分隔，例如：12 30 800"
    )


def quotas_short(rows: list[tuple[str, str]]) -> str:
    if not rows:
        return "✅ 已填报的院校均达到问卷要求（未填报的院校见 /progress）。"
    return f"<b>问卷未达标</b>（{len(rows)} 所）\n" + "\n".join(f"• {escape(n)}：{g}" for n, g in rows)[:3900]


# --- 名册导入、标记、提纲打印、零散片段 ---------------------------------------------------------------------------
def month_day(month: int, day: int) -> str:
    return f"{month}月{day}日"


def roster_where(sheet: str, row: int) -> str:
    return f"{sheet} 第{row}行"


ROSTER_ERRORS = {
    "unreadable": "无法读取工作簿：{kind}",
    "no_sheet": "缺少工作表“{sheet}”",
    "no_name": "{where}：名称为空",
    "dup_name": "{where}：名称“{name}”重复",
    "bad_kind": "{where}：类型“{kind}”无效，应为 {kinds}",
    "bad_seq": "{where}：序号“{seq}”不是正整数",
    "need_seq": "{where}：院校须有附件3中的序号",
    "dup_seq": "{where}：序号 {seq} 重复",
    "bad_city": "{where}：所在市“{city}”不是安徽省的地级市",
    "no_cert": "{where}：证书名称为空",
    "dup_cert": "{where}：证书“{cert}”重复",
    "not_org": "{where}：“{org}”在院校表中不是培训评价组织",
    "no_lead": "{where}：牵头院校“{lead}”不在院校表中",
    "no_inst": "{where}：院校“{inst}”不在院校表中",
    "unknown_cert": "{where}：证书“{cert}”不在证书表中",
    "bad_scale": "{where}：试点规模“{scale}”应为非负整数",
    "dup_pilot": "{where}：“{inst}”的“{cert}”重复",
}

RATE_NAMES = {"registration": "报考率", "assessment": "考核率", "pass": "合格率"}
CROSS_LABELS = {"registered": "报名人数", "assessed": "考核人数", "passed": "合格人数", "fee_paid": "已支付人数"}


def flag_rate(what: str, rate: float, high: bool) -> str:
    return f"{what} {percent(rate)} " + ("超过100%" if high else "偏低")


def flag_total(rate: float, high: bool) -> str:
    return flag_rate("总报考率", rate, high)


FILE_KINDS = {"pdf": "PDF", "jpeg": "图片", "png": "图片", "docx": "Word", "doc": "Word", "xlsx": "Excel",
              "xls": "Excel", "pptx": "PPT", "ppt": "PPT", "zip": "ZIP", "rar": "RAR", "7z": "7z",
              "ofd": "OFD", "heic": "图片", "heif": "图片", "mp4": "视频", "mov": "视频"}  # fmt: skip

OUTLINE_ROWS = {"certificates": "按证书", "levels": "按级别（初级/中级/高级）", "once": ""}
OUTLINE_YESNO = {"practice": "是/否（选否须说明）", "violation": "是/否（选是须说明情况）"}
OUTLINE_CHOICE, OUTLINE_TEXT, OUTLINE_FILL, OUTLINE_CALC = "单选：", "文字", "填写：", "；计算："
OUTLINE_NARRATIVES = "       叙述："
OUTLINE_CORE_NOTE = "★ 代表核心监测点"


def outline_number(lo: int, hi: int, unit: str) -> str:
    return f"整数 {lo}–{hi}{unit}"


def outline_heading(source: str, title: str, year: int) -> str:
    return f"{source} {title}（{year} 年度）"


def scale_note(scale: int) -> str:
    return f"（规模 {scale}）"


def narrative_prompt(label: str) -> str:
    return f"请填写本部分的<b>{escape(label)}</b>。"


def comment_line(comment: str) -> str:
    return f"{REOPENED_MARK} 退回意见：{escape(comment)}"


WHOLE_REPORT = "整份报告"
LEVEL_WORD = "级别"
BTN_BACK_TO_PROGRESS = "◀ 进度"
LIST_SUFFIX = "名单"


def progress_schools_title(n: int) -> str:
    return f"试点院校填报进度（{n} 所）"


PROGRESS_BY_CITY = "按地市"


def progress_orgs_title(n: int) -> str:
    return f"培训评价组织（{n} 个证书报告）"


def city_label(city: str | None, name: str) -> str:
    return f"{city}市 {name}".strip()


EXPORT_NAME_ALL, EXPORT_NAME_ONE = "自查汇总", "自查报告"


def export_name_city(city: str) -> str:
    return f"{city}市中职自查汇总"


def docx_name(unit_folder: str) -> str:
    return f"{unit_folder}_自查报告.docx"


QUEST_CAPTIONS = {"教师问卷": "teacher", "教师": "teacher", "teacher": "teacher",
                  "学生问卷": "student", "学生": "student", "student": "student"}  # fmt: skip
QUEST_QR_HOW = "发送问卷二维码图片时，请在图片说明中写“教师问卷”或“学生问卷”。"
QUEST_QR_NOT_IMAGE = "二维码须为 JPG 或 PNG 图片。"
BTN_QUEST_QR = "📷 查看问卷二维码"
QUEST_QR_NONE = "省办公室尚未发布问卷二维码，请使用上面的链接。"


def quest_qr_set(kind: str) -> str:
    return f"已设置{QUEST_KIND[kind]}二维码。院校联络人可在 /menu → 🧾 问卷调查 中查看。"


def flags_text(rows: list[tuple[str, list[str]]], mismatches: list[str], drafts: list[str] | None = None) -> str:
    """Cross-checks compare the last submitted versions; `drafts` (never submitted) are listed apart."""
    drafts = drafts or []
    if not rows and not mismatches and not drafts:
        return "✅ 目前没有需要关注的答案或数据不一致。"
    lines = ["🚩 <b>需要关注</b>"] if rows or mismatches else []
    lines += [f"• {escape(unit)}：{escape('；'.join(flags))}" for unit, flags in rows]
    if mismatches:
        lines.append("<b>院校与培训评价组织数据不一致</b>（均按最后一次提交的版本核对，草稿不计入）")
        lines += [f"• {escape(m)}" for m in mismatches]
    if drafts:
        lines.append("<b>草稿（未提交，未核对）</b>")
        lines += [f"• {escape(d)}" for d in drafts]
    return "\n".join(lines)


def mismatch(cert: str, label: str, schools: int, n: int, org: int) -> str:
    return f"{cert} {label}：{n} 所院校合计 {schools}，培训评价组织填报 {org}"


# --- 办公室主菜单 ---------------------------------------------------------------------------------------------
OFFICE_MENU = "🏛 <b>省1+X协调推进办公室</b>\n请选择（也可直接发送指令，/help 查看全部）："
BTN_OFFICE = {
    "progress": "📊 填报进度",
    "review": "📥 待审核报告",
    "flags": "🚩 需要关注",
    "broadcast": "📣 群发通知",
    "deadline": "⏰ 截止日期",
    "quotas": "🧾 问卷达标",
    "sample": "🎲 抽查样本",
    "grades": "📝 专家评定",
    "export": "📤 导出全部",
}
BTN_OPEN_MENU = "☰ 打开主菜单"

UNSUPPORTED_MESSAGE = (
    "这类消息无法处理。请发送文字或数字作答；佐证材料请以文件或照片发送"
    "（PDF、JPG/PNG、Word、Excel、PPT、ZIP）。发送 /menu 打开主菜单。"
)
