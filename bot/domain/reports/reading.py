"""What readers of others' reports see and do, for both channels: a city bureau (its city's 中职 and the
city's package), a lead institution (its certificates' organization reports) and an expert (the assigned
units and their grades).

A reader reads what was submitted: while a report is returned for revision its draft changes under the
coordinators' hands; the version a reader evaluates (and an expert grades) is the last one submitted, as
exports read it. Those who fill the report in, and the office reviewing the revision, see the draft with
the office's comments.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

import aiosqlite

from bot.domain.outlines import Outlines
from bot.domain.walk.reporting import Ctx, load_ctx, may_write
from bot.domain.walk.state import State
from storage import Database, audit, reports, roster, snapshots, versions
from storage import evidence as evidence_store
from storage.models import Certificate, Evidence, Institution, Person, Report

DONE = ("submitted", "accepted")


def reads_submitted(who: Person, report: Report) -> bool:
    """Whether `who` reads `report` as a reader (not its authors, not the office)."""
    return who.role != "office" and not may_write(who, report)


def sees_submitted(who: Person, report: Report) -> bool:
    """Whether `who` is shown the last submitted version instead of the report as stored."""
    return report.status == "returned" and reads_submitted(who, report)


async def reader_ctx(conn: aiosqlite.Connection, who: Person, report: Report, outlines: Outlines) -> Ctx:
    """The report as `who` reads it: for a reader of a returned report, the answers and evidence of its last
    submitted version, without the comments of the revision under way; otherwise as stored."""
    ctx = await load_ctx(conn, report, outlines)
    content = await snapshots.submitted_content(conn, report) if sees_submitted(who, report) else None
    if content is None:
        return ctx
    counts = Counter(str(f["item"]) for f in content.get("evidence", []))
    state = State(ctx.laid, dict(content.get("answers", {})), ctx.state.certificates)
    return replace(ctx, state=state, comments={}, evidence=dict(counts), replies={})


async def reader_files(conn: aiosqlite.Connection, who: Person, report: Report) -> list[Evidence]:
    """The evidence files `who` reads: a returned report's readers get the files its last submitted version
    listed (even one removed from the draft since), in their order; everyone else the current files."""
    content = await snapshots.submitted_content(conn, report) if sees_submitted(who, report) else None
    if content is None:
        return await evidence_store.of_report(conn, report.id)
    ids = [int(f["id"]) for f in content.get("evidence", [])]
    found = await snapshots.evidence_by_ids(conn, ids)
    return [found[i] for i in ids if i in found and found[i].report_id == report.id]


async def reader_file(conn: aiosqlite.Connection, who: Person, report: Report, evidence_id: int) -> Evidence | None:
    """One file of the report that `who` may get a copy of, or None."""
    return next((e for e in await reader_files(conn, who, report) if e.id == evidence_id), None)


async def may_fetch(conn: aiosqlite.Connection, who: Person, report: Report, wanted: Evidence) -> bool:
    """Whether `who`, reading `report`, may get a copy of this file of it: a returned report's readers only
    the files its last submitted version listed."""
    if wanted.report_id != report.id:
        return False
    if not sees_submitted(who, report):
        return True
    return await reader_file(conn, who, report, wanted.id) is not None


# --- the city bureau --------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CityRow:
    institution: Institution
    report: Report | None
    status: str  # as the city bureau is told it (zh.STATUS_NAMES, or 未开始)

    @property
    def done(self) -> bool:
        return self.report is not None and self.report.status in DONE


async def city_rows(conn: aiosqlite.Connection, city: str, names: dict[str, str], not_started: str) -> list[CityRow]:
    """Every 中职 of the city in 附件3 order, with its report and status label (`names`: status → label;
    a report never opened, or opened and left empty at version 0, is `not_started` / its draft label)."""
    out = []
    for inst in await roster.institutions(conn, kind="中职"):
        if inst.city != city:
            continue
        report = await reports.find(conn, inst.id, None)
        status = names[report.status] if report and report.status != "draft" else not_started
        if report is not None and report.status == "draft" and report.version == 0:
            status = names["draft"]
        out.append(CityRow(inst, report, status))
    return out


class NotReady(Exception):
    """Some of the city's 中职 have not submitted yet."""

    def __init__(self, waiting: list[str]) -> None:
        super().__init__(waiting)
        self.waiting = waiting


async def complete_city(
    db: Database, who: Person, rows: list[CityRow], *, at: str, update_id: int | None, actor: str
) -> None:
    """Marks the city's 中职 package complete once every one of them has submitted (NotReady otherwise)."""
    assert who.city is not None
    waiting = [r.institution.name for r in rows if not r.done]
    if waiting:
        raise NotReady(waiting)
    async with db.transaction(update_id=update_id, at=at) as conn:
        await versions.complete_city(conn, who.city, user_id=who.user_id, at=at)
        await audit.record(conn, at=at, actor=actor, action="city.complete", subject=who.city)


# --- the lead institution ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LeadRow:
    certificate: Certificate
    organization: Institution | None
    report: Report | None


async def leads_any(conn: aiosqlite.Connection, institution_id: int) -> bool:
    return any(c.lead_id == institution_id for c in await roster.certificates(conn))


async def lead_rows(conn: aiosqlite.Connection, institution_id: int) -> list[LeadRow]:
    """The certificates this institution leads that have a training organization, with its report."""
    out = []
    for cert in await roster.certificates(conn):
        if cert.lead_id != institution_id or cert.org_id is None:
            continue
        org = await roster.institution(conn, cert.org_id)
        out.append(LeadRow(cert, org, await reports.find(conn, cert.org_id, cert.id)))
    return out


# --- the expert -------------------------------------------------------------------------------------------
class CommentRefused(Exception):
    def __init__(self, code: str, params: dict[str, Any] | None = None) -> None:
        super().__init__(code)
        self.code = code  # 'required' | 'too_long'
        self.params = params or {}


NO_COMMENT = ("无", "没有", "-")
NEEDS_COMMENT = ("整改", "取消试点资格")


def grade_comment(value: str, raw: str, *, limit: int) -> str:
    """An expert's comment as stored: 无/没有/- mean none; 整改 and 取消试点资格 need one."""
    comment = raw.strip()
    if comment in NO_COMMENT:
        comment = ""
    if not comment and value in NEEDS_COMMENT:
        raise CommentRefused("required")
    if len(comment) > limit:
        raise CommentRefused("too_long", {"limit": limit, "got": len(comment)})
    return comment
