"""Institutions, training organizations, certificates and who pilots what."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import aiosqlite

from storage import reports
from storage.models import Certificate, Institution, Kind, Pilot
from storage.rows import first as _first

_INST = "SELECT id, seq, kind, name, city FROM institutions"


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One institution as the roster workbook describes it."""

    seq: int | None
    kind: Kind
    name: str
    city: str | None


@dataclass(frozen=True, slots=True)
class CertificateRow:
    name: str
    org_name: str | None
    lead_name: str | None


@dataclass(frozen=True, slots=True)
class PilotRow:
    institution_name: str
    certificate_name: str
    scale: int


async def count(conn: aiosqlite.Connection) -> dict[str, int]:
    return {
        str(k): int(n) for k, n in await conn.execute_fetchall("SELECT kind, COUNT(*) FROM institutions GROUP BY kind")
    }


async def clear_seqs(conn: aiosqlite.Connection, names: list[str]) -> None:
    await conn.executemany("UPDATE institutions SET seq = NULL WHERE name = ?", [(n,) for n in names])


async def upsert_institutions(conn: aiosqlite.Connection, rows: Iterable[RosterRow]) -> int:
    reports.forget_units(conn)
    n = 0
    for r in rows:
        await conn.execute(
            "INSERT INTO institutions (seq, kind, name, city) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, kind = excluded.kind, "
            "city = COALESCE(excluded.city, institutions.city)",
            (r.seq, r.kind, r.name, r.city or None),
        )
        n += 1
    return n


async def replace_certificates(
    conn: aiosqlite.Connection, certificates: Iterable[CertificateRow], pilots: Iterable[PilotRow]
) -> None:
    """Certificates keep their ids (reports point at them); pilots are replaced as a whole."""
    reports.forget_units(conn)
    ids = await institution_ids(conn)
    for c in certificates:
        await conn.execute(
            "INSERT INTO certificates (name, org_id, lead_id) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET org_id = excluded.org_id, lead_id = excluded.lead_id",
            (c.name, ids.get(c.org_name or ""), ids.get(c.lead_name or "")),
        )
    await conn.execute("DELETE FROM pilots")
    cert_ids = {str(n): int(i) for n, i in await conn.execute_fetchall("SELECT name, id FROM certificates")}
    await conn.executemany(
        "INSERT INTO pilots (institution_id, certificate_id, scale) VALUES (?, ?, ?)",
        [(ids[p.institution_name], cert_ids[p.certificate_name], p.scale) for p in pilots],
    )


async def institution_ids(conn: aiosqlite.Connection) -> dict[str, int]:
    return {str(n): int(i) for n, i in await conn.execute_fetchall("SELECT name, id FROM institutions")}


async def institutions(conn: aiosqlite.Connection, *, kind: Kind | None = None) -> list[Institution]:
    sql = _INST + (" WHERE kind = ?" if kind else "") + " ORDER BY seq IS NULL, seq, name"
    return [Institution(*row) for row in await conn.execute_fetchall(sql, (kind,) if kind else ())]


async def institution(conn: aiosqlite.Connection, institution_id: int) -> Institution | None:
    row = _first(await conn.execute_fetchall(_INST + " WHERE id = ?", (institution_id,)))
    return Institution(*row) if row else None


async def find_institution(conn: aiosqlite.Connection, ref: str) -> Institution | None:
    """By 附件3 number, by database id prefixed '#', or by exact name."""
    ref = ref.strip()
    number = ref.removeprefix("#")
    if number.isascii() and number.isdigit() and len(number) > 18:
        return None  # beyond SQLite's integer range: no such row
    if ref.isascii() and ref.isdigit():
        sql, arg = _INST + " WHERE seq = ?", int(ref)
    elif ref.startswith("#") and ref[1:].isascii() and ref[1:].isdigit():
        sql, arg = _INST + " WHERE id = ?", int(ref[1:])
    else:
        sql, arg = _INST + " WHERE name = ?", ref  # type: ignore[assignment]
    row = _first(await conn.execute_fetchall(sql, (arg,)))
    return Institution(*row) if row else None


async def certificates(conn: aiosqlite.Connection) -> list[Certificate]:
    return [
        Certificate(*row)
        for row in await conn.execute_fetchall("SELECT id, name, org_id, lead_id FROM certificates ORDER BY id")
    ]


async def certificate(conn: aiosqlite.Connection, certificate_id: int) -> Certificate | None:
    row = _first(
        await conn.execute_fetchall(
            "SELECT id, name, org_id, lead_id FROM certificates WHERE id = ?", (certificate_id,)
        )
    )
    return Certificate(*row) if row else None


async def certificates_of_org(conn: aiosqlite.Connection, org_id: int) -> list[Certificate]:
    return [
        Certificate(*row)
        for row in await conn.execute_fetchall(
            "SELECT id, name, org_id, lead_id FROM certificates WHERE org_id = ? ORDER BY id", (org_id,)
        )
    ]


async def pilots_of(conn: aiosqlite.Connection, institution_id: int) -> list[Pilot]:
    return [
        Pilot(*row)
        for row in await conn.execute_fetchall(
            "SELECT p.institution_id, p.certificate_id, c.name, p.scale FROM pilots p "
            "JOIN certificates c ON c.id = p.certificate_id WHERE p.institution_id = ? ORDER BY c.id",
            (institution_id,),
        )
    ]


async def all_pilots(conn: aiosqlite.Connection) -> list[Pilot]:
    return [
        Pilot(*row)
        for row in await conn.execute_fetchall(
            "SELECT p.institution_id, p.certificate_id, c.name, p.scale FROM pilots p "
            "JOIN certificates c ON c.id = p.certificate_id ORDER BY p.institution_id, c.id"
        )
    ]
