"""The office workbook: 汇总, one sheet per submitted report in the 监测要点 layout, cross-checks,
evidence, sample and grades."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from openpyxl.worksheet.worksheet import Worksheet

from bot.domain.campaign.progress import STATUSES
from bot.domain.outlines.loader import Item, LaidOut
from bot.domain.outlines.models import RATE_ROLES, Numbers
from bot.domain.people.roster import ANHUI_CITIES
from bot.domain.walk.figures import Table, rate_parts
from bot.export import charts
from bot.export.bundle import arc_path
from bot.export.cells import sheet_name
from bot.export.data import Province, ReportData
from bot.export.meta import ExportMeta
from bot.export.sheet import Book, Sheet, coordinate, fit_columns, merge, put
from bot.export.text import answer_plain, core_value
from messages import documents as doc
from messages import org_oversight as zo
from messages import when, zh
from storage.models import SCHOOL_KINDS

SUBMITTED = ("submitted", "returned", "accepted")


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """Where each evidence file stands in the workbook's evidence sheet, for the bundle's manifest."""

    evidence_id: int
    row: int
    path: str


def unit_sheet_title(unit: ReportData) -> str:
    seq = f"{unit.institution.seq:03d} " if unit.institution.seq is not None else ""
    return seq + unit.institution.name + (f" {unit.certificate}" if unit.certificate else "")


def _status(unit: ReportData) -> str:
    return zh.PROGRESS_STATUS.get(unit.status, unit.status)


def _titled(ws: Sheet, title: str, meta: ExportMeta, width: int) -> int:
    """Row 1: the title; row 2: 制表单位 and date. Returns the next free row."""
    put(ws, 1, 1, title, bold=True, title=True)
    put(ws, 2, 1, doc.sheet_subtitle(meta.maker, meta.made))
    for row in (1, 2):
        merge(ws, row, 1, row, max(width, 1))
    ws.xl.row_dimensions[1].height = 24
    return 3


def _print(ws: Sheet, header_row: int) -> None:
    """Landscape A4, fit to one page wide, title and header rows on every page, page numbers below."""
    xl = ws.xl
    xl.page_setup.orientation = "landscape"
    xl.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    xl.page_setup.fitToWidth = 1
    xl.page_setup.fitToHeight = 0
    xl.sheet_properties.pageSetUpPr.fitToPage = True
    xl.print_title_rows = f"1:{header_row}"
    xl.oddFooter.center.text = doc.FOOTER_PAGES
    xl.print_options.horizontalCentered = True


Columns = list[tuple[str, str, str | None]]


def _count_columns(laid: LaidOut, rate_heads: tuple[str, ...]) -> Columns:
    """(header, item key, field id; None for the rate) for each completion point: its counts, then its rate."""
    out: Columns = []
    for role, rate_head in zip(RATE_ROLES, rate_heads, strict=False):
        item = laid.by_rate.get(role)
        answer = item.point.answer.as_table() if item is not None and item.point is not None else None
        if item is None or answer is None:
            continue
        key = item.key
        if answer.shows_scale:
            out.append((zh.SCALE_LABEL + doc.COUNTS_SUFFIX, key, "scale"))
        out += [(f.label + doc.COUNTS_SUFFIX, key, f.id) for f in answer.fields]
        out += [(rate_head, key, None)][: len(answer.rates)]
    return out


def _counts_of(unit: ReportData, columns: Columns) -> tuple[list[object], list[tuple[int, int] | None]]:
    """A report's summed counts and overall rates in the order of `columns`, and each rate's (numerator sum,
    denominator sum) so totals over many reports are formed the same way. Computed once per report and
    column set: the summary, 分市汇总 and 图表 sheets all ask."""
    cache_key = tuple(columns)
    cached = unit.counts_cache.get(cache_key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    values: list[object] = []
    parts: list[tuple[int, int] | None] = []
    tables: dict[str, Table] = {}  # one table per item, whatever number of its columns are shown
    for _head, key, fid in columns:
        item = unit.laid.by_key[key]
        assert item.point is not None and isinstance(item.point.answer, Numbers)
        if not unit.answers.get(key):
            values.append(None)
            parts.append(None)
            continue
        table = tables.get(key)
        if table is None:
            table = unit.table(item, zh.CERT_COLUMN)
            tables[key] = table
        total = table.total if table.total is not None else (table.body[0] if table.body else None)
        if fid is None:
            rate_col = next(i for i, c in enumerate(table.columns) if c.kind == "rate")
            values.append(total[rate_col] if total is not None else None)
            num, den = rate_parts(unit.laid, item, unit.answers, unit.rows)[0]
            parts.append((num, den) if den else None)
        else:
            wanted = (
                zh.SCALE_LABEL if fid == "scale" else next(f.label for f in item.point.answer.fields if f.id == fid)
            )
            values.append(total[table.head.index(wanted)] if total is not None else None)
            parts.append(None)
    unit.counts_cache[cache_key] = (values, parts)
    return values, parts


def _column_totals(columns: Columns, rows: list[tuple[list[object], list[tuple[int, int] | None]]]) -> list[object]:
    """Counts summed down the column; each rate as Σ numerators / Σ denominators (as the formulas say)."""
    out: list[object] = []
    for n, (_head, _key, fid) in enumerate(columns):
        if fid is not None:
            given = [int(v) for v, _p in ((row[0][n], None) for row in rows) if isinstance(v, int)]
            out.append(sum(given) if given else None)
        else:
            pairs = [p for p in (row[1][n] for row in rows) if p is not None]
            den = sum(d for _n, d in pairs)
            out.append(sum(num for num, _d in pairs) / den if den else None)
    return out


def _summary(ws: Sheet, units: list[ReportData], *, orgs: bool, meta: ExportMeta, title: str) -> None:
    laid = units[0].laid if units else None
    cores = [i for i in laid.items if i.core] if laid else []
    rate_heads = zh.HEAD_ORG_SUMMARY[5:8] if orgs else zh.HEAD_SUMMARY[7:10]
    counts = _count_columns(laid, rate_heads) if laid else []
    lead_head = list(zh.HEAD_ORG_SUMMARY[:5] if orgs else zh.HEAD_SUMMARY[:7])
    head = lead_head + [h for h, _k, _f in counts] + [f"★{i.point.no}" for i in cores if i.point]
    head += list(zh.HEAD_TAIL)
    top = _titled(ws, title, meta, len(head))
    put(ws, top, 1, doc.star_legend(str(meta.tz)))
    merge(ws, top, 1, top, len(head))
    header_row = top + 1
    for col, text in enumerate(head, 1):
        put(ws, header_row, col, text, bold=True)
    sums: list[tuple[list[object], list[tuple[int, int] | None]]] = []
    r = header_row
    for r, unit in enumerate(units, header_row + 1):
        inst = unit.institution
        lead: list[object] = (
            [inst.name, unit.certificate or ""] if orgs else [inst.seq, inst.kind, inst.name, inst.city or ""]
        )
        lead += [_status(unit), meta.time(unit.submitted_at) if unit.version else "", unit.version]
        for col, value in enumerate(lead, 1):
            put(ws, r, col, value)
        col = len(lead) + 1
        values, parts = _counts_of(unit, counts)
        sums.append((values, parts))
        for (_h, _k, fid), value in zip(counts, values, strict=True):
            put(ws, r, col, value, percent=fid is None)
            col += 1
        for item in cores:
            value = core_value(unit, item)
            put(ws, r, col, value, percent=isinstance(value, float))
            col += 1
        put(ws, r, col, len(unit.evidence))
        put(ws, r, col + 1, "；".join(unit.flags))
    if units:
        r += 1
        put(ws, r, 1 if orgs else 3, zh.TOTAL_LABEL, bold=True)
        col = len(lead_head) + 1
        for value in _column_totals(counts, sums):
            put(ws, r, col, value, percent=isinstance(value, float), bold=True)
            col += 1
    ws.xl.freeze_panes = coordinate(header_row + 1, 3 if orgs else 4)
    ws.xl.auto_filter.ref = f"A{header_row}:{coordinate(max(header_row, r - 1 if units else r), len(head))}"
    fit_columns(ws, maximum=40, skip_rows=header_row - 1)
    _print(ws, header_row)


def _unit_sheet(ws: Sheet, unit: ReportData, meta: ExportMeta, *, draft: bool = False) -> None:
    _titled(ws, zh.export_title(unit.label, meta.year), meta, 4)
    label = doc.DRAFT_MARK if draft else doc.version_label(unit.version, meta.time(unit.submitted_at))
    put(ws, 3, 1, doc.unit_status(_status(unit), label), bold=draft)
    merge(ws, 3, 1, 3, 4)
    for col, text in enumerate(zh.HEAD_UNIT, 1):
        put(ws, 4, col, text, bold=True)
    row = 5
    for section in unit.laid.sections:
        first = row
        for item in unit.laid.section_items(section.no):
            if item.point is not None:
                put(ws, row, 2, ("★" if item.point.core else "") + f"{item.point.no}.{item.point.text}", wrap=True)
            else:
                assert item.narrative is not None
                put(ws, row, 2, item.narrative.label, bold=True, wrap=True)
            put(ws, row, 3, answer_plain(unit, item) or zh.NOT_ANSWERED, wrap=True)
            put(ws, row, 4, "\n".join(e.name for e in unit.files_for(item)), wrap=True)
            row += 1
            if item.point is not None and item.point.answer.as_table() is not None and unit.answers.get(item.key):
                row = _table(ws, row, unit, item)
        put(ws, first, 1, section.indicator, bold=True, wrap=True)
        if row - 1 > first:
            merge(ws, first, 1, row - 1, 1)
    ws.xl.freeze_panes = "A5"
    for letter, width in zip("ABCDEFGH", (22, 50, 60, 28, 14, 14, 14, 14), strict=True):
        ws.xl.column_dimensions[letter].width = width
    _print(ws, 4)


def _table(ws: Sheet, row: int, unit: ReportData, item: Item) -> int:
    """The per-certificate (or per-level) numbers of a point, and their rates, under the point; then 合计."""
    assert item.point is not None and isinstance(item.point.answer, Numbers)
    label = zh.CERT_COLUMN if item.point.answer.rows == "certificates" else zh.LEVEL_COLUMN
    table = unit.table(item, label)
    for col, text in enumerate(table.head, 2):
        put(ws, row, col, text, bold=True)
    for cells in table.body:
        row += 1
        for col, (column, value) in enumerate(zip(table.columns, cells, strict=True), 2):
            put(ws, row, col, value, percent=column.kind == "rate")
    if table.total is not None:
        row += 1
        for col, (column, value) in enumerate(zip(table.columns, table.total, strict=True), 2):
            put(
                ws,
                row,
                col,
                zh.TOTAL_LABEL if column.kind == "label" else value,
                percent=column.kind == "rate",
                bold=True,
            )
        if not any(c.kind == "label" for c in table.columns):
            put(ws, row, 1, zh.TOTAL_LABEL, bold=True)
    return row + 1


def _cross_drafts(ws: Sheet, row: int, drafts: list[tuple[str, str, bool]]) -> None:
    """Below the comparisons (which use the last submitted versions): what says so, and the drafts that
    were left out, marked 草稿 and never 不一致."""
    put(ws, row, 1, zo.CROSS_NOTE)
    for r, (cert, name, _org) in enumerate(drafts, row + 1):
        for col, value in ((1, cert), (2, zo.CROSS_DRAFT), (3, name), (7, zo.CROSS_DRAFT_MARK)):
            put(ws, r, col, value)


def _plain_sheet(ws: Sheet, title: str, meta: ExportMeta, head: tuple[str, ...] | list[str]) -> int:
    """Title rows and a bold header; returns the header's row."""
    header_row = _titled(ws, title, meta, len(head))
    for col, text in enumerate(head, 1):
        put(ws, header_row, col, text, bold=True)
    ws.xl.freeze_panes = coordinate(header_row + 1, 1)
    return header_row


def _finish(ws: Sheet, header_row: int) -> None:
    fit_columns(ws, skip_rows=header_row - 1)
    _print(ws, header_row)


def build(p: Province, path: Path, *, meta: ExportMeta) -> tuple[int, list[EvidenceRow]]:
    """Writes the workbook; returns the number of sheets and where each evidence file was listed."""
    wb = Book()  # write-only: each sheet is streamed to the file as soon as it is laid out
    try:
        return _fill(wb, p, path, meta)
    except BaseException:
        wb.discard()
        raise


def _fill(wb: Book, p: Province, path: Path, meta: ExportMeta) -> tuple[int, list[EvidenceRow]]:
    used: set[str] = set()
    ws = wb.sheet(sheet_name(zh.SHEET_SUMMARY, used))
    schools = [u for u in p.units if u.institution.kind != "培训评价组织"]
    orgs = [u for u in p.units if u.institution.kind == "培训评价组织"]
    _summary(ws, schools, orgs=False, meta=meta, title=doc.sheet_title(meta.campaign, zh.SHEET_SUMMARY))
    if orgs:
        title = doc.sheet_title(meta.campaign, zh.SHEET_ORG_SUMMARY)
        _summary(wb.sheet(sheet_name(zh.SHEET_ORG_SUMMARY, used)), orgs, orgs=True, meta=meta, title=title)
    if p.overview:  # the province or a city: a coordinator or an expert gets no summary of others
        summary = city_summary(schools, meta)
        city_ws = wb.sheet(sheet_name(doc.SHEET_CITY, used))
        header_row = _plain_sheet(city_ws, doc.sheet_title(meta.campaign, doc.SHEET_CITY), meta, doc.HEAD_CITY)
        for r, values in enumerate(summary, header_row + 1):
            for col, value in enumerate(values, 1):
                put(city_ws, r, col, value, percent=isinstance(value, float), bold=values[0] == zh.TOTAL_LABEL)
        _finish(city_ws, header_row)
        chart_ws = wb.sheet(sheet_name(doc.SHEET_CHARTS, used))
        charts.add_sheet(chart_ws, chart_data(p.units, meta), meta, _titled)
        fit_columns(chart_ws, skip_rows=2)
        _print(chart_ws, 2)
    for unit in schools + orgs:
        if unit.status in SUBMITTED:
            _unit_sheet(wb.sheet(sheet_name(unit_sheet_title(unit), used)), unit, meta)
            if unit.draft is not None:
                title = unit_sheet_title(unit) + doc.DRAFT_SHEET_SUFFIX
                _unit_sheet(wb.sheet(sheet_name(title, used)), unit.draft, meta, draft=True)
    if p.findings.cross or p.cross_drafts:
        cross = wb.sheet(sheet_name(zh.SHEET_CROSS, used))
        header_row = _plain_sheet(cross, doc.sheet_title(meta.campaign, zh.SHEET_CROSS), meta, zh.HEAD_CROSS)
        for r, check in enumerate(p.findings.cross, header_row + 1):
            values = [
                p.certificates.get(check.certificate_id, str(check.certificate_id)),
                check.label,
                check.schools_total,
                check.schools_reporting,
                check.org_value,
                check.schools_total - check.org_value,
                zh.CONSISTENT if check.matches else zh.INCONSISTENT,
            ]
            for col, value in enumerate(values, 1):
                put(cross, r, col, value)
        _cross_drafts(cross, header_row + len(p.findings.cross) + 2, p.cross_drafts)
        _finish(cross, header_row)
    ev = wb.sheet(sheet_name(zh.SHEET_EVIDENCE, used))
    header_row = _plain_sheet(ev, doc.sheet_title(meta.campaign, zh.SHEET_EVIDENCE), meta, zh.HEAD_EVIDENCE)
    listed: list[EvidenceRow] = []
    r = header_row + 1
    for unit in p.units:
        for e in unit.evidence:
            item = unit.laid.by_key.get(e.item)
            if item is None:
                continue
            where = (
                zh.point_label(item.point.no) if item.point else (item.narrative.label if item.narrative else e.item)
            )
            arc = arc_path(unit, item.section.no, item.section.title, where, e.name, e.id)
            for col, value in enumerate(
                (e.name, unit.label, f"{item.section.no}. {item.section.title}", where, e.size, e.sha256, arc), 1
            ):
                put(ev, r, col, value)
            listed.append(EvidenceRow(e.id, r, arc))
            r += 1
    ev.xl.auto_filter.ref = f"A{header_row}:G{max(header_row, r - 1)}"
    _finish(ev, header_row)
    if p.sample is not None:
        sample_id, seed, by, at, _strata, members = p.sample
        ws_s = wb.sheet(sheet_name(zh.SHEET_SAMPLE, used))
        header_row = _titled(ws_s, doc.sheet_title(meta.campaign, zh.SHEET_SAMPLE), meta, 2)
        put(ws_s, header_row, 1, zh.sample_meta(sample_id, seed, by, meta.time(at)), bold=True)
        header_row += 1
        for col, text in enumerate(zh.HEAD_SAMPLE, 1):
            put(ws_s, header_row, col, text, bold=True)
        for n, (name, stratum) in enumerate(members, header_row + 1):
            put(ws_s, n, 1, name)
            put(ws_s, n, 2, stratum)
        _finish(ws_s, header_row)
    if p.grades:
        ws_g = wb.sheet(sheet_name(zh.SHEET_GRADES, used))
        header_row = _plain_sheet(ws_g, doc.sheet_title(meta.campaign, zh.SHEET_GRADES), meta, zh.HEAD_GRADES)
        for n, (inst, expert, grade, comment, at) in enumerate(p.grades, header_row + 1):
            for col, text in enumerate((inst, expert, grade, comment, meta.time(at)), 1):
                put(ws_g, n, col, text)
        _finish(ws_g, header_row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return wb.sheets, listed


DONE = ("submitted", "accepted")


def city_order(city: str) -> tuple[int, str]:
    """The province's cities in their official order, then any other name, then 未填地市."""
    if city in ANHUI_CITIES:
        return (ANHUI_CITIES.index(city), city)
    return (len(ANHUI_CITIES) + (city == doc.CITY_UNKNOWN), city)


def city_summary(schools: list[ReportData], meta: ExportMeta) -> list[list[object]]:
    """Per city and kind: units, submitted, returned, overdue (not submitted after the deadline), the share
    submitted, and the overall rates over the submitted figures; then a 合计 row."""
    overdue_now = meta.deadline is not None and meta.today > meta.deadline
    groups: dict[tuple[str, str], list[ReportData]] = {}
    for unit in schools:
        groups.setdefault((unit.institution.city or doc.CITY_UNKNOWN, unit.institution.kind), []).append(unit)
    kinds: dict[str, int] = {k: n for n, k in enumerate(SCHOOL_KINDS)}
    out: list[list[object]] = []

    def row(city: str, kind: str, units: list[ReportData]) -> list[object]:
        done = sum(1 for u in units if u.status in DONE)
        returned = sum(1 for u in units if u.status == "returned")
        overdue = sum(1 for u in units if u.status not in DONE) if overdue_now else 0
        laid = units[0].laid
        columns = _count_columns(laid, zh.HEAD_SUMMARY[7:10])
        sums = [_counts_of(u, columns) for u in units if u.version]
        totals = _column_totals(columns, sums)
        rates = [v for (_h, _k, fid), v in zip(columns, totals, strict=True) if fid is None]
        return [city, kind, len(units), done, returned, overdue, done / len(units) if units else None, *rates]

    for (city, kind), units in sorted(groups.items(), key=lambda g: (city_order(g[0][0]), kinds.get(g[0][1], 9))):
        out.append(row(city, kind, units))
    if schools:
        out.append(row(zh.TOTAL_LABEL, "", schools))
    return out


def chart_data(units: list[ReportData], meta: ExportMeta) -> charts.ChartData:
    """Submissions per day (local dates) up to the deadline, schools' statuses by city, rates by kind."""
    days: dict[date, int] = {}
    for unit in units:
        if unit.version and unit.submitted_at:
            at = when.local(unit.submitted_at, meta.tz)
            if at is not None:
                days[at.date()] = days.get(at.date(), 0) + 1
    deadline = meta.deadline
    marks = [*days, *([deadline] if deadline else [])]
    start = min(marks) if marks else meta.today
    end = max(marks) if marks else meta.today
    if deadline is not None:
        start = min(start, deadline - timedelta(days=13))
    daily: list[tuple[date, int, int, int | None]] = []
    running = 0
    day = start
    while day <= end:
        running += days.get(day, 0)
        daily.append((day, days.get(day, 0), running, len(units) if day == deadline else None))
        day += timedelta(days=1)
    schools = [u for u in units if u.institution.kind != "培训评价组织"]
    cities = sorted({u.institution.city or doc.CITY_UNKNOWN for u in schools}, key=city_order)
    by_city = [
        (
            c,
            [
                sum(1 for u in schools if (u.institution.city or doc.CITY_UNKNOWN) == c and u.status == s)
                for s in STATUSES
            ],
        )
        for c in cities
    ]
    by_kind: list[tuple[str, list[float | None]]] = []
    for kind in (*SCHOOL_KINDS, "培训评价组织"):
        group = [u for u in units if u.institution.kind == kind]
        if not group:
            continue
        heads = zh.HEAD_ORG_SUMMARY[5:8] if kind == "培训评价组织" else zh.HEAD_SUMMARY[7:10]
        columns = _count_columns(group[0].laid, heads)
        totals = _column_totals(columns, [_counts_of(u, columns) for u in group if u.version])
        by_kind.append((kind, [v for (_h, _k, fid), v in zip(columns, totals, strict=True) if fid is None]))  # type: ignore[misc]
    return charts.ChartData(daily, list(STATUSES), by_city, by_kind)
