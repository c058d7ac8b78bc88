"""Where every unit stands, for the office's progress view and the export's summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from storage import Database, reports, roster
from storage.models import Certificate, Institution, Report

STATUSES = ("not_started", "in_progress", "submitted", "returned", "accepted")


def status_of(report: Report | None, answered: int) -> str:
    if report is None or (report.status == "draft" and answered == 0 and report.version == 0):
        return "not_started"
    if report.status == "draft":
        return "in_progress"
    return report.status


@dataclass(frozen=True, slots=True)
class Unit:
    """One reporting unit: an institution, or an organization for one certificate."""

    institution: Institution
    certificate: str | None
    report: Report | None
    status: str


async def units(db: Database) -> list[Unit]:
    conn = await db.bulk()  # every unit of the campaign: a large read, off the event loop
    counts = await reports.answer_counts(conn)
    by_key = {(r.institution_id, r.certificate_id): r for r in await reports.all_reports(conn)}
    # Every certificate in one read, by organization (not one query per organization).
    of_org: dict[int, list[Certificate]] = {}
    for cert in await roster.certificates(conn):
        if cert.org_id is not None:
            of_org.setdefault(cert.org_id, []).append(cert)
    out = []
    for inst in await roster.institutions(conn):
        if inst.kind != "培训评价组织":
            report = by_key.get((inst.id, None))
            out.append(Unit(inst, None, report, status_of(report, counts.get(report.id, 0) if report else 0)))
            continue
        for cert in of_org.get(inst.id, []):
            report = by_key.get((inst.id, cert.id))
            out.append(Unit(inst, cert.name, report, status_of(report, counts.get(report.id, 0) if report else 0)))
    return out


def tally(rows: list[Unit], key: str) -> dict[str, Counter[str]]:
    """Counts of each status by kind ('kind') or by city ('city')."""
    out: dict[str, Counter[str]] = {}
    for u in rows:
        group = u.institution.kind if key == "kind" else (u.institution.city or "未知")
        out.setdefault(group, Counter())[u.status] += 1
    return out
