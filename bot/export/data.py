"""Everything an export needs, read once from the database into plain objects."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.domain.campaign.progress import status_of
from bot.domain.outlines.loader import Item, LaidOut, Outlines
from bot.domain.outlines.models import Numbers
from bot.domain.oversight.oversight import Findings, findings
from bot.domain.walk.figures import Table, numbers_table
from bot.domain.walk.rules import RateLine, Row, rates, rows_for
from bot.domain.walk.state import State
from messages import zh
from storage import Database, oversight, people, reports, roster, snapshots
from storage import evidence as evidence_store
from storage.models import Evidence, Institution, Report, Version


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
    # What the data is: the submitted version it was read from (0: the live draft), when and by whom it was
    # submitted; for a report returned for revision, the draft in progress rides along, separately marked.
    version: int = 0
    submitted_at: str | None = None
    submitted_by: str = ""
    draft: ReportData | None = None
    # The workbook's summed counts of this report by column set, computed once per export although the
    # summary, 分市汇总 and 图表 sheets all need them (see workbook._counts_of).
    counts_cache: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    # The evidence by item, grouped once: the report sheet asks for every item's files.
    _by_item: dict[str, list[Evidence]] | None = field(default=None, init=False, repr=False, compare=False)
    # A numbers point's table by (item, row-label heading): the summaries and the report sheet share it.
    _tables: dict[tuple[str, str], Table] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def is_draft(self) -> bool:
        return self.version == 0

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

    def table(self, item: Item, label: str) -> Table:
        """`numbers_table` of a point of this report, computed once per row-label heading."""
        key = (item.key, label)
        table = self._tables.get(key)
        if table is None:
            table = numbers_table(self.laid, item, self.answers, self.rows, label=label, scale=zh.SCALE_LABEL)
            self._tables[key] = table
        return table

    def files_for(self, item: Item) -> list[Evidence]:
        if self._by_item is None:
            self._by_item = {}
            for e in self.evidence:
                self._by_item.setdefault(e.item, []).append(e)
        return list(self._by_item.get(item.key, ()))


@dataclass(frozen=True)
class Audience:
    """Who an export is built for, which decides everything it may contain.

    office: everything. city: its own 中职, the grades of those, no sample, no cross-checks (they sum other
    cities' schools). coordinator: its own report only. expert: the assigned institutions, their own grades,
    and the cross-checks of assigned organizations' certificates."""

    kind: Literal["office", "city", "coordinator", "expert"]
    city: str | None = None
    report_id: int | None = None
    expert_id: int | None = None
    institutions: frozenset[int] = frozenset()

    @classmethod
    def office(cls) -> Audience:
        return cls("office")

    @classmethod
    def of_city(cls, city: str) -> Audience:
        return cls("city", city=city)

    @classmethod
    def own_report(cls, report_id: int) -> Audience:
        return cls("coordinator", report_id=report_id)

    @classmethod
    def expert(cls, user_id: int, institutions: frozenset[int]) -> Audience:
        return cls("expert", expert_id=user_id, institutions=institutions)

    def sees(self, inst: Institution, report: Report | None) -> bool:
        if self.kind == "city":
            return inst.kind == "中职" and inst.city == self.city
        if self.kind == "coordinator":
            return report is not None and report.id == self.report_id
        if self.kind == "expert":
            return inst.id in self.institutions
        return True


@dataclass
class Province:
    units: list[ReportData]
    findings: Findings
    certificates: dict[int, str]
    grades: list[tuple[str, str, str, str, str]]  # institution, expert, grade, comment, at
    sample: tuple[int, str, str, str, dict[str, Any], list[tuple[str, str]]] | None  # id, seed, by, at, strata, members
    # Never-submitted reports left out of 交叉核对: (certificate, institution or organization, is the organization)
    cross_drafts: list[tuple[str, str, bool]] = field(default_factory=list)
    # 分市汇总 and 图表: for the office (the province) and a city bureau (its city) only.
    overview: bool = True


async def load(
    db: Database,
    outlines: Outlines,
    *,
    city: str | None = None,
    report_id: int | None = None,
    audience: Audience | None = None,
) -> Province:
    """What one audience may see: the province for the office, one city's 中职, one report, or an
    expert's institutions. Without an audience it follows city / report_id, never more than they name."""
    if audience is None:
        if report_id is not None:
            audience = Audience.own_report(report_id)
        elif city is not None:
            audience = Audience.of_city(city)
        else:
            audience = Audience.office()
    conn = await db.bulk()  # the whole campaign: a large read, off the event loop
    versions = await snapshots.latest_versions(conn)
    counts = await reports.answer_counts(conn)
    by_key = {(r.institution_id, r.certificate_id): r for r in await reports.all_reports(conn)}
    files: dict[int, list[Evidence]] = {}
    current = await evidence_store.all_current(conn)
    for e in current:
        files.setdefault(e.report_id, []).append(e)
    pilots: dict[int, list[Row]] = {}
    for p in await roster.all_pilots(conn):
        pilots.setdefault(p.institution_id, []).append(Row(f"c{p.certificate_id}", p.certificate_name, p.scale))
    found = await findings(db, outlines)
    institutions = await roster.institutions(conn)
    all_certs = await roster.certificates(conn)  # by id, as each organization's are listed
    of_org: dict[int, list[tuple[int | None, str | None]]] = {}
    for c in all_certs:
        if c.org_id is not None:
            of_org.setdefault(c.org_id, []).append((c.id, c.name))
    units: list[ReportData] = []
    for inst in institutions:
        subjects: list[tuple[int | None, str | None]] = [(None, None)]
        if inst.kind == "培训评价组织":
            subjects = of_org.get(inst.id, [])
        for cert_id, cert_name in subjects:
            report = by_key.get((inst.id, cert_id))
            if not audience.sees(inst, report):
                continue
            laid = outlines.get("training_org" if inst.kind == "培训评价组织" else "institution")
            rid = report.id if report else -1
            units.append(
                ReportData(
                    institution=inst,
                    certificate=cert_name,
                    report=report,
                    laid=laid,
                    answers={},  # filled below where the export shows the live answers
                    rows=pilots.get(inst.id, []),
                    evidence=files.get(rid, []),
                    status=status_of(report, counts.get(rid, 0)),
                    flags=found.by_report.get(rid, []),
                )
            )
    await _live_answers(conn, units, versions)
    certs = {c.id: c.name for c in all_certs}
    names = {i.id: i.name for i in institutions}
    visible = {u.institution.id for u in units}
    grade_rows = []
    for g in await oversight.all_grades(conn):
        if audience.kind == "coordinator" or g.institution_id not in visible:
            continue
        if audience.kind == "expert" and g.user_id != audience.expert_id:
            continue
        expert = await people.get(conn, g.user_id)
        unit = names.get(g.institution_id, str(g.institution_id))
        if g.certificate_id:  # a training organization is graded per certificate
            unit += f" · {certs.get(g.certificate_id, str(g.certificate_id))}"
        grade_rows.append((unit, expert.name if expert else str(g.user_id), g.grade, g.comment, g.graded_at))
    await _as_submitted(conn, units, versions, {e.id: e for e in current})
    # The draw (its seed, strata and every member) is the office's alone.
    latest = await oversight.latest_sample(conn) if audience.kind == "office" else None
    sample = None
    if latest is not None:
        sample_id, seed, by, at, strata = latest
        members = [(names.get(i, str(i)), s) for i, s in await oversight.sample_members(conn, sample_id)]
        sample = (sample_id, seed, by, at, json.loads(strata), members)
    if audience.kind == "expert":
        orgs = {u.institution.id for u in units if u.institution.kind == "培训评价组织"}
        mine = {c.id for c in all_certs if c.org_id in orgs}
        found = Findings(
            found.by_report,
            [c for c in found.cross if c.certificate_id in mine],
            [x for x in found.drafts if x.certificate_id in mine],
        )
    elif audience.kind != "office":
        found = Findings(found.by_report, [], [])
    drafts = [
        (certs.get(x.certificate_id, str(x.certificate_id)), names.get(x.institution_id, str(x.institution_id)), x.org)
        for x in found.drafts
    ]
    overview = audience.kind in ("office", "city")
    return Province(units, found, certs, grade_rows, sample, drafts, overview)


# Up to this many reports' live answers are read one report at a time; more, all at once.
FEW_LIVE = 20


async def _live_answers(conn: Any, units: list[ReportData], versions: dict[int, Version]) -> None:
    """The answers as they stand, only where the export shows them: reports never submitted, and the draft in
    progress of a returned one. A submitted report is shown from its snapshot (`_as_submitted`), so at the end
    of a campaign almost nothing is read twice."""
    live = [(u, u.report.id) for u in units if u.report and (u.report.id not in versions or u.status == "returned")]
    if len(live) > FEW_LIVE:
        every = await reports.all_answers(conn)
        for unit, rid in live:
            unit.answers = every.get(rid, {})
    else:
        for unit, rid in live:
            unit.answers = await reports.answers(conn, rid)


async def _as_submitted(
    conn: Any, units: list[ReportData], latest: dict[int, Version], current: dict[int, Evidence]
) -> None:
    """Exports show what was submitted: a report with a submitted version is read from that version's
    snapshot (answers and the evidence it listed); a returned one keeps its draft in progress beside it.
    `current`: the evidence not removed, already read; only files removed since are read again."""
    taken = {unit.report.id: latest[unit.report.id] for unit in units if unit.report and unit.report.id in latest}
    contents: dict[int, dict[str, Any]] = {rid: json.loads(v.content) for rid, v in taken.items()}
    wanted = [int(f["id"]) for c in contents.values() for f in c.get("evidence", [])]
    files = {i: current[i] for i in wanted if i in current}
    files.update(await snapshots.evidence_by_ids(conn, [i for i in wanted if i not in current]))
    who = await snapshots.names(conn, [v.submitted_by for v in taken.values()])
    for n, unit in enumerate(units):
        version: Version | None = taken.get(unit.report.id) if unit.report else None
        if version is None:
            continue
        content = contents[version.report_id]
        submitted = ReportData(
            institution=unit.institution,
            certificate=unit.certificate,
            report=unit.report,
            laid=unit.laid,
            answers=content.get("answers", {}),
            rows=unit.rows,
            evidence=[files[int(f["id"])] for f in content.get("evidence", []) if int(f["id"]) in files],
            status=unit.status,
            flags=unit.flags,
            version=version.version,
            submitted_at=version.submitted_at,
            submitted_by=who.get(version.submitted_by, ""),
        )
        if unit.status == "returned":
            submitted.draft = unit
        units[n] = submitted
