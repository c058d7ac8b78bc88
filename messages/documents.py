"""Wording of the printable documents (workbook layout, Word self-report), progress pictures and bars."""

from __future__ import annotations

from html import escape

# --- versions -------------------------------------------------------------------------------------------------
DRAFT_LABEL = "草稿（未提交）"
DRAFT_MARK = "【修改中草稿，未提交，仅供参考】"
DRAFT_SHEET_SUFFIX = "（修改稿）"
DRAFT_DOC_SUFFIX = "修改稿"


def unit_status(status: str, version: str) -> str:
    return f"状态：{status}　{version}"


def version_label(version: int, when: str) -> str:
    return f"第 {version} 版（{when} 提交）" if version else DRAFT_LABEL


def total_counts(parts: list[tuple[str, int | None]], rates: list[tuple[str, str]]) -> str:
    """Chat: 合计：试点规模 230、已报名人数 190 → 报考率 82.61%."""
    counts = "、".join(f"{label} {'—' if n is None else n}" for label, n in parts)
    rate = "；".join(f"{label} {value}" for label, value in rates)
    return f"<b>合计：{escape(counts)}" + (f" → {escape(rate)}" if rate else "") + "</b>"


def counts_plain(counts: list[tuple[str, int | None]], rates: list[tuple[str, str]], *, total: bool) -> str:
    """Documents: 合计：试点规模 230、已报名人数 190；报考率 82.61%."""
    text = "、".join(f"{label} {'—' if n is None else n}" for label, n in counts)
    if rates:
        text += ("；" if text else "") + "；".join(f"{label} {value}" for label, value in rates)
    return ("合计：" if total else "") + text


# --- workbook ------------------------------------------------------------------------------------------------
MAKER_OFFICE = "安徽省1+X证书制度试点工作协调推进办公室"


def maker_city(city: str) -> str:
    return f"{city}市教育局"


def sheet_title(campaign: str, what: str) -> str:
    return f"{campaign} · {what}"


def sheet_subtitle(maker: str, made: str) -> str:
    return f"制表单位：{maker}　　制表日期：{made}"


BEIJING_ZONES = ("Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "PRC")


def star_legend(zone: str) -> str:
    """The 汇总 legend; the times it speaks of are in XCHECK_TIMEZONE, named as people say it."""
    when = "北京时间" if zone in BEIJING_ZONES else f"{zone} 时区的当地时间"
    return (
        "说明：带 ★ 的为核心监测点；“★N”列为第 N 个核心监测点的填报内容（数字题为合计比率）。"
        f"比率按通知公式计算（分子合计 / 分母合计），保留两位小数。时间为{when}。"
    )


FOOTER_PAGES = "第 &P 页，共 &N 页"
SHEET_CITY = "分市汇总"
HEAD_CITY = ("地市", "类型", "单位数", "已提交", "已退回", "逾期未交", "提交率", "总报考率", "考核率", "合格率")
CITY_UNKNOWN = "未填地市"
SHEET_CHARTS = "图表"
CHART_DAILY = "每日提交数与截止日期"
CHART_DAILY_SERIES, CHART_CUMULATIVE, CHART_DEADLINE = "当日提交", "累计提交", "截止日期"
CHART_CITY = "各地市填报状态"
CHART_RATES = "各类型报考率、考核率、合格率"
HEAD_DAILY = ("日期", "当日提交", "累计提交", "截止日期")
HEAD_RATES = ("类型", "总报考率", "考核率", "合格率")
COUNTS_SUFFIX = "合计"  # 已报名人数合计 …

# --- Word self-report ----------------------------------------------------------------------------------------
DOC_ANSWER = "填报内容："
DOC_EVIDENCE_HEAD = ("序号", "监测点", "文件名（上传时名称）", "大小")
DOC_NO_EVIDENCE = "（无）"
DOC_SEAL_NONE = "________________"
DOC_ZIP_NAME = "自查报告（Word）.zip"
DOC_ZIP_EMPTY = "还没有已提交的报告，暂无 Word 报告可导出。"
BTN_CARD_WORD = "📄 Word 报告"


def docs_done(n: int) -> str:
    return f"✅ 已生成 Word 自查报告 {n} 份。"


def doc_caption(n: int, point_no: int, text: str) -> str:
    return f"表{n}　监测点{point_no} {text.rstrip('？?。 ')}"


def doc_section(numeral: str, title: str) -> str:
    return f"{numeral}、{title}"


def doc_narrative(numeral: str, label: str) -> str:
    return f"（{numeral}）{label}"


def doc_point(core: bool, no: int, text: str) -> str:
    return ("★" if core else "") + f"{no}. {text}"


def doc_evidence_where(point_no: int | None, label: str) -> str:
    return f"监测点{point_no}" if point_no is not None else label


# --- pictures and bars -----------------------------------------------------------------------------------------
CHART_STATUS_TITLE = "各地市、各类型填报状态"
CHART_CURVE_TITLE = "累计提交（截止 {due}）"
CHART_CURVE_LABEL = "累计提交"
CHART_DEADLINE_LABEL = "截止日期"
CHART_TOTAL_LABEL = "应交总数"
CHART_Y_UNITS = "单位数"
CHART_BY_KIND = "按类型"
PROGRESS_CAPTION = "📊 填报进度图（{when}）"


def progress_bar(done: int, total: int, width: int = 10) -> str:
    """▓▓▓▓░░ 6/10 · 60%."""
    filled = round(width * done / total) if total else 0
    share = f"{done * 100 / total:.0f}%" if total else "0%"
    return f"{'▓' * filled}{'░' * (width - filled)} {done}/{total} · {share}"
