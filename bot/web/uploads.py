"""A file posted in a form, streamed to disk: refused from Content-Length before reading when too large, and by
a running count while streaming; the form's CSRF token is its first part, checked before any file is read.
Used by the evidence upload of the section pages (bot/web/walk.py) and by the conversation page
(bot/web/chat.py); both routes are exempt from the middleware's form check, which would read the whole body."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from aiohttp import BodyPartReader, web

from bot.web.app import message_page
from messages import web as text

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Streamed:
    name: str  # as the browser gave it
    size: int
    path: Path  # the caller removes it
    fields: dict[str, str]  # the form's text fields sent before the file


def filename(raw: str) -> str:
    """Browsers send the name as typed; some clients percent-encode it (and HTML escapes quotes as %22)."""
    try:
        return unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return raw


async def receive(
    request: web.Request, *, csrf: str, limit_mb: int, folder: Path, before: tuple[str, ...] = (), prefix: str = "web"
) -> Streamed | web.Response:
    """The posted file under `folder`, or the page that refuses it (nothing kept). The parts must come in the
    order the form sends them: csrf, then the fields named in `before`, then the file."""
    limit = limit_mb * 1024 * 1024
    too_big = text.evidence_refusal("too_big", {"limit_mb": limit_mb})
    if request.content_length is not None and request.content_length > limit + CHUNK:
        return message_page(request, too_big, status=413)
    if not request.content_type.startswith("multipart/"):
        return message_page(request, text.BAD_FORM, status=403)
    reader = await request.multipart()
    part = await reader.next()
    if not isinstance(part, BodyPartReader) or part.name != "csrf":
        return message_page(request, text.BAD_FORM, status=403)
    if not hmac.compare_digest((await part.text())[:200], csrf):
        return message_page(request, text.BAD_FORM, status=403)
    fields: dict[str, str] = {}
    for name in before:
        part = await reader.next()
        if not isinstance(part, BodyPartReader) or part.name != name:
            return message_page(request, text.BAD_FORM, status=403)
        fields[name] = (await part.text())[:200]
    part = await reader.next()
    if not isinstance(part, BodyPartReader) or part.name != "file":
        return message_page(request, text.UPLOAD_NO_FILE, status=400)
    name = filename(part.filename or "")
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    path = folder / f"{prefix}-{secrets.token_hex(8)}.part"
    size = 0
    kept = False
    try:
        with open(path, "wb") as fh:  # noqa: ASYNC230 - 64 KB writes to a local disk
            while chunk := await part.read_chunk(CHUNK):
                size += len(chunk)
                if size > limit:
                    return message_page(request, too_big, status=413)
                fh.write(chunk)
        if size == 0:
            return message_page(request, text.UPLOAD_NO_FILE, status=400)
        kept = True
        return Streamed(name, size, path, fields)
    finally:
        if not kept:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
