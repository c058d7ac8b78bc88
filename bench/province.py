"""Builds a whole province in a fresh database: 189 institutions with every point answered and evidence
on the points that expect it, plus training organizations, all submitted. Shared by the benchmarks."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.filling import fill_report
from bot.domain.outlines import Outlines
from bot.domain.people.roster import load_seed
from bot.domain.reports.lifecycle import canonical, snapshot
from storage import Database, reports, versions
from storage import roster as store
from storage.roster import CertificateRow, PilotRow, RosterRow


async def build_province(
    db: Database, outlines: Outlines, evidence_root: Path, *, organizations: int = 50, mixed: bool = False
) -> int:
    await load_seed(db, at="2020-11-01T00:00:00+00:00")
    rng = random.Random(2020)
    schools = [i for i in await store.institutions(db.read) if i.kind != "培训评价组织"]
    certs = [
        CertificateRow(f"证书{n:02d}", f"培训评价组织{n:02d}", rng.choice(schools).name) for n in range(organizations)
    ]
    low, high = (300, 420) if mixed else (20, 300)  # mixed: scales above the sample answers' figures
    pilots = [PilotRow(s.name, c.name, rng.randint(low, high)) for s in schools for c in rng.sample(certs, k=3)]
    async with db.transaction() as conn:
        await store.upsert_institutions(conn, [RosterRow(None, "培训评价组织", c.org_name or "", None) for c in certs])
        await store.replace_certificates(conn, certs, pilots)
    report_ids = []
    async with db.transaction() as conn:
        for inst in schools:
            report_ids.append(
                (
                    await reports.ensure(
                        conn, institution_id=inst.id, certificate_id=None, outline="institution", at="t"
                    )
                ).id
            )
        for cert in await store.certificates(conn):
            assert cert.org_id is not None
            report_ids.append(
                (
                    await reports.ensure(
                        conn, institution_id=cert.org_id, certificate_id=cert.id, outline="training_org", at="t"
                    )
                ).id
            )
    files = 0
    for rid in report_ids:
        # mixed: a campaign under way (some not started or in progress, some returned or accepted, submissions
        # spread over two weeks); otherwise every report submitted on one day.
        roll = rng.random() if mixed else 0.5
        if roll < 0.08:
            continue
        files += await fill_report(db, outlines, evidence_root, rid)
        if roll < 0.2:
            continue
        at = datetime(2020, 12, 1, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 13), minutes=rng.randint(0, 600))
        stamp = at.isoformat() if mixed else "2020-12-14T08:00:00+00:00"
        async with db.transaction() as conn:
            await versions.set_status(conn, rid, status="submitted", at=stamp, expect=("draft",), bump=True)
            report = await reports.get(conn, rid)
            assert report is not None
            content, checksum = canonical(await snapshot(conn, report))
            await versions.add_version(
                conn, report_id=rid, version=1, at=stamp, user_id=0, content=content, checksum=checksum
            )
            if roll > 0.93:
                await versions.set_status(conn, rid, status="returned", at=stamp, expect=("submitted",))
            elif roll > 0.83:
                await versions.set_status(conn, rid, status="accepted", at=stamp, expect=("submitted",))
    return files
