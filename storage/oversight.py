"""Expert assignments, spot-check samples and grades."""

from __future__ import annotations

import json

import aiosqlite

from storage.models import Grade
from storage.rows import first as _first


async def is_assigned(conn: aiosqlite.Connection, user_id: int, institution_id: int) -> bool:
    return bool(
        await conn.execute_fetchall(
            "SELECT 1 FROM expert_assignments WHERE user_id = ? AND institution_id = ?", (user_id, institution_id)
        )
    )


async def assign(conn: aiosqlite.Connection, user_id: int, institution_id: int, *, at: str) -> None:
    await conn.execute(
        "INSERT OR IGNORE INTO expert_assignments (user_id, institution_id, assigned_at) VALUES (?, ?, ?)",
        (user_id, institution_id, at),
    )


async def assigned_to(conn: aiosqlite.Connection, user_id: int) -> list[int]:
    return [
        int(r[0])
        for r in await conn.execute_fetchall(
            "SELECT institution_id FROM expert_assignments WHERE user_id = ? ORDER BY institution_id", (user_id,)
        )
    ]


async def record_sample(
    conn: aiosqlite.Connection,
    *,
    seed: str,
    fraction: float,
    drawn_by: str,
    at: str,
    strata: dict[str, dict[str, int]],
    members: list[tuple[int, str]],
) -> int:
    cur = await conn.execute(
        "INSERT INTO samples (seed, fraction, drawn_by, drawn_at, strata) VALUES (?, ?, ?, ?, ?)",
        (seed, fraction, drawn_by, at, json.dumps(strata, ensure_ascii=False)),
    )
    sample_id = int(cur.lastrowid or 0)
    await conn.executemany(
        "INSERT INTO sample_members (sample_id, institution_id, stratum) VALUES (?, ?, ?)",
        [(sample_id, inst, stratum) for inst, stratum in members],
    )
    return sample_id


async def latest_sample(conn: aiosqlite.Connection) -> tuple[int, str, str, str, str] | None:
    """(id, seed, drawn_by, drawn_at, strata JSON) of the newest draw."""
    row = _first(
        await conn.execute_fetchall("SELECT id, seed, drawn_by, drawn_at, strata FROM samples ORDER BY id DESC LIMIT 1")
    )
    return (int(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4])) if row else None


async def sample_members(conn: aiosqlite.Connection, sample_id: int) -> list[tuple[int, str]]:
    return [
        (int(i), str(s))
        for i, s in await conn.execute_fetchall(
            "SELECT institution_id, stratum FROM sample_members WHERE sample_id = ? ORDER BY stratum, institution_id",
            (sample_id,),
        )
    ]


async def put_grade(
    conn: aiosqlite.Connection,
    *,
    user_id: int,
    institution_id: int,
    grade: str,
    comment: str,
    at: str,
    certificate_id: int | None = None,
) -> None:
    """One current grade per expert and unit: an institution (certificate None) or one certificate of a
    training organization."""
    await conn.execute(
        "INSERT INTO grades (user_id, institution_id, certificate_id, grade, comment, graded_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, institution_id, certificate_id) DO UPDATE SET "
        "grade = excluded.grade, comment = excluded.comment, graded_at = excluded.graded_at",
        (user_id, institution_id, certificate_id or 0, grade, comment, at),
    )


async def all_grades(conn: aiosqlite.Connection) -> list[Grade]:
    """Every current grade, by institution, certificate and expert."""
    return [
        Grade(**dict(zip(_GRADE_COLUMNS, row, strict=True)))
        for row in await conn.execute_fetchall(
            f"SELECT {', '.join(_GRADE_COLUMNS)} FROM grades ORDER BY institution_id, certificate_id, user_id"
        )
    ]


_GRADE_COLUMNS = ("user_id", "institution_id", "certificate_id", "grade", "comment", "graded_at")


async def grades(conn: aiosqlite.Connection) -> list[tuple[int, int, str, str, str]]:
    """(expert user id, institution id, grade, comment, graded_at), all of them."""
    return [
        (int(a), int(b), str(c), str(d), str(e))
        for a, b, c, d, e in await conn.execute_fetchall(
            "SELECT user_id, institution_id, grade, comment, graded_at FROM grades ORDER BY institution_id, user_id"
        )
    ]
