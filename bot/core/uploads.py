"""An uploaded file's bytes, from whichever channel brought it: the core asks the channel to write the file
(`Upload.fetch`, or `Press.fetch_file` for a file placed later) and reads it back."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.core.events import Upload
from bot.deps import Deps
from bot.domain.reports.evidence import EvidenceRefused


async def fetched(d: Deps, event: Upload) -> bytes:
    """The uploaded file's bytes; refused before a byte is fetched when it is declared too big."""
    limit = d.settings.max_upload_mb * 1024 * 1024
    if event.size is not None and event.size > limit:
        raise EvidenceRefused("too_big", limit_mb=d.settings.max_upload_mb)
    return await fetched_by(d, event.fetch)


async def fetched_by(d: Deps, fetch: Callable[[Path], Awaitable[None]]) -> bytes:
    """What `fetch` writes, read back: the channel writes the file to a temp file under the evidence folder
    (removed here; start-up removes any a crash left, bot.domain.reports.evidence.clean_temp)."""
    tmp_dir = d.settings.evidence_dir / "tmp"
    await asyncio.to_thread(tmp_dir.mkdir, parents=True, exist_ok=True)
    tmp = tmp_dir / f"upload.{secrets.token_hex(8)}.part"
    try:
        await fetch(tmp)
        return await asyncio.to_thread(tmp.read_bytes)
    finally:
        with contextlib.suppress(FileNotFoundError):
            await asyncio.to_thread(tmp.unlink)


__all__ = ["EvidenceRefused", "fetched", "fetched_by"]
