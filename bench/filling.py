"""Fills a report with valid answers and small evidence files, directly in the database: for benchmarks
(the province, the national simulation) and for tests about what comes after the walk."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def sample_answer(ctx: Any, item: Any) -> dict[str, Any]:
    """A valid answer for any item: decreasing numbers satisfy every rule of the outlines."""
    from bot.domain.outlines.models import Choice, Number, Numbers, YesNo

    if item.narrative is not None:
        return {"text": f"{item.section.title}：{item.narrative.label}（示例）"}
    answer = item.point.answer
    if isinstance(answer, YesNo):
        return {"yes": answer.flavour == "practice", "note": None}
    if isinstance(answer, Choice):
        return {"choice": answer.options[0]}
    if isinstance(answer, Number):
        return {"n": answer.max}
    if isinstance(answer, Numbers):
        base = 300 - 5 * item.index
        rows = {r.key: {f.id: base - i for i, f in enumerate(answer.fields)} for r in ctx.rows(item)}
        return {"rows": rows, "confirmed": True}
    return {"text": "示例"}


async def fill_report(
    db: Any, outlines: Any, evidence_root: Path, report_id: int, *, evidence: bool = True, skip: tuple[str, ...] = ()
) -> int:
    """Answers every item of a report with a valid value and attaches a small PDF to every point that
    expects evidence; returns how many files it attached. Shared by tests and benchmarks."""
    from bot.domain.reports.evidence import write_blob
    from bot.domain.walk.reporting import load_ctx
    from storage import evidence as evidence_store
    from storage import reports as report_store

    report = await report_store.get(db.read, report_id)
    assert report is not None
    ctx = await load_ctx(db.read, report, outlines)
    files = 0
    async with db.transaction() as conn:
        for item in ctx.laid.items:
            if item.key in skip:
                continue
            await report_store.put_answer(
                conn, report_id=report_id, item=item.key, value=sample_answer(ctx, item), user_id=0, at="t"
            )
            if evidence and item.point is not None and item.point.evidence:
                data = f"%PDF-1.4 evidence for {item.key} of report {report_id}".encode()
                digest = write_blob(evidence_root, data)
                await evidence_store.add(
                    conn,
                    report_id=report_id,
                    item=item.key,
                    name=f"{item.key}.pdf",
                    kind="pdf",
                    mime="application/pdf",
                    size=len(data),
                    sha256=digest,
                    uploaded_by=0,
                    at="t",
                    tg_file_id=None,
                )
                files += 1
    return files
