"""Evidence reused across one institution's reports: a training organization reports once per certificate,
and a file it uploaded for one certificate's report can be attached to another's in one tap. The bytes are
stored once (by SHA-256); each report gets its own index row, so each lists, versions and bundles it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.outlines.loader import Item, Outlines
from bot.domain.reports.evidence import EvidenceRefused
from bot.domain.walk.reporting import Ctx, Refused, load_ctx, may_write
from storage import Database, audit, reports, roster
from storage import evidence as store
from storage.models import Evidence, Person


@dataclass(frozen=True, slots=True)
class Reusable:
    """A file of another report of the same institution, not yet attached to `item` here."""

    evidence: Evidence
    certificate: str | None

    @property
    def item(self) -> str:
        return self.evidence.item


def core_evidence(ctx: Ctx) -> tuple[list[Item], list[Item]]:
    """The core points that expect evidence, and those of them that have none yet."""
    needing = [i for i in ctx.laid.items if i.point is not None and i.point.core and i.point.evidence]
    return needing, [i for i in needing if not ctx.evidence.get(i.key)]


async def reusable(db: Database, report_id: int, *, same_point: bool = True) -> list[Reusable]:
    """Every file of the institution's other reports, once per content and point; with same_point, only
    those this report does not already have at the point they support there."""
    conn = db.read
    here = {(e.item, e.sha256) for e in await store.of_report(conn, report_id)} if same_point else set()
    names: dict[int | None, str | None] = {None: None}
    out: list[Reusable] = []
    for found, cert_id in await store.of_other_reports(conn, report_id):
        key = (found.item, found.sha256)
        if key in here:
            continue
        here.add(key)
        if cert_id not in names:
            cert = await roster.certificate(conn, cert_id) if cert_id is not None else None
            names[cert_id] = cert.name if cert else None
        out.append(Reusable(found, names[cert_id]))
    return out


def for_item(found: list[Reusable], item: str, attached: set[str]) -> list[Reusable]:
    """Candidates for one point, from reusable(same_point=False): the same point's files first, then any
    other file, one per content, none already attached to the point."""
    seen = set(attached)
    out = []
    for r in sorted(found, key=lambda r: r.item != item):
        if r.evidence.sha256 not in seen:
            seen.add(r.evidence.sha256)
            out.append(r)
    return out


async def attach(
    db: Database,
    outlines: Outlines,
    who: Person,
    *,
    report_id: int,
    item_key: str,
    evidence_id: int,
    at: str,
    update_id: int | None,
) -> Evidence:
    """Attaches a file of another report of the same institution to `item_key` of this report. Refused:
    not theirs (not_allowed), not such a file or point (stale), locked or not reopened; EvidenceRefused
    ("duplicate") when the point already has that content."""
    async with db.transaction(update_id=update_id, at=at) as conn:
        report = await reports.get(conn, report_id)
        if report is None or not may_write(who, report):
            raise Refused("not_allowed")
        ctx = await load_ctx(conn, report, outlines)
        item = ctx.laid.by_key.get(item_key)
        source = await store.get(conn, evidence_id)
        origin = await reports.get(conn, source.report_id) if source is not None else None
        if (
            item is None
            or source is None
            or origin is None
            or origin.id == report.id
            or origin.institution_id != report.institution_id
        ):
            raise Refused("stale")
        if report.status not in ("draft", "returned"):
            raise Refused("locked")
        if not ctx.may_edit(item):
            raise Refused("not_reopened")
        if any(e.sha256 == source.sha256 for e in await store.of_report(conn, report.id, item.key)):
            raise EvidenceRefused("duplicate", name=source.name)
        new_id = await store.add(
            conn,
            report_id=report.id,
            item=item.key,
            name=source.name,
            kind=source.kind,
            mime=source.mime,
            size=source.size,
            sha256=source.sha256,
            uploaded_by=who.user_id,
            at=at,
            tg_file_id=source.tg_file_id,
        )
        await audit.record(
            conn,
            at=at,
            actor=f"tg:{who.user_id}",
            action="evidence.reuse",
            subject=f"report:{report.id}:{item.key}",
            detail={"id": new_id, "from": source.id, "name": source.name, "sha256": source.sha256},
        )
        created = await store.get(conn, new_id)
        assert created is not None
        return created
