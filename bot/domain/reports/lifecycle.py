"""A report's life: review, submit (locked, with a receipt), return for revision, accept; versions and diffs."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import aiosqlite

from bot.domain.outlines.loader import Item, Outlines
from bot.domain.walk.reporting import Ctx, Refused, load_ctx, may_write
from storage import Database, audit, oversight, reports, roster, versions
from storage import evidence as evidence_store
from storage.models import Person, Report

WHOLE = "*"


@dataclass
class Review:
    missing: list[Item]
    missing_evidence: list[Item]
    evidence_counts: dict[str, int]

    @property
    def ready(self) -> bool:
        return not self.missing and not self.missing_evidence


def review(ctx: Ctx, evidence_counts: dict[str, int]) -> Review:
    missing = ctx.state.missing()
    return Review(missing, ctx.state.lacking(evidence_counts), evidence_counts)


class Incomplete(Exception):
    def __init__(self, review: Review) -> None:
        super().__init__("incomplete")
        self.review = review


@dataclass(frozen=True, slots=True)
class Receipt:
    number: str
    version: int
    at: str
    checksum: str


def receipt_number(year: int, report: Report, seq: int | None, version: int) -> str:
    who = f"{seq:03d}" if seq is not None else f"T{report.institution_id}C{report.certificate_id or 0}"
    return f"XC{year}-{who}-V{version}"


async def snapshot(conn: aiosqlite.Connection, report: Report) -> dict[str, Any]:
    files = await evidence_store.of_report(conn, report.id)
    return {
        "report_id": report.id,
        "outline": report.outline,
        "answers": await reports.answers(conn, report.id),
        "evidence": [{"id": e.id, "item": e.item, "name": e.name, "sha256": e.sha256, "size": e.size} for e in files],
    }


def canonical(content: dict[str, Any]) -> tuple[str, str]:
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text, hashlib.sha256(text.encode()).hexdigest()


async def submit(
    db: Database, outlines: Outlines, who: Person, report_id: int, *, year: int, at: str, update_id: int | None
) -> tuple[Report, Receipt]:
    """Locks the report as a new version if nothing required is missing; otherwise Incomplete."""
    async with db.transaction(update_id=update_id, at=at) as conn:
        report = await reports.get(conn, report_id)
        if report is None or not may_write(who, report):
            raise Refused("not_allowed")
        if report.status not in ("draft", "returned"):
            raise Refused("locked")
        ctx = await load_ctx(conn, report, outlines)
        found = review(ctx, await evidence_store.counts(conn, report.id))
        if not found.ready:
            raise Incomplete(found)
        content, checksum = canonical(await snapshot(conn, report))
        number = report.version + 1
        if not await versions.set_status(
            conn, report.id, status="submitted", at=at, expect=("draft", "returned"), bump=True
        ):
            raise Refused("locked")
        await versions.add_version(
            conn, report_id=report.id, version=number, at=at, user_id=who.user_id, content=content, checksum=checksum
        )
        await versions.close_revisions(conn, report.id, at=at)
        inst = await roster.institution(conn, report.institution_id)
        receipt = Receipt(receipt_number(year, report, inst.seq if inst else None, number), number, at, checksum)
        await audit.record(
            conn,
            at=at,
            actor=f"tg:{who.user_id}",
            action="report.submit",
            subject=f"report:{report.id}",
            detail={"version": number, "checksum": checksum, "receipt": receipt.number},
        )
        return await _reloaded(conn, report.id), receipt


async def _existing(conn: aiosqlite.Connection, report_id: int) -> Report:
    report = await reports.get(conn, report_id)
    if report is None:
        raise Refused("stale")
    return report


async def _reloaded(conn: aiosqlite.Connection, report_id: int) -> Report:
    updated = await reports.get(conn, report_id)
    assert updated is not None
    return updated


async def return_for_revision(
    db: Database, office: Person, report_id: int, comments: dict[str, str], *, at: str, update_id: int | None
) -> Report:
    """Reopens the named items (or the whole report, key "*") with the office's comment on each."""
    if not comments:
        raise Refused("stale")
    async with db.transaction(update_id=update_id, at=at) as conn:
        report = await _existing(conn, report_id)
        if report.status != "submitted":
            raise Refused("not_submitted" if report.status in ("draft", "returned") else "accepted_final")
        await versions.set_status(conn, report.id, status="returned", at=at, expect=("submitted",))
        await versions.add_revision(
            conn, report_id=report.id, version=report.version, comments=comments, user_id=office.user_id, at=at
        )
        await audit.record(
            conn,
            at=at,
            actor=f"tg:{office.user_id}",
            action="report.return",
            subject=f"report:{report.id}",
            detail={"version": report.version, "comments": comments},
        )
        return await _reloaded(conn, report.id)


async def accept(db: Database, office: Person, report_id: int, *, at: str, update_id: int | None) -> Report:
    async with db.transaction(update_id=update_id, at=at) as conn:
        report = await _existing(conn, report_id)
        if not await versions.set_status(conn, report.id, status="accepted", at=at, expect=("submitted",)):
            raise Refused("not_submitted" if report.status != "accepted" else "accepted_final")
        await audit.record(
            conn,
            at=at,
            actor=f"tg:{office.user_id}",
            action="report.accept",
            subject=f"report:{report.id}",
            detail={"version": report.version},
        )
        return await _reloaded(conn, report.id)


@dataclass
class Diff:
    changed: list[tuple[str, Any, Any]] = field(default_factory=list)
    added_files: list[dict[str, Any]] = field(default_factory=list)
    removed_files: list[dict[str, Any]] = field(default_factory=list)
    # Each version's whole answers: a table's rates, and rows drawn from other points, are that version's.
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)


async def diff(conn: aiosqlite.Connection, report_id: int, old: int, new: int) -> Diff:
    a = await versions.version(conn, report_id, old)
    b = await versions.version(conn, report_id, new)
    if a is None or b is None:
        raise Refused("no_version")
    before, after = json.loads(a.content), json.loads(b.content)
    out = Diff(before=dict(before["answers"]), after=dict(after["answers"]))
    keys = sorted(set(before["answers"]) | set(after["answers"]), key=_item_order)
    for key in keys:
        if before["answers"].get(key) != after["answers"].get(key):
            out.changed.append((key, before["answers"].get(key), after["answers"].get(key)))
    ids_before = {f["id"]: f for f in before["evidence"]}
    ids_after = {f["id"]: f for f in after["evidence"]}
    out.added_files = [f for i, f in ids_after.items() if i not in ids_before]
    out.removed_files = [f for i, f in ids_before.items() if i not in ids_after]
    return out


def _item_order(key: str) -> tuple[int, str]:
    if key.startswith("p") and key[1:].isdigit():
        return (int(key[1:]) * 10, "")
    section, _, rest = key[1:].partition(".")
    return (int(section) * 10 if section.isdigit() else 0, rest)


async def may_read(conn: aiosqlite.Connection, who: Person, report: Report) -> bool:
    """Office: all. Coordinators: their own, and as lead institution their certificates' organization
    reports. City bureaus: their city's 中职. Experts: the institutions assigned to them."""
    if who.role == "office":
        return True
    if who.institution_id is not None and who.institution_id == report.institution_id:
        return who.role in ("coordinator", "org")
    if who.role == "coordinator" and report.certificate_id is not None:
        cert = await roster.certificate(conn, report.certificate_id)
        return cert is not None and cert.lead_id == who.institution_id
    if who.role == "city":
        inst = await roster.institution(conn, report.institution_id)
        return inst is not None and inst.kind == "中职" and inst.city is not None and inst.city == who.city
    if who.role == "expert":
        return await oversight.is_assigned(conn, who.user_id, report.institution_id)
    return False
