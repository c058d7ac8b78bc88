"""Receiving evidence: refuse early, download, recognise by content, store once by SHA-256, index it."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.domain.reports.filetypes import FileType, detect, safe_name
from messages import zh
from messages.faults import EVIDENCE_BUSY
from storage import Database, audit
from storage import evidence as store


class EvidenceRefused(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def text(self) -> str:
        """What the user is told (messages/)."""
        template = EVIDENCE_BUSY if self.code == "busy" else zh.EVIDENCE_REFUSALS[self.code]
        return template.format(**self.params)


@dataclass(frozen=True, slots=True)
class Stored:
    id: int
    name: str
    filetype: FileType
    size: int
    sha256: str
    count_for_item: int


def blob_path(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256


def write_blob(root: Path, data: bytes) -> str:
    """Writes content under its SHA-256 atomically: a temp file, fsync, rename. The same bytes twice are
    stored once; a crash leaves at most a temp file, never a partial blob under a real name."""
    digest = hashlib.sha256(data).hexdigest()
    final = blob_path(root, digest)
    if final.exists():
        return digest
    tmp_dir = root / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = tmp_dir / f"{digest}.{secrets.token_hex(4)}.part"
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return digest


def clean_temp(root: Path) -> int:
    """Removes temp files a crash left behind (called at start-up)."""
    removed = 0
    for part in (root / "tmp").glob("*.part") if (root / "tmp").exists() else []:
        part.unlink(missing_ok=True)
        removed += 1
    return removed


async def store_upload(
    db: Database,
    root: Path,
    *,
    data: bytes,
    file_name: str | None,
    report_id: int,
    item: str,
    user_id: int,
    file_id: str | None,
    at: str,
    update_id: int | None,
) -> Stored:
    # Recognising (a ZIP is scanned) and writing up to 20 MB with fsync block: both run off the event loop.
    filetype = await asyncio.to_thread(detect, data[:16], data, name=file_name or "")
    if filetype is None:
        raise EvidenceRefused("bad_type")
    digest = await asyncio.to_thread(write_blob, root, data)
    name = safe_name(file_name, filetype, fallback=f"{item}-{digest[:8]}")
    async with db.transaction(update_id=update_id, at=at) as conn:
        current = await store.of_report(conn, report_id, item)
        twin = next((e for e in current if e.sha256 == digest), None)
        if twin is not None:
            raise EvidenceRefused("duplicate", name=twin.name)
        evidence_id = await store.add(
            conn,
            report_id=report_id,
            item=item,
            name=name,
            kind=filetype.kind,
            mime=filetype.mime,
            size=len(data),
            sha256=digest,
            uploaded_by=user_id,
            at=at,
            tg_file_id=file_id,
        )
        await audit.record(
            conn,
            at=at,
            actor=f"tg:{user_id}",
            action="evidence.add",
            subject=f"report:{report_id}:{item}",
            detail={"id": evidence_id, "name": name, "sha256": digest, "size": len(data)},
        )
        count = len(await store.of_report(conn, report_id, item))
    return Stored(evidence_id, name, filetype, len(data), digest, count)


async def remove(
    db: Database,
    *,
    report_id: int,
    item: str,
    evidence_id: int,
    name: str,
    user_id: int,
    at: str,
    update_id: int | None,
) -> None:
    """Removes one file from an item (soft: submitted versions keep it), with its audit entry."""
    async with db.transaction(update_id=update_id, at=at) as conn:
        await store.remove(conn, evidence_id, at=at)
        await audit.record(
            conn,
            at=at,
            actor=f"tg:{user_id}",
            action="evidence.remove",
            subject=f"report:{report_id}:{item}",
            detail={"id": evidence_id, "name": name},
        )
