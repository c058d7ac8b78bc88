"""What a file really is, from its first bytes and (for Office files) its ZIP directory, not its name."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FileType:
    kind: str
    mime: str
    extension: str


PDF = FileType("pdf", "application/pdf", ".pdf")
JPEG = FileType("jpeg", "image/jpeg", ".jpg")
PNG = FileType("png", "image/png", ".png")
DOCX = FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
PPTX = FileType("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx")
ZIP = FileType("zip", "application/zip", ".zip")
DOC = FileType("doc", "application/msword", ".doc")
XLS = FileType("xls", "application/vnd.ms-excel", ".xls")
PPT = FileType("ppt", "application/vnd.ms-powerpoint", ".ppt")

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_LEGACY_BY_EXT = {".doc": DOC, ".xls": XLS, ".ppt": PPT, ".wps": DOC, ".et": XLS, ".dps": PPT}


def detect(head: bytes, whole: bytes | None = None, *, name: str = "") -> FileType | None:
    """The accepted type of this content, or None (executables, scripts, anything unknown)."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(_OLE):
        # Legacy Office files share one container; the name tells which program, the content that it is one.
        ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        return _LEGACY_BY_EXT.get(ext, DOC)
    if head.startswith(b"PK\x03\x04") and whole is not None:
        return _zip_kind(whole)
    return None


def _zip_kind(data: bytes) -> FileType | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
    except zipfile.BadZipFile:
        return None
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return DOCX
        if any(n.startswith("xl/") for n in names):
            return XLSX
        if any(n.startswith("ppt/") for n in names):
            return PPTX
    return ZIP


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def safe_name(name: str | None, filetype: FileType, fallback: str) -> str:
    """A display name that cannot climb out of a folder or break a ZIP: no separators, no dots in front,
    at most 80 characters, and the extension of what the file really is."""
    raw = unicodedata.normalize("NFC", name or "")
    stem = raw.rsplit(".", 1)[0] if "." in raw else raw
    stem = _UNSAFE.sub("_", stem).strip(" ._") or fallback
    return stem[:80] + filetype.extension
