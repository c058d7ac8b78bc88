"""Reports and their answers."""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from functools import partial
from typing import Any

import aiosqlite

from storage import audit
from storage.db import Kept as KeptRows
from storage.models import Report
from storage.rows import first as _first

# json.dumps(..., ensure_ascii=False) builds an encoder per call; this one is built once (same output).
_encode = json.JSONEncoder(ensure_ascii=False).encode

_REPORT = "SELECT id, institution_id, certificate_id, outline, status, version, submitted_at FROM reports"


async def get(conn: aiosqlite.Connection, report_id: int) -> Report | None:
    row = _first(await conn.execute_fetchall(_REPORT + " WHERE id = ?", (report_id,)))
    return Report(*row) if row else None


@dataclass(frozen=True, slots=True)
class Opened:
    """What every walk step checks before it reads the report's context, read together."""

    report: Report | None
    closes_at: str | None  # the campaign's close instant (UTC ISO), None while no end is set
    fragment_waiting: bool  # the person has the first part of a split long text waiting (text_fragments)


async def find(conn: aiosqlite.Connection, institution_id: int, certificate_id: int | None) -> Report | None:
    row = _first(
        await conn.execute_fetchall(
            _REPORT + " WHERE institution_id = ? AND IFNULL(certificate_id, 0) = ?",
            (institution_id, certificate_id or 0),
        )
    )
    return Report(*row) if row else None


async def ensure(
    conn: aiosqlite.Connection, *, institution_id: int, certificate_id: int | None, outline: str, at: str
) -> Report:
    await conn.execute(
        "INSERT INTO reports (institution_id, certificate_id, outline, started_at, updated_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (institution_id, certificate_id, outline, at, at),
    )
    found = await find(conn, institution_id, certificate_id)
    assert found is not None
    return found


async def of_institution(conn: aiosqlite.Connection, institution_id: int) -> list[Report]:
    return [
        Report(*row)
        for row in await conn.execute_fetchall(
            _REPORT + " WHERE institution_id = ? ORDER BY IFNULL(certificate_id, 0)", (institution_id,)
        )
    ]


async def answers(conn: aiosqlite.Connection, report_id: int) -> dict[str, Any]:
    return {
        str(item): json.loads(value)
        for item, value in await conn.execute_fetchall(
            "SELECT item, value FROM answers WHERE report_id = ?", (report_id,)
        )
    }


async def put_answer(
    conn: aiosqlite.Connection, *, report_id: int, item: str, value: object, user_id: int, at: str
) -> None:
    document = _encode(value)
    await conn.execute(
        "INSERT INTO answers (report_id, item, value, answered_by, answered_at, channel) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (report_id, item) DO UPDATE SET value = excluded.value, answered_by = excluded.answered_by, "
        "answered_at = excluded.answered_at, channel = excluded.channel",
        (report_id, item, document, user_id, at, audit.CHANNEL.get()),
    )  # triggers write the audit entry (with its channel), touch reports.updated_at and raise answers_gen
    memo = _answers_memo(conn)
    if memo is not None:
        # The answers kept in memory take this one too once it commits, if they were the report's answers
        # just before it (one generation back); otherwise they are read again next time. The generation it
        # made: counted on from the one this transaction's context read saw (the trigger adds one per row
        # written, and only this transaction writes meanwhile), else read.
        seen: dict[int, int] = conn.txn_notes.setdefault(_ANSWERS, {})  # type: ignore[attr-defined]
        if report_id in seen:
            seen[report_id] += 1
            gen = seen[report_id]
        else:
            row = _first(await conn.execute_fetchall("SELECT answers_gen FROM reports WHERE id = ?", (report_id,)))
            if row is None:
                return
            gen = int(row[0])
        conn.after_commit(partial(_kept_answer, memo, report_id, gen, item, document))  # type: ignore[attr-defined]


async def delete_answer(conn: aiosqlite.Connection, *, report_id: int, item: str) -> None:
    await conn.execute("DELETE FROM answers WHERE report_id = ? AND item = ?", (report_id, item))


async def all_reports(conn: aiosqlite.Connection) -> list[Report]:
    return [
        Report(*row)
        for row in await conn.execute_fetchall(_REPORT + " ORDER BY institution_id, IFNULL(certificate_id, 0)")
    ]


async def answer_counts(conn: aiosqlite.Connection) -> dict[int, int]:
    return {
        int(r): int(n)
        for r, n in await conn.execute_fetchall("SELECT report_id, COUNT(*) FROM answers GROUP BY report_id")
    }


async def all_answers(conn: aiosqlite.Connection) -> dict[int, dict[str, Any]]:
    """Every report's answers, decoded. SQLite assembles each report's answers into one JSON object, so the
    export decodes one document per report instead of one per answer (a tenth of its load's time)."""
    rows = await conn.execute_fetchall(
        "SELECT report_id, json_group_object(item, json(value)) FROM answers GROUP BY report_id"
    )
    return {int(report_id): json.loads(values) for report_id, values in rows}


@dataclass(frozen=True, slots=True)
class Context:
    """Everything the walk needs about one report, read in a single round trip."""

    unit: str
    certificate: str | None
    pilots: list[tuple[int, str, int]]  # certificate id, name, 试点规模
    answers: dict[str, Any]
    evidence: dict[str, int]
    comments: dict[str, str]


# A report's answers, decoded, kept in memory on the writer's connection (Database.connect gives it a memo)
# with the generation they were read at: reports.answers_gen, which a trigger raises on every change to the
# report's answers, whoever makes it (migration 0018). A walk step reads the generation instead of every
# answer and decodes nothing while it has not moved; the walk's own writes are applied to what is kept once
# their transaction commits. The walk replaces answer values, never changes one in place, so those kept are
# shared with each step's Ctx (a shallow copy of the mapping). The reports walked most recently are kept, at
# most KEEP_REPORTS of them (a fully answered report is some 20 KB), so memory stays flat at national scale.
Kept = OrderedDict[int, tuple[int, dict[str, Any]]]
_ANSWERS = "answers"
KEEP_REPORTS = 500


def _answers_memo(conn: aiosqlite.Connection) -> Kept | None:
    memo: dict[str, Any] | None = getattr(conn, "memo", None)
    return None if memo is None else memo.setdefault(_ANSWERS, OrderedDict())


def _put_kept(memo: Kept, report_id: int, kept: tuple[int, dict[str, Any]]) -> None:
    memo[report_id] = kept
    memo.move_to_end(report_id)
    while len(memo) > KEEP_REPORTS:
        memo.popitem(last=False)


def _keep(memo: Kept, report_id: int, gen: int, answers: dict[str, Any]) -> None:
    kept = memo.get(report_id)
    if kept is None or kept[0] < gen:
        _put_kept(memo, report_id, (gen, answers))


def _kept_answer(memo: Kept, report_id: int, gen: int, item: str, document: str) -> None:
    """One answer written (committed) at generation `gen`: applied if what is kept is the generation before."""
    kept = memo.get(report_id)
    if kept is not None and kept[0] == gen - 1:
        _put_kept(memo, report_id, (gen, {**kept[1], item: json.loads(document)}))
    else:
        memo.pop(report_id, None)


# The report's row (with the campaign's close and whether a split text's part waits) and its context in one
# statement: a UNION ALL whose first branch is the report's row; every other branch is padded to its width.
_PAD = ", NULL" * 9
_REPORT_ROW = (
    "SELECT 'R', id, institution_id, certificate_id, outline, status, version, submitted_at, "
    "(SELECT closes_at FROM campaign_close WHERE id = 1), EXISTS (SELECT 1 FROM text_fragments WHERE user_id = ?), "
    "answers_gen FROM reports WHERE id = ?"
)
# Who reports and on what (the unit's name, the certificate's, the pilots): changed only by the roster, so kept.
_UNIT = (
    " UNION ALL SELECT 'i', name"
    + _PAD
    + " FROM institutions WHERE id = (SELECT institution_id FROM reports WHERE id = ?)"
    " UNION ALL SELECT 'c', name" + _PAD + " FROM certificates"
    "  WHERE id = (SELECT IFNULL(certificate_id, 0) FROM reports WHERE id = ?)"
    " UNION ALL SELECT 'p', p.certificate_id, json_array(c.name, p.scale)" + _PAD[:-6] + " FROM pilots p"
    "  JOIN certificates c ON c.id = p.certificate_id"
    "  WHERE p.institution_id = (SELECT institution_id FROM reports WHERE id = ?)"
)
_STATE = (
    " UNION ALL SELECT 'e', item, COUNT(*)" + _PAD[:-6] + " FROM evidence WHERE report_id = ? AND removed_at IS NULL"
    "  GROUP BY item"
    " UNION ALL SELECT 'r', comments" + _PAD + " FROM revisions WHERE report_id = ? AND closed_at IS NULL"
)
_ANSWERS_ROWS = " UNION ALL SELECT 'a', item, value" + _PAD[:-6] + " FROM answers WHERE report_id = ?"
# By (the unit is kept, the answers are kept): the statement and how many times it takes the report's id.
_READS = {
    (unit_kept, answers_kept): (
        _REPORT_ROW + ("" if unit_kept else _UNIT) + _STATE + ("" if answers_kept else _ANSWERS_ROWS),
        1 + (0 if unit_kept else 3) + 2 + (0 if answers_kept else 1),
    )
    for unit_kept in (False, True)
    for answers_kept in (False, True)
}
Unit = tuple[str, str | None, tuple[tuple[int, str, int], ...]]  # the unit's name, the certificate's, the pilots


def forget_units(conn: aiosqlite.Connection) -> None:
    """The roster changes in the open transaction: no unit is kept until it ends (read again then)."""
    kept: KeptRows | None = getattr(conn, "kept", None)
    if kept is not None:
        kept.units.clear()
        conn.after_commit(kept.units.clear)  # type: ignore[attr-defined]


async def open_context(conn: aiosqlite.Connection, report_id: int, user_id: int) -> tuple[Opened, Context | None]:
    """open_for and context together, in one statement: what a walk step reads before it changes anything.
    The context is None when there is no such report."""
    return await _read(conn, report_id, user_id, None)


async def context(conn: aiosqlite.Connection, report: Report) -> Context:
    found = (await _read(conn, report.id, 0, report))[1]
    return found if found is not None else Context("", None, [], {}, {}, {})


async def _read(
    conn: aiosqlite.Connection, report_id: int, user_id: int, given: Report | None
) -> tuple[Opened, Context | None]:
    """`given`: the report as the caller read it (its status says whether comments apply), else as read here."""
    memo = _answers_memo(conn)
    kept = memo.get(report_id) if memo is not None else None
    rows_kept: KeptRows | None = getattr(conn, "kept", None)
    unit_kept: Unit | None = rows_kept.units.get(report_id) if rows_kept is not None else None
    sql, times = _READS[unit_kept is not None, kept is not None]
    rows = await conn.execute_fetchall(sql, (user_id,) + (report_id,) * times)
    report: Report | None = None
    closes_at: str | None = None
    waiting = False
    unit, cert, gen = "", None, -1
    pilots: list[tuple[int, str, int]] = []
    evidence: dict[str, int] = {}
    opened_comments: str | None = None
    # Answers and pilots are JSON documents: decoded in one json.loads call over all of them, not one call
    # each (this read runs on every walk step, and the per-call overhead was most of its cost).
    keys: list[str] = []
    docs: list[str] = []
    pilot_ids: list[int] = []
    pilot_docs: list[str] = []
    for row in rows:
        kind, key, value = row[0], row[1], row[2]
        if kind == "a":
            keys.append(str(key))
            docs.append(value)
        elif kind == "R":
            report = Report(key, value, row[3], row[4], row[5], row[6], row[7])
            closes_at = None if row[8] is None else str(row[8])
            waiting = bool(row[9])
            gen = int(row[10])
        elif kind == "i":
            unit = str(key)
        elif kind == "c":
            cert = str(key)
        elif kind == "p":
            pilot_ids.append(int(key))
            pilot_docs.append(value)
        elif kind == "e":
            evidence[str(key)] = int(value)
        else:
            opened_comments = key
    if report is None:
        return Opened(None, None, False), None
    opened = Opened(report, closes_at, waiting)
    status = (given or report).status
    comments: dict[str, str] = (
        json.loads(opened_comments) if opened_comments is not None and status == "returned" else {}
    )
    if kept is not None and kept[0] == gen:
        answers = dict(kept[1])
        assert memo is not None
        memo.move_to_end(report_id)
    else:
        if kept is not None:  # they changed since they were kept: read them
            for key, value in await conn.execute_fetchall(
                "SELECT item, value FROM answers WHERE report_id = ?", (report_id,)
            ):
                keys.append(str(key))
                docs.append(value)
        answers = dict(zip(keys, json.loads("[" + ",".join(docs) + "]"), strict=True))
        if memo is not None and gen >= 0:
            conn.after_commit(partial(_keep, memo, report_id, gen, dict(answers)))  # type: ignore[attr-defined]
    if memo is not None and gen >= 0 and conn.raw.in_transaction:  # type: ignore[attr-defined]
        conn.txn_notes.setdefault(_ANSWERS, {})[report_id] = gen  # type: ignore[attr-defined]
    if unit_kept is not None:
        unit, cert, pilots = unit_kept[0], unit_kept[1], list(unit_kept[2])
    else:
        for cert_id, (name, scale) in zip(pilot_ids, json.loads("[" + ",".join(pilot_docs) + "]"), strict=True):
            pilots.append((cert_id, str(name), int(scale)))
        pilots.sort()
        if rows_kept is not None:
            rows_kept.keep(conn, rows_kept.units, report_id, (unit, cert, tuple(pilots)))
    return opened, Context(unit, cert, pilots, answers, evidence, comments)


async def recent_items(conn: aiosqlite.Connection, report_id: int, *, limit: int) -> list[str]:
    """The report's items by when they were last answered, most recent first."""
    rows = await conn.execute_fetchall(
        "SELECT item FROM answers WHERE report_id = ? ORDER BY answered_at DESC, rowid DESC LIMIT ?",
        (report_id, limit),
    )
    return [str(item) for (item,) in rows]
