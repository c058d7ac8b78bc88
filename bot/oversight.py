"""The office's oversight in one place: drawing the sample, assigning experts, grades, flags per report."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from bot.flags import CrossCheck, cross_checks, org_flags, school_flags
from bot.sampling import Candidate, Draw, draw
from storage import Database, audit, oversight, reports, roster

GRADES = ("优秀", "合格", "整改", "取消试点资格")


async def candidates(db: Database) -> tuple[list[Candidate], list[Candidate]]:
    conn = db.read
    pilots: dict[int, set[int]] = {}
    for p in await roster.all_pilots(conn):
        pilots.setdefault(p.institution_id, set()).add(p.certificate_id)
    schools, orgs = [], []
    for inst in await roster.institutions(conn):
        if inst.kind == "培训评价组织":
            certs = frozenset(c.id for c in await roster.certificates_of_org(conn, inst.id))
            orgs.append(Candidate(inst.id, inst.kind, None, certs))
        else:
            schools.append(Candidate(inst.id, inst.kind, inst.city, frozenset(pilots.get(inst.id, ()))))
    return schools, orgs


async def draw_sample(
    db: Database, *, seed: str | None, actor: str, at: str, fraction: float = 0.2, update_id: int | None = None
) -> tuple[int, Draw]:
    """Draws and records a sample; a given seed reproduces an earlier draw over the same roster. With
    update_id a replayed command raises AlreadyApplied instead of drawing again."""
    seed = seed or secrets.token_hex(8)
    schools, orgs = await candidates(db)
    result = draw(schools, orgs, seed=seed, fraction=fraction)
    async with db.transaction(update_id=update_id, at=at) as conn:
        sample_id = await oversight.record_sample(
            conn,
            seed=seed,
            fraction=fraction,
            drawn_by=actor,
            at=at,
            strata=result.strata,
            members=[(c.id, c.stratum) for c in result.picked],
        )
        await audit.record(
            conn,
            at=at,
            actor=actor,
            action="sample.draw",
            subject=str(sample_id),
            detail={"seed": seed, "fraction": fraction, "strata": result.strata},
        )
    return sample_id, result


async def grade(
    db: Database, *, expert: int, institution_id: int, value: str, comment: str, at: str, update_id: int | None
) -> None:
    if value not in GRADES:
        raise ValueError(value)
    async with db.transaction(update_id=update_id, at=at) as conn:
        await oversight.put_grade(
            conn, user_id=expert, institution_id=institution_id, grade=value, comment=comment, at=at
        )
        await audit.record(
            conn,
            at=at,
            actor=f"tg:{expert}",
            action="grade.put",
            subject=str(institution_id),
            detail={"grade": value, "comment": comment},
        )


@dataclass
class Findings:
    by_report: dict[int, list[str]]
    cross: list[CrossCheck]


async def findings(db: Database) -> Findings:
    """Flags for every report, and the per-certificate cross-checks, from the current answers."""
    conn = db.read
    answers = await reports.all_answers(conn)
    pilots: dict[int, dict[str, tuple[str, int]]] = {}
    for p in await roster.all_pilots(conn):
        pilots.setdefault(p.institution_id, {})[f"c{p.certificate_id}"] = (p.certificate_name, p.scale)
    by_report: dict[int, list[str]] = {}
    school_answers: list[dict[str, Any]] = []
    org_by_cert: dict[int, dict[str, Any]] = {}
    for report in await reports.all_reports(conn):
        mine = answers.get(report.id, {})
        if report.outline == "institution":
            rows = pilots.get(report.institution_id, {})
            by_report[report.id] = school_flags(
                mine, {k: v[0] for k, v in rows.items()}, {k: v[1] for k, v in rows.items()}
            )
            if report.status in ("submitted", "accepted", "returned"):
                school_answers.append(mine)
        else:
            by_report[report.id] = org_flags(mine)
            if report.certificate_id is not None:
                org_by_cert[report.certificate_id] = mine
    return Findings(by_report, cross_checks(school_answers, org_by_cert))
