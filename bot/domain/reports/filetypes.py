"""What a file really is, from its content, not its name.

Signatures come from the `filetype` library (PDF, images, RAR, 7z, MP4/MOV, HEIC, ZIP); on top of it, a
ZIP is looked into (Office Open XML, OFD) and a legacy OLE file's directory is read, so that a Word, Excel
or PowerPoint 97-2003 file is told from an MSI installer or any other OLE container renamed .doc.
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype

from bot.domain.answers.parsers import printable


@dataclass(frozen=True, slots=True)
class FileType:
    kind: str
    mime: str
    extension: str


PDF = FileType("pdf", "application/pdf", ".pdf")
JPEG = FileType("jpeg", "image/jpeg", ".jpg")
PNG = FileType("png", "image/png", ".png")
HEIC = FileType("heic", "image/heic", ".heic")
HEIF = FileType("heif", "image/heif", ".heif")
DOCX = FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
PPTX = FileType("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx")
ZIP = FileType("zip", "application/zip", ".zip")
OFD = FileType("ofd", "application/ofd", ".ofd")  # GB/T 33190, the format of Chinese e-invoices and official papers
RAR = FileType("rar", "application/vnd.rar", ".rar")
SEVEN_Z = FileType("7z", "application/x-7z-compressed", ".7z")
MP4 = FileType("mp4", "video/mp4", ".mp4")
MOV = FileType("mov", "video/quicktime", ".mov")
DOC = FileType("doc", "application/msword", ".doc")
XLS = FileType("xls", "application/vnd.ms-excel", ".xls")
PPT = FileType("ppt", "application/vnd.ms-powerpoint", ".ppt")

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream each legacy Office program (and WPS, which writes the same containers) puts in the root.
_OLE_STREAMS = {"WordDocument": DOC, "Workbook": XLS, "Book": XLS, "PowerPoint Document": PPT}
_BY_LIBRARY = {"pdf": PDF, "jpg": JPEG, "png": PNG, "heic": HEIC, "rar": RAR, "7z": SEVEN_Z, "mp4": MP4, "mov": MOV}
# ISO-BMFF brands of HEIF stills that `filetype` does not name (it knows 'heic' only).
_HEIF_BRANDS = {b"mif1", b"msf1", b"heix", b"hevc", b"hevx", b"heim", b"heis"}


def detect(head: bytes, whole: bytes | None = None, *, name: str = "") -> FileType | None:
    """The accepted type of this content, or None (executables, installers, scripts, anything unknown).

    `name` is not used to decide: the content alone does."""
    data = whole if whole is not None else head
    if data.startswith(_OLE):
        return ole_kind(data)
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data) if whole is not None else None
    guessed = filetype.guess(data[:8192])
    if guessed is not None and guessed.extension in _BY_LIBRARY:
        return _BY_LIBRARY[guessed.extension]
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return HEIF
    return None


def ole_kind(data: bytes) -> FileType | None:
    """Word, Excel or PowerPoint 97-2003 by the streams in the OLE root directory; None for anything else
    in that container (an MSI installer, an Outlook message, a damaged file)."""
    names = ole_entries(data)
    for entry, kind in _OLE_STREAMS.items():
        if entry in names:
            return kind
    return None


def ole_entries(data: bytes, *, limit: int = 4096) -> set[str]:
    """The names in an OLE (Compound File Binary) directory, read by following the FAT chain of the
    directory stream; an empty set when the structure does not hold together."""
    try:
        (shift,) = struct.unpack_from("<H", data, 30)
        if shift not in (9, 12):
            return set()
        size = 1 << shift
        fat_count, first_dir = struct.unpack_from("<I", data, 44)[0], struct.unpack_from("<I", data, 48)[0]
        difat = struct.unpack_from("<109I", data, 76)[: min(fat_count, 109)]
        fat: list[int] = []
        for sector in difat:
            fat.extend(struct.unpack_from(f"<{size // 4}I", data, size * (sector + 1)))
        names: set[str] = set()
        sector, seen = first_dir, 0
        while sector < 0xFFFFFFFA and seen < limit:
            base = size * (sector + 1)
            for offset in range(base, base + size, 128):
                length = struct.unpack_from("<H", data, offset + 64)[0]
                if 2 <= length <= 64 and data[offset + 66] in (1, 2, 5):
                    names.add(data[offset : offset + length - 2].decode("utf-16-le", "replace"))
            sector = fat[sector] if sector < len(fat) else 0xFFFFFFFE
            seen += 1
        return names
    except (struct.error, IndexError):
        return set()


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
    if "OFD.xml" in names:
        return OFD
    return ZIP


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def safe_name(name: str | None, filetype: FileType, fallback: str) -> str:
    """A display name that cannot climb out of a folder or break a ZIP: no separators, no dots in front,
    at most 80 characters, and the extension of what the file really is."""
    raw = printable(unicodedata.normalize("NFC", name or ""))
    stem = raw.rsplit(".", 1)[0] if "." in raw else raw
    stem = _UNSAFE.sub("_", stem).strip(" ._") or fallback
    return stem[:80] + filetype.extension
