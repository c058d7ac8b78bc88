"""The roster: 附件3 as shipped, and the office's roster workbook (import is all-or-nothing)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, cast

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from bot.export.cells import put
from messages import firstday as msg
from messages import roster_rows, zh
from storage import Database, audit
from storage import roster as store
from storage.models import ORG_KIND, SCHOOL_KINDS, Institution, Kind
from storage.roster import CertificateRow, PilotRow, RosterRow

ANHUI_CITIES = (
    "合肥", "芜湖", "蚌埠", "淮南", "马鞍山", "淮北", "铜陵", "安庆",
    "黄山", "滁州", "阜阳", "宿州", "六安", "亳州", "池州", "宣城",
)  # fmt: skip
KINDS: tuple[Kind, ...] = (*SCHOOL_KINDS, ORG_KIND)

SHEET_INST, SHEET_CERT, SHEET_PILOT = "院校", "证书", "试点"
HEAD_INST = ("序号", "类型", "名称", "所在市")
HEAD_CERT = ("证书名称", "培训评价组织", "牵头院校")
HEAD_PILOT = ("院校名称", "证书名称", "试点规模")


def _seed_csv() -> list[dict[str, str]]:
    text = (resources.files("bot") / "data" / "roster.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def seed_rows() -> list[RosterRow]:
    """The 189 pilot institutions of 附件3 with their city where a source gives it (170 of 189)."""
    return [
        RosterRow(seq=int(r["seq"]), kind=cast(Kind, r["kind"]), name=r["name"], city=r["city"] or None)
        for r in _seed_csv()
    ]


def seed_sources() -> dict[str, str]:
    """Where each shipped city comes from: 'name' (the institution's name says it) or a published list's
    address; empty where no source gave a city."""
    return {r["name"]: r["source"] for r in _seed_csv()}


async def without_city(db: Database) -> list[Institution]:
    """Pilot institutions with no city yet: their city bureau cannot see them until one is set."""
    return [i for i in await store.institutions(db.read) if i.kind in SCHOOL_KINDS and not i.city]


def write_template(path: Path) -> None:
    """An empty roster workbook: the three sheets, their headers, one example row each, and drop-down
    lists (data validation) for the kinds and the cities."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_INST
    ws.append(HEAD_INST)
    ws.append(list(msg.TEMPLATE_EXAMPLE_INST))
    ws_c = wb.create_sheet(SHEET_CERT)
    ws_c.append(HEAD_CERT)
    ws_c.append(list(msg.TEMPLATE_EXAMPLE_CERT))
    ws_p = wb.create_sheet(SHEET_PILOT)
    ws_p.append(HEAD_PILOT)
    ws_p.append(list(msg.TEMPLATE_EXAMPLE_PILOT))
    rows = "2:1000"
    kinds = DataValidation(type="list", formula1='"' + ",".join(KINDS) + '"', allow_blank=False)
    cities = DataValidation(type="list", formula1='"' + ",".join(ANHUI_CITIES) + '"', allow_blank=True)
    scale = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=False)
    for dv, (title, prompt) in (
        (kinds, msg.TEMPLATE_KIND_PROMPT),
        (cities, msg.TEMPLATE_CITY_PROMPT),
        (scale, msg.TEMPLATE_SCALE_PROMPT),
    ):
        dv.error, dv.errorTitle, dv.prompt, dv.promptTitle = prompt, title, prompt, title
        dv.showErrorMessage = dv.showInputMessage = True
    kinds.add("B" + rows.replace(":", ":B"))
    cities.add("D" + rows.replace(":", ":D"))
    scale.add("C" + rows.replace(":", ":C"))
    ws.add_data_validation(kinds)
    ws.add_data_validation(cities)
    ws_p.add_data_validation(scale)
    for sheet, widths in ((ws, (6, 14, 36, 10)), (ws_c, (36, 30, 36)), (ws_p, (36, 36, 10))):
        sheet.freeze_panes = "A2"
        for col, width in zip("ABCD", widths, strict=False):
            sheet.column_dimensions[col].width = width
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


async def load_seed(db: Database, *, at: str) -> int:
    rows = seed_rows()
    async with db.transaction() as conn:
        n = await store.upsert_institutions(conn, rows)
        await audit.record(conn, at=at, actor="cli", action="roster.init", detail={"institutions": n})
    return n


@dataclass
class ParsedRoster:
    institutions: list[RosterRow] = field(default_factory=list)
    certificates: list[CertificateRow] = field(default_factory=list)
    pilots: list[PilotRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class RosterImportError(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors


def _cell(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _example(row: tuple[Any, ...]) -> bool:
    """The template's example rows start their text with 示例： and are skipped."""
    return any(_cell(v).startswith(msg.EXAMPLE_MARK) for v in row)


def _whole(value: Any) -> int | None:
    """A non-negative whole number from a cell, or None. Excel hands numbers over as floats."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return value if value >= 0 else None
    text = _cell(value)
    return int(text) if text.isascii() and text.isdigit() else None


def parse_workbook(
    path: Path, known: dict[str, Kind] | None = None, known_seqs: dict[int, str] | None = None
) -> ParsedRoster:
    """Reads and checks the three sheets. `known` are institutions already in the database, which the
    certificate and pilot sheets may name without listing them again; `known_seqs` their 序号, which a
    row may not take from an institution that keeps it."""
    out = ParsedRoster()
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        out.errors.append(zh.ROSTER_ERRORS["unreadable"].format(kind=exc.__class__.__name__))
        return out
    for name in (SHEET_INST, SHEET_CERT, SHEET_PILOT):
        if name not in wb.sheetnames:
            out.errors.append(zh.ROSTER_ERRORS["no_sheet"].format(sheet=name))
    if out.errors:
        return out

    names: set[str] = set()
    seqs: set[int] = set()
    seq_rows: list[tuple[str, int | None, str]] = []
    kinds: dict[str, Kind] = dict(known or {})
    for i, row in enumerate(wb[SHEET_INST].iter_rows(min_row=2, values_only=True), start=2):
        if not any(_cell(v) for v in row[:4]) or _example(row[:4]):
            continue
        seq_v, kind_v, name_v, city_v = (list(row) + [None] * 4)[:4]
        where = zh.roster_where(SHEET_INST, i)
        name, kind, city = _cell(name_v), _cell(kind_v), _cell(city_v)
        seq = _whole(seq_v) if _cell(seq_v) else None
        if not name:
            out.errors.append(zh.ROSTER_ERRORS["no_name"].format(where=where))
            continue
        if name in names:
            out.errors.append(zh.ROSTER_ERRORS["dup_name"].format(where=where, name=name))
        if kind not in KINDS:
            out.errors.append(zh.ROSTER_ERRORS["bad_kind"].format(where=where, kind=kind, kinds="/".join(KINDS)))
            continue
        if seq is not None and not 1 <= seq <= roster_rows.SEQ_MAX:
            out.errors.append(roster_rows.seq_out_of_range(where, _cell(seq_v)))
            seq = None
        elif _cell(seq_v) and seq is None:
            out.errors.append(zh.ROSTER_ERRORS["bad_seq"].format(where=where, seq=_cell(seq_v)))
        elif kind != ORG_KIND and seq is None:
            out.errors.append(zh.ROSTER_ERRORS["need_seq"].format(where=where))
        elif seq is not None and seq in seqs:
            out.errors.append(zh.ROSTER_ERRORS["dup_seq"].format(where=where, seq=seq))
        if city and city.removesuffix("市") not in ANHUI_CITIES:
            out.errors.append(zh.ROSTER_ERRORS["bad_city"].format(where=where, city=city))
        names.add(name)
        if seq is not None:
            seqs.add(seq)
        kinds[name] = kind
        out.institutions.append(RosterRow(seq, kind, name, city.removesuffix("市") or None))
        seq_rows.append((where, seq, name))
    # A 序号 held in the database by an institution this workbook does not renumber stays taken.
    listed = {r.name for r in out.institutions}
    for where, seq, name in seq_rows:
        holder = (known_seqs or {}).get(seq) if seq is not None else None
        if seq is not None and holder is not None and holder != name and holder not in listed:
            out.errors.append(roster_rows.seq_taken(where, seq, holder))

    certs: set[str] = set()
    for i, row in enumerate(wb[SHEET_CERT].iter_rows(min_row=2, values_only=True), start=2):
        if not any(_cell(v) for v in row[:3]) or _example(row[:3]):
            continue
        cert_v, org_v, lead_v = (list(row) + [None] * 3)[:3]
        where = zh.roster_where(SHEET_CERT, i)
        cert, org, lead = _cell(cert_v), _cell(org_v), _cell(lead_v)
        if not cert:
            out.errors.append(zh.ROSTER_ERRORS["no_cert"].format(where=where))
            continue
        if cert in certs:
            out.errors.append(zh.ROSTER_ERRORS["dup_cert"].format(where=where, cert=cert))
        if org and org not in kinds:
            # An organization named only here is added as one, so the office need not list it twice.
            kinds[org] = ORG_KIND
            out.institutions.append(RosterRow(None, ORG_KIND, org, None))
        elif org and kinds[org] != ORG_KIND:
            out.errors.append(zh.ROSTER_ERRORS["not_org"].format(where=where, org=org))
        if lead and kinds.get(lead) not in SCHOOL_KINDS:
            out.errors.append(zh.ROSTER_ERRORS["no_lead"].format(where=where, lead=lead))
        certs.add(cert)
        out.certificates.append(CertificateRow(cert, org or None, lead or None))

    pairs: set[tuple[str, str]] = set()
    for i, row in enumerate(wb[SHEET_PILOT].iter_rows(min_row=2, values_only=True), start=2):
        if not any(_cell(v) for v in row[:3]) or _example(row[:3]):
            continue
        inst_v, cert_v, scale_v = (list(row) + [None] * 3)[:3]
        where = zh.roster_where(SHEET_PILOT, i)
        inst, cert, scale = _cell(inst_v), _cell(cert_v), _whole(scale_v)
        if kinds.get(inst) not in SCHOOL_KINDS:
            out.errors.append(zh.ROSTER_ERRORS["no_inst"].format(where=where, inst=inst))
        if cert not in certs:
            out.errors.append(zh.ROSTER_ERRORS["unknown_cert"].format(where=where, cert=cert))
        if scale is None:
            out.errors.append(zh.ROSTER_ERRORS["bad_scale"].format(where=where, scale=_cell(scale_v)))
        if (inst, cert) in pairs:
            out.errors.append(zh.ROSTER_ERRORS["dup_pilot"].format(where=where, inst=inst, cert=cert))
        pairs.add((inst, cert))
        out.pilots.append(PilotRow(inst, cert, scale or 0))
    wb.close()
    return out


async def import_workbook(db: Database, path: Path, *, actor: str, at: str) -> ParsedRoster:
    current = await store.institutions(db.read)
    known = {i.name: i.kind for i in current}
    known_seqs = {i.seq: i.name for i in current if i.seq is not None}
    parsed = parse_workbook(path, known, known_seqs)
    if parsed.errors:
        raise RosterImportError(parsed.errors)
    async with db.transaction() as conn:
        # Institutions listed here give up their 序号 first, so numbers may move between them.
        await store.clear_seqs(conn, [r.name for r in parsed.institutions])
        await store.upsert_institutions(conn, parsed.institutions)
        await store.replace_certificates(conn, parsed.certificates, parsed.pilots)
        await audit.record(
            conn,
            at=at,
            actor=actor,
            action="roster.import",
            subject=path.name,
            detail={
                "institutions": len(parsed.institutions),
                "certificates": len(parsed.certificates),
                "pilots": len(parsed.pilots),
            },
        )
    return parsed


async def export_workbook(db: Database, path: Path) -> None:
    conn = db.read
    insts = await store.institutions(conn)
    by_id = {i.id: i.name for i in insts}
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_INST
    ws_c = wb.create_sheet(SHEET_CERT)
    ws_p = wb.create_sheet(SHEET_PILOT)
    certs = await store.certificates(conn)
    rows: list[tuple[Worksheet, list[list[Any]]]] = [
        (ws, [list(HEAD_INST), *([inst.seq, inst.kind, inst.name, inst.city or ""] for inst in insts)]),
        (
            ws_c,
            [list(HEAD_CERT), *([c.name, by_id.get(c.org_id or 0, ""), by_id.get(c.lead_id or 0, "")] for c in certs)],
        ),
        (
            ws_p,
            [
                list(HEAD_PILOT),
                *([by_id[p.institution_id], p.certificate_name, p.scale] for p in await store.all_pilots(conn)),
            ],
        ),
    ]
    for sheet, lines in rows:
        # Names are the office's text: written through put() so one starting with = + - @ stays text.
        for r, line in enumerate(lines, 1):
            for c, value in enumerate(line, 1):
                put(sheet, r, c, value)
    for sheet, widths in ((ws, (6, 14, 36, 10)), (ws_c, (30, 30, 30)), (ws_p, (36, 30, 10))):
        sheet.freeze_panes = "A2"
        for col, width in zip("ABCD", widths, strict=False):
            sheet.column_dimensions[col].width = width
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
