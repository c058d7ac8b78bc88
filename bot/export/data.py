"""Everything an export needs, read once from the database into plain objects."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot.outlines.loader import Item, LaidOut, Outlines
from bot.outlines.models import Numbers
from bot.oversight import Findings, findings
from bot.progress import status_of
from bot.rules import RateLine, Row, rates, rows_for
from bot.walk import State
from storage import Database, oversight, people, reports, roster
from storage import evidence as evidence_store
from storage.models import Evidence, Institution, Report


@dataclass
class ReportData:
    institution: Institution
    certificate: str | None
    report: Report | None
    laid: LaidOut
    answers: dict[str, Any]
    rows: list[Row]
    evidence: list[Evidence]
    status: str
    flags: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.institution.name + (f" · {self.certificate}" if self.certificate else "")

    def state(self) -> State:
        return State(self.laid, self.answers, self.rows)

    def item_rows(self, item: Item) -> list[Row]:
        assert item.point is not None and isinstance(item.point.answer, Numbers)
        return rows_for(item.point.answer, self.rows)

    def rate_lines(self, item: Item) -> list[RateLine]:
        return rates(self.laid, item, self.answers, self.item_rows(item))

    def files_for(self, item: Item) -> list[Evidence]:
        return [e for e in self.evidence if e.item == item.key]


@dataclass
class Province:
    units: list[ReportData]
    findings: Findings
    certificates: dict[int, str]
    grades: list[tuple[str, str, str, str, str]]  # institution, expert, grade, comment, at
    sample: tuple[int, str, str, str, dict[str, Any], list[tuple[str, str]]] | None  # id, seed, by, at, strata, members


async def load(db: Database, outlines: Outlines, *, city: str | None = None, report_id: int | None = None) -> Province:
    """The province, or one city's 中职, or one report."""
    conn = await db.bulk()  # the whole campaign: a large read, off the event loop
    all_answers = await reports.all_answers(conn)
    counts = await reports.answer_counts(conn)
    by_key = {(r.institution_id, r.certificate_id): r for r in await reports.all_reports(conn)}
    files: dict[int, list[Evidence]] = {}
    for e in await evidence_store.all_current(conn):
        files.setdefault(e.report_id, []).append(e)
    pilots: dict[int, list[Row]] = {}
    for p in await roster.all_pilots(conn):
        pilots.setdefault(p.institution_id, []).append(Row(f"c{p.certificate_id}", p.certificate_name, p.scale))
    found = await findings(db)
    units: list[ReportData] = []
    for inst in await roster.institutions(conn):
        if city is not None and (inst.kind != "中职" or inst.city != city):
            continue
        subjects: list[tuple[int | None, str | None]] = [(None, None)]
        if inst.kind == "培训评价组织":
            subjects = [(c.id, c.name) for c in await roster.certificates_of_org(conn, inst.id)]
        for cert_id, cert_name in subjects:
            report = by_key.get((inst.id, cert_id))
            if report_id is not None and (report is None or report.id != report_id):
                continue
            laid = outlines.get("training_org" if inst.kind == "培训评价组织" else "institution")
            rid = report.id if report else -1
            units.append(
                ReportData(
                    institution=inst,
                    certificate=cert_name,
                    report=report,
                    laid=laid,
                    answers=all_answers.get(rid, {}),
                    rows=pilots.get(inst.id, []),
                    evidence=files.get(rid, []),
                    status=status_of(report, counts.get(rid, 0)),
                    flags=found.by_report.get(rid, []),
                )
            )
    certs = {c.id: c.name for c in await roster.certificates(conn)}
    names = {i.id: i.name for i in await roster.institutions(conn)}
    grade_rows = []
    for user_id, inst_id, value, comment, at in await oversight.grades(conn):
        expert = await people.get(conn, user_id)
        grade_rows.append(
            (names.get(inst_id, str(inst_id)), expert.name if expert else str(user_id), value, comment, at)
        )
    latest = await oversight.latest_sample(conn)
    sample = None
    if latest is not None:
        sample_id, seed, by, at, strata = latest
        members = [(names.get(i, str(i)), s) for i, s in await oversight.sample_members(conn, sample_id)]
        sample = (sample_id, seed, by, at, json.loads(strata), members)
    return Province(units, found, certs, grade_rows, sample)
