"""The office's oversight in one place: drawing the sample, assigning experts, grades, flags per report."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiosqlite

from bot.domain.outlines import Outlines
from bot.domain.oversight.flags import CrossCheck, cross_checks, org_flags, school_flags
from bot.domain.oversight.sampling import Candidate, Draw, draw
from storage import Database, audit, oversight, reports, roster, snapshots, versions
from storage import evidence as evidence_store
from storage.models import ORG_KIND, Certificate, Institution, Report

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
    db: Database,
    *,
    seed: str | None,
    actor: str,
    at: str,
    fraction: float = 0.2,
    update_id: int | None = None,
    within: Callable[[aiosqlite.Connection, int], Awaitable[None]] | None = None,
) -> tuple[int, Draw]:
    """Draws and records a sample; a given seed reproduces an earlier draw over the same roster. With
    update_id a replayed command raises AlreadyApplied instead of drawing again. `within` runs in the same
    transaction with the new sample's id (the web consumes its one-time form token there); if it raises,
    nothing is drawn."""
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
        if within is not None:
            await within(conn, sample_id)
    return sample_id, result


GRADABLE = ("submitted", "accepted")


class NotGradable(Exception):
    """The unit has no submitted report to grade (not started, a draft, or returned for revision)."""


@dataclass(frozen=True, slots=True)
class GradeUnit:
    """What an expert grades: an institution as a whole, or one certificate of a training organization
    (附件2's monitoring points are “以证书为单位”, and each certificate is a report of its own)."""

    institution: Institution
    certificate: Certificate | None
    report: Report | None
    files: int

    @property
    def gradable(self) -> bool:
        return self.report is not None and self.report.status in GRADABLE

    @property
    def certificate_id(self) -> int | None:
        return self.certificate.id if self.certificate else None

    @property
    def label(self) -> str:
        return self.institution.name + (f" · {self.certificate.name}" if self.certificate else "")


async def _unit(conn: aiosqlite.Connection, inst: Institution, cert: Certificate | None) -> GradeUnit:
    report = await reports.find(conn, inst.id, cert.id if cert else None)
    # A report returned for revision is read (and graded) as last submitted: its files are that version's.
    files = await _file_count(conn, report) if report else 0
    return GradeUnit(inst, cert, report, files)


async def _file_count(conn: aiosqlite.Connection, report: Report) -> int:
    """How many files a report offers its readers: a returned one's last submitted version's
    (bot/domain/reports/reading.py),
    else the current ones."""
    content = await snapshots.submitted_content(conn, report) if report.status == "returned" else None
    if content is None:
        return sum((await evidence_store.counts(conn, report.id)).values())
    return len(content.get("evidence", []))


async def grade_units(conn: aiosqlite.Connection, institution_id: int) -> list[GradeUnit]:
    """An institution, or each certificate of a training organization, with its report."""
    inst = await roster.institution(conn, institution_id)
    if inst is None:
        return []
    if inst.kind != ORG_KIND:
        return [await _unit(conn, inst, None)]
    return [await _unit(conn, inst, c) for c in await roster.certificates_of_org(conn, inst.id)]


async def grade_unit(conn: aiosqlite.Connection, institution_id: int, certificate_id: int | None) -> GradeUnit | None:
    """The unit named by a button: None when it does not exist (an organization as a whole, a certificate
    of another organization, a certificate of an institution)."""
    return next((u for u in await grade_units(conn, institution_id) if u.certificate_id == certificate_id), None)


async def grade(
    db: Database,
    *,
    expert: int,
    institution_id: int,
    value: str,
    comment: str,
    at: str,
    update_id: int | None,
    certificate_id: int | None = None,
) -> None:
    """Records an expert's grade of a unit whose report is submitted; NotGradable otherwise."""
    if value not in GRADES:
        raise ValueError(value)
    async with db.transaction(update_id=update_id, at=at) as conn:
        unit = await grade_unit(conn, institution_id, certificate_id)
        if unit is None or not unit.gradable:
            raise NotGradable
        await oversight.put_grade(
            conn,
            user_id=expert,
            institution_id=institution_id,
            certificate_id=certificate_id,
            grade=value,
            comment=comment,
            at=at,
        )
        await audit.record(
            conn,
            at=at,
            actor=f"tg:{expert}",
            action="grade.put",
            subject=str(institution_id) + (f":{certificate_id}" if certificate_id else ""),
            detail={"grade": value, "comment": comment, "version": unit.report.version if unit.report else 0},
        )


@dataclass(frozen=True, slots=True)
class CrossDraft:
    """A report whose figures would belong in a certificate's cross-check but that was never submitted:
    left out of the comparison and listed apart, marked 草稿."""

    certificate_id: int
    institution_id: int
    org: bool


@dataclass
class Findings:
    by_report: dict[int, list[str]]
    cross: list[CrossCheck]
    drafts: list[CrossDraft] = field(default_factory=list)


async def findings(db: Database, outlines: Outlines) -> Findings:
    """Flags for every report from its current answers; the per-certificate cross-checks from the last
    submitted version on both sides (a report returned for revision counts with what it last submitted;
    a draft that was never submitted is left out and listed in `drafts`)."""
    conn = db.read
    answers = await reports.all_answers(conn)
    submitted = await versions.submitted_answers(conn)
    all_pilots = await roster.all_pilots(conn)
    pilots: dict[int, dict[str, tuple[str, int]]] = {}
    for p in all_pilots:
        pilots.setdefault(p.institution_id, {})[f"c{p.certificate_id}"] = (p.certificate_name, p.scale)
    by_report: dict[int, list[str]] = {}
    school_answers: list[dict[str, Any]] = []
    org_by_cert: dict[int, dict[str, Any]] = {}
    school_drafts: set[int] = set()
    org_drafts: dict[int, int] = {}
    for report in await reports.all_reports(conn):
        mine = answers.get(report.id, {})
        figures = _submitted_figures(report, mine, submitted)
        if report.outline == "institution":
            rows = pilots.get(report.institution_id, {})
            by_report[report.id] = school_flags(
                outlines.institution, mine, {k: v[0] for k, v in rows.items()}, {k: v[1] for k, v in rows.items()}
            )
            if figures is not None:
                school_answers.append(figures)
            elif report.status == "draft" and mine:
                school_drafts.add(report.institution_id)
        else:
            by_report[report.id] = org_flags(outlines.training_org, mine)
            if report.certificate_id is None:
                continue
            if figures is not None:
                org_by_cert[report.certificate_id] = figures
            elif report.status == "draft" and mine:
                org_drafts[report.certificate_id] = report.institution_id
    drafts: list[CrossDraft] = []
    for cert in await roster.certificates(conn):
        if cert.org_id is None:
            continue
        piloting = sorted({p.institution_id for p in all_pilots if p.certificate_id == cert.id} & school_drafts)
        drafts += [CrossDraft(cert.id, inst, False) for inst in piloting]
        if cert.id in org_drafts:
            drafts.append(CrossDraft(cert.id, org_drafts[cert.id], True))
    return Findings(by_report, cross_checks(outlines, school_answers, org_by_cert), drafts)


def _submitted_figures(
    report: Report, current: dict[str, Any], submitted: dict[int, dict[str, Any]]
) -> dict[str, Any] | None:
    """The answers of the report's last submitted version, or None if it never submitted one."""
    if report.id in submitted:
        return submitted[report.id]
    if report.status in GRADABLE:
        return current  # locked since it was submitted: the current answers are the submitted ones
    return None
