"""Small real files of every accepted type, and some that must be refused."""

from __future__ import annotations

import io
import zipfile

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


def legacy_doc() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)


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
}
