"""Wording for answers as people type them: numbers, whole tables, long texts, acknowledgements, evidence
prompts and comment replies (issue 12). Existing strings stay in zh_cn; this module adds to them."""

from __future__ import annotations

from datetime import datetime
from html import escape

from messages import zh_cn as zh

INVALID = {
    "count": "需要 {expected} 个数，读到 {got} 个：{read}。多个数请用空格分隔；千位分隔符（1,000）可以使用。",
    "chinese_numeral": "“{token}”是中文数字，请改用阿拉伯数字发送，例如：四百二十一 → 421",
    "pick_row_first": "整张表已填写。要修改某个证书的数字，请点“✏️ 重新填写”并选择证书，"
    "或发送“证书名 数字”，例如：{example}",
    "table_unknown_name": "找不到名称以“{name}”开头的证书，请核对证书名称（可只写名称开头几个字）。",
    "table_ambiguous_name": "“{name}”可指多个证书（{matches}），请多写几个字。",
    "table_twice": "“{name}”写了两次，请每个证书只写一行。",
    "table_mixed": "整张表请统一格式：要么每行一个证书按顺序只写数字，要么每行都写“证书名 数字”。",
    "table_lines": "共有 {expected} 个证书，您发送了 {got} 行。按顺序填写时请每个证书一行，或写“证书名 数字”。",
}


def invalid(code: str, params: dict[str, object]) -> str:
    """A refusal of typed input: the reason, and for a table the line it is about."""
    if code == "table_line":
        inner = {k: v for k, v in params.items() if k not in ("line", "why")}
        return f"❗ “{escape(str(params['line']))}”：" + invalid(str(params["why"]), inner).removeprefix("❗ ")
    if code in INVALID:
        return "❗ " + INVALID[code].format(**{k: escape(str(v)) for k, v in params.items()})
    return zh.invalid(code, params)


def read_values(pairs: tuple[tuple[str | None, int], ...] | list[tuple[str, int]]) -> str:
    """'已报名人数 200，试点规模 150': what was read and what it was compared with."""
    return "，".join(f"{escape(label or zh.SCALE_LABEL)} {value}" for label, value in pairs)


def finding(row: str, message: str, pairs: tuple[tuple[str | None, int], ...]) -> str:
    where = f"{escape(row)}：" if row else ""
    read = f"{read_values(pairs)}。" if pairs else ""
    return f"{where}{read}{escape(message)}"


def warn(findings: list[str]) -> str:
    return "⚠️ " + "\n⚠️ ".join(findings) + "\n仍要保存吗？点“仍然保存”，或直接发送正确的数字。"


def refused(findings: list[str]) -> str:
    return "❗ " + "\n❗ ".join(findings) + "\n数据未保存，请重新输入。"


def pending_rows(lines: list[tuple[str, str]]) -> str:
    body = "\n".join(f"• {escape(label)}：{values}" if label else f"• {values}" for label, values in lines)
    return f"读到的数字：\n{body}"


def earlier(pairs: list[tuple[str, int]]) -> str:
    return "此前填写：" + "，".join(f"{escape(label)} {value}" for label, value in pairs)


def table_hint(example: str) -> str:
    return f"也可一次发送整张表：每个证书一行按上面的顺序，或写“证书名 数字”，例如：\n{escape(example)}"


INVALID["file_expected"] = "这里需要的是文件。请发送佐证材料文件或照片；暂时没有请点“稍后上传 ▶”。"
BTN_FILE_LATER = "稍后上传 ▶"
LACKS_FILE_MARK = " 📎"
LACKS_FILE_LEGEND = "📎 需上传佐证材料，尚未上传"


def needs_file(count: int) -> str:
    return f"📎 需上传佐证材料（已上传 {count} 份）" if count else "📎 需上传佐证材料（尚未上传）"


def ask_file(where: str, count: int) -> str:
    if count:
        return f"📎 {escape(where)}已有 {count} 份佐证材料。可继续发送文件或照片追加，或点“下一项”。"
    return (
        f"📎 {escape(where)}需要上传佐证材料才能提交。现在就可以发送文件或照片（可多份）；"
        "手头没有请点“稍后上传”，提交前补上即可。"
    )


PICK_ROW = "要修改哪个证书的数字？请点选："
BTN_BACK_TO_CONFIRM = "↩ 返回核对"


def redo_row(label: str) -> str:
    return f"✏️ 正在修改：<b>{escape(label)}</b>"


def saved(where: str, what: str) -> str:
    return f"✅ 已保存：{escape(where)} {what}"


def _parts(parts: int) -> str:
    return f"已将连续收到的 {parts} 条消息合并为一条回答，" if parts > 1 else ""


def saved_note(where: str, yes_no: str, length: int, parts: int = 1) -> str:
    return f"✅ {_parts(parts)}已保存：{escape(where)} {yes_no}，说明 {length} 字"


def saved_text(section_no: int, label: str, length: int, parts: int = 1) -> str:
    return f"✅ {_parts(parts)}已保存为 第{section_no}部分 · {escape(label)}（{length} 字）"


def merged_parts(parts: int) -> str:
    return f"（Telegram 将长文字拆成了 {parts} 条消息发来，已合并计算字数，整段未保存。）"


A_PHOTO = "这张照片"
FILE_DROPPED = "已取消，该文件未保存。"


def ask_where(what: str, section_no: int, title: str) -> str:
    return (
        f"📎 收到“{escape(what)}”。它是哪个监测点的佐证材料？\n"
        f"第{section_no}部分 · {escape(title)}（最近填写的在前；📎 表示尚缺材料）："
    )


def section_short(no: int) -> str:
    return f"第{no}部分"


def photo_name(where: str, caption: str, local: datetime) -> str:
    """监测点 4_领导小组会议 / 监测点 4_照片_2020年11月20日 08时00分 (a file name: no colon)."""
    if caption:
        return f"{where}_{caption[:40]}"
    return f"{where}_照片_{local.year}年{local.month}月{local.day}日 {local:%H}时{local:%M}分"


JUMP_HINT = "点下面的按钮直接前往该项（✏️ 未填写，📎 缺佐证材料）："


def jump_label(label: str, core: bool, unanswered: bool, lacks_file: bool) -> str:
    marks = ("✏️" if unanswered else "") + ("📎" if lacks_file else "")
    return f"{marks} {label}{' ★' if core else ''}"[:24]


# --- replies to the office's comments --------------------------------------------------------------------
BTN_REPLY = "💬 回复意见"
ASK_REPLY = "请发送您对上述退回意见的答复（不超过 500 字），省办公室会在审核时看到。"
zh.INFO["replied"] = "已将您的答复发送给省办公室（重新提交后一并审核）。"


def reply_line(text: str) -> str:
    return f"　💬 您的答复：{escape(zh.clip(text, 200))}"


def office_comment(where: str, comment: str, replies: list[str]) -> str:
    """For the office: its comment on a point, with the coordinator's replies beside it."""
    lines = [f"↩️ <b>{escape(where)}</b>：{escape(comment)}"]
    lines.extend(f"　💬 答复：{escape(zh.clip(text, 300))}" for text in replies)
    if not replies:
        lines.append("　（未答复）")
    return "\n".join(lines)


def office_comments(title: str, blocks: list[str]) -> str:
    return f"<b>{escape(title)}</b>\n" + "\n".join(blocks)


def last_return_title(version: int) -> str:
    return f"第 {version} 版的退回意见与答复："


def read_only(status: str) -> str:
    if status == "returned":
        return "🔒 此项未被退回，保持原样（只读）。"
    return f"🔒 报告{zh.STATUS_NAMES.get(status, status)}，只读。如需修改，请联系省办公室退回。"


WORD_CAPTION = "📄 Word 自查报告（按通知格式生成）。请核对、打印并加盖公章，与佐证材料一并按通知要求报送。"


def evidence_read_only(where: str, files: list[tuple[int, str, int]]) -> str:
    if not files:
        return f"<b>{escape(where)}</b>暂无佐证材料。🔒 报告已锁定，不能再添加或删除。"
    lines = "\n".join(f"{n}. {escape(name)}（{zh.size_text(size)}）" for n, (_, name, size) in enumerate(files, 1))
    return f"<b>{escape(where)}</b>的佐证材料（{len(files)} 份）：\n{lines}\n🔒 报告已锁定，不能再添加或删除。"
