"""The office workbook: 汇总, one sheet per submitted report in the 监测要点 layout, cross-checks,
evidence, sample and grades."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.export.bundle import arc_path
from bot.export.cells import fit_columns, merge, put, sheet_name
from bot.export.data import Province, ReportData
from bot.export.text import answer_plain, core_value, overall
from bot.outlines.loader import Item
from bot.outlines.models import Numbers
from messages import zh

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


def _summary(ws: Worksheet, units: list[ReportData], *, orgs: bool) -> None:
    laid = units[0].laid if units else None
    cores = [i for i in laid.items if i.core] if laid else []
    head = list(zh.HEAD_ORG_SUMMARY if orgs else zh.HEAD_SUMMARY) + [f"★{i.point.no}" for i in cores if i.point]
    head += list(zh.HEAD_TAIL)
    for col, text in enumerate(head, 1):
        put(ws, 1, col, text, bold=True)
    for r, unit in enumerate(units, 2):
        report = unit.report
        inst = unit.institution
        lead: list[object] = (
            [inst.name, unit.certificate or ""] if orgs else [inst.seq, inst.kind, inst.name, inst.city or ""]
        )
        lead += [_status(unit), (report.submitted_at or "") if report else "", report.version if report else 0]
        for col, value in enumerate(lead, 1):
            put(ws, r, col, value)
        col = len(lead) + 1
        for key in ("p1", "p2", "p3"):
            put(ws, r, col, overall(unit, key), percent=True)
            col += 1
        for item in cores:
            value = core_value(unit, item)
            put(ws, r, col, value, percent=isinstance(value, float))
            col += 1
        put(ws, r, col, len(unit.evidence))
        put(ws, r, col + 1, "；".join(unit.flags))
    ws.freeze_panes = "D2" if not orgs else "C2"
    ws.auto_filter.ref = ws.dimensions
    fit_columns(ws, maximum=40)


def _unit_sheet(ws: Worksheet, unit: ReportData, year: int) -> None:
    report = unit.report
    put(ws, 1, 1, zh.export_title(unit.label, year), bold=True)
    merge(ws, 1, 1, 1, 4)
    put(
        ws,
        2,
        1,
        zh.export_meta(_status(unit), report.version if report else 0, report.submitted_at if report else None),
    )
    merge(ws, 2, 1, 2, 4)
    for col, text in enumerate(zh.HEAD_UNIT, 1):
        put(ws, 3, col, text, bold=True)
    row = 4
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
            if item.point is not None and isinstance(item.point.answer, Numbers) and unit.answers.get(item.key):
                row = _table(ws, row, unit, item)
        put(ws, first, 1, section.indicator, bold=True, wrap=True)
        if row - 1 > first:
            merge(ws, first, 1, row - 1, 1)
    ws.freeze_panes = "A4"
    for letter, width in zip("ABCDEFGH", (22, 50, 60, 28, 14, 14, 14, 14), strict=True):
        ws.column_dimensions[letter].width = width


def _table(ws: Worksheet, row: int, unit: ReportData, item: Item) -> int:
    """The per-certificate (or per-level) numbers of a point, and their rates, under the point."""
    assert item.point is not None and isinstance(item.point.answer, Numbers)
    answer = item.point.answer
    rows = unit.item_rows(item)
    lines = unit.rate_lines(item)
    label = zh.CERT_COLUMN if answer.rows == "certificates" else zh.LEVEL_COLUMN
    head = ([label] if answer.rows != "once" else []) + ([zh.SCALE_LABEL] if answer.shows_scale else [])
    head += [f.label for f in answer.fields] + [line.label for line in lines]
    for col, text in enumerate(head, 2):
        put(ws, row, col, text, bold=True)
    filled = unit.answers.get(item.key, {}).get("rows", {})
    for n, r in enumerate(rows):
        row += 1
        values: list[object] = [r.label] if answer.rows != "once" else []
        if answer.shows_scale:
            values.append(r.scale)
        values += [filled.get(r.key, {}).get(f.id) for f in answer.fields]
        col = 2
        for value in values:
            put(ws, row, col, value)
            col += 1
        for line in lines:
            put(ws, row, col, line.per_row[n][1], percent=True)
            col += 1
    if len(rows) > 1 and lines:
        row += 1
        put(ws, row, 2, zh.TOTAL_LABEL, bold=True)
        col = 2 + len(head) - len(lines)
        for line in lines:
            put(ws, row, col, line.total, percent=True, bold=True)
            col += 1
    return row + 1


def build(p: Province, path: Path, *, year: int) -> tuple[int, list[EvidenceRow]]:
    """Writes the workbook; returns the number of sheets and where each evidence file was listed."""
    wb = Workbook()
    used: set[str] = set()
    ws = wb.active
    ws.title = sheet_name(zh.SHEET_SUMMARY, used)
    schools = [u for u in p.units if u.institution.kind != "培训评价组织"]
    orgs = [u for u in p.units if u.institution.kind == "培训评价组织"]
    _summary(ws, schools, orgs=False)
    if orgs:
        _summary(wb.create_sheet(sheet_name(zh.SHEET_ORG_SUMMARY, used)), orgs, orgs=True)
    for unit in schools + orgs:
        if unit.status in SUBMITTED:
            _unit_sheet(wb.create_sheet(sheet_name(unit_sheet_title(unit), used)), unit, year)
    if p.findings.cross:
        cross = wb.create_sheet(sheet_name(zh.SHEET_CROSS, used))
        for col, text in enumerate(zh.HEAD_CROSS, 1):
            put(cross, 1, col, text, bold=True)
        for r, check in enumerate(p.findings.cross, 2):
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
        cross.freeze_panes = "A2"
        fit_columns(cross)
    ev = wb.create_sheet(sheet_name(zh.SHEET_EVIDENCE, used))
    for col, text in enumerate(zh.HEAD_EVIDENCE, 1):
        put(ev, 1, col, text, bold=True)
    listed: list[EvidenceRow] = []
    r = 2
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
    ev.freeze_panes = "A2"
    ev.auto_filter.ref = ev.dimensions
    fit_columns(ev)
    if p.sample is not None:
        sample_id, seed, by, at, _strata, members = p.sample
        ws_s = wb.create_sheet(sheet_name(zh.SHEET_SAMPLE, used))
        put(ws_s, 1, 1, zh.sample_meta(sample_id, seed, by, at), bold=True)
        for col, text in enumerate(zh.HEAD_SAMPLE, 1):
            put(ws_s, 2, col, text, bold=True)
        for n, (name, stratum) in enumerate(members, 3):
            put(ws_s, n, 1, name)
            put(ws_s, n, 2, stratum)
        fit_columns(ws_s)
    if p.grades:
        ws_g = wb.create_sheet(sheet_name(zh.SHEET_GRADES, used))
        for col, text in enumerate(zh.HEAD_GRADES, 1):
            put(ws_g, 1, col, text, bold=True)
        for n, grade_row in enumerate(p.grades, 2):
            for col, text in enumerate(grade_row, 1):
                put(ws_g, n, col, text)
        fit_columns(ws_g)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return len(wb.sheetnames), listed
