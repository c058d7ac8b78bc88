"""What a reader sees of a report: city bureaus, lead institutions and experts read what was submitted.

While a report is returned for revision its draft changes under the coordinators' hands; the version a
reader evaluates (and an expert grades) is the last one submitted, as exports read it. Those who fill the
report in, and the office reviewing the revision, see the draft with the office's comments."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import aiosqlite

from bot.outlines import Outlines
from bot.reporting import Ctx, load_ctx, may_write
from bot.walk import State
from storage import evidence as evidence_store
from storage import snapshots
from storage.models import Evidence, Person, Report


def sees_submitted(who: Person, report: Report) -> bool:
    return report.status == "returned" and who.role != "office" and not may_write(who, report)


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
    return [found[i] for i in ids if i in found]


async def may_fetch(conn: aiosqlite.Connection, who: Person, report: Report, wanted: Evidence) -> bool:
    """Whether `who`, reading `report`, may get a copy of this file of it: a returned report's readers only
    the files its last submitted version listed."""
    if wanted.report_id != report.id:
        return False
    if not sees_submitted(who, report):
        return True
    return any(f.id == wanted.id for f in await reader_files(conn, who, report))
