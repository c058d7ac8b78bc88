"""Small real files of every accepted type, and some that must be refused."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

from openpyxl import Workbook


def _zip(names: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in names.items():
            zf.writestr(name, data)
    return buf.getvalue()


def pdf(tag: str = "") -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\n% " + tag.encode() + b"\ntrailer<<>>\n%%EOF\n"


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200) + b"\xff\xd9"


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + bytes(100)


def docx() -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def pptx() -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"})


def xlsx() -> bytes:
    buf = io.BytesIO()
    wb = Workbook()
    wb.active["A1"] = "统计"
    wb.save(buf)
    return buf.getvalue()


def ole(streams: list[str], clsid: bytes = bytes(16)) -> bytes:
    """A minimal Compound File (OLE) with a root entry of this CLSID and these (empty) streams."""
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIII", header, 44, 1, 1, 0, 4096)  # one FAT sector; the directory starts at sector 1
    struct.pack_into("<IIII", header, 60, end, 0, end, 0)
    struct.pack_into("<109I", header, 76, 0, *([free] * 108))
    fat = struct.pack("<128I", fat_sector, end, *([free] * 126))
    entries = b""
    for n, name in enumerate(["Root Entry", *streams]):
        entry = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry[0 : len(encoded)] = encoded
        struct.pack_into("<HBB", entry, 64, len(encoded), 5 if n == 0 else 2, 1)
        struct.pack_into("<III", entry, 68, free, n + 1 if n < len(streams) else free, free)
        if n == 0:
            entry[80:96] = clsid
        struct.pack_into("<II", entry, 116, end, 0)
        entries += bytes(entry)
    directory = entries.ljust(512 * ((len(entries) + 511) // 512), b"\x00")
    return bytes(header) + fat + directory


def legacy_doc() -> bytes:
    return ole(["WordDocument", "1Table", "\x05SummaryInformation"])


def legacy_xls() -> bytes:
    return ole(["Workbook", "\x05SummaryInformation"])


MSI_CLSID = bytes.fromhex("8410 0c00 0000 0000 c000 0000 0000 0046".replace(" ", ""))


def msi() -> bytes:
    """A Windows Installer package: an OLE file with MSI's root CLSID and its encoded table names."""
    return ole(["\x05SummaryInformation", "\u4840\u3f3f\u4577\u446c\u3b6a\u45e4\u4824"], clsid=MSI_CLSID)


def rar() -> bytes:
    return b"Rar!\x1a\x07\x01\x00" + bytes(100)


def seven_z() -> bytes:
    return b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(100)


def _ftyp(major: bytes, *compatible: bytes) -> bytes:
    body = b"ftyp" + major + b"\x00\x00\x00\x00" + b"".join(compatible)
    return struct.pack(">I", len(body) + 4) + body + bytes(200)


def heic() -> bytes:
    return _ftyp(b"heic", b"mif1", b"heic")


def heif() -> bytes:
    return _ftyp(b"mif1", b"mif1")


def mp4() -> bytes:
    return _ftyp(b"isom", b"isom", b"iso2", b"mp41")


def ofd() -> bytes:
    return _zip({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<ofd:Document/>"})


def plain_zip() -> bytes:
    return _zip({"照片/1.jpg": jpeg(), "说明.txt": "说明".encode()})


def windows_exe() -> bytes:
    return b"MZ\x90\x00" + bytes(300)


ACCEPTED = {
    "方案.pdf": (pdf(), "application/pdf", "pdf"),
    "现场.jpg": (jpeg(), "image/jpeg", "jpeg"),
    "截图.png": (png(), "image/png", "png"),
    "制度.docx": (docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "名单.xlsx": (xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "汇报.pptx": (pptx(), "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
    "旧文件.doc": (legacy_doc(), "application/msword", "doc"),
    "材料包.zip": (plain_zip(), "application/zip", "zip"),
    "统计.xls": (legacy_xls(), "application/vnd.ms-excel", "xls"),
    "会议照片.rar": (rar(), "application/vnd.rar", "rar"),
    "全部材料.7z": (seven_z(), "application/x-7z-compressed", "7z"),
    "电子发票.ofd": (ofd(), "application/ofd", "ofd"),
    "现场.heic": (heic(), "image/heic", "heic"),
    "现场2.heif": (heif(), "image/heif", "heif"),
    "培训视频.mp4": (mp4(), "video/mp4", "mp4"),
}


def roster_book(
    path: Path, institutions: list[list[object]], certs: list[list[object]], pilots: list[list[object]]
) -> Path:
    """The office's roster workbook (院校, 证书, 试点 sheets with their header rows) holding these rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = "院校"
    ws.append(["序号", "类型", "名称", "所在市"])
    for row in institutions:
        ws.append(row)
    wc = wb.create_sheet("证书")
    wc.append(["证书名称", "培训评价组织", "牵头院校"])
    for row in certs:
        wc.append(row)
    wp = wb.create_sheet("试点")
    wp.append(["院校名称", "证书名称", "试点规模"])
    for row in pilots:
        wp.append(row)
    wb.save(path)
    return path
