"""Invitations at scale: one per institution, city bureau and training organization, written as a workbook
(unit, role, link, QR code) and a printable Word letter per unit that the office sends its usual way."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import segno
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.drawing.image import Image as XlImage

from bot.domain.people.invitations import deep_link, hash_code, new_code, web_link
from bot.domain.people.roster import ANHUI_CITIES
from messages import firstday as msg
from storage import Database, audit, people
from storage import bulk_invites as store
from storage import roster as roster_store
from storage.models import ORG_KIND, Role

ROLES_AT_SCALE: tuple[Role, ...] = ("coordinator", "city", "org")
QR_ROW_HEIGHT = 110  # points: room for the QR image in each row


@dataclass(frozen=True, slots=True)
class Unit:
    label: str  # institution, organization or city bureau as printed
    role: Role
    institution_id: int | None
    city: str | None
    seq: int | None


@dataclass(frozen=True, slots=True)
class Line:
    unit: Unit
    link: str  # Telegram's deep link (or `/start CODE` while the bot's name is not known)
    expires_at: datetime
    web: str = ""  # the same code on the web channel, where it runs

    @property
    def qr(self) -> str:
        """What the QR code opens: Telegram's link when there is one, else the web's."""
        return self.link if self.link.startswith("https://") or not self.web else self.web


@dataclass(frozen=True, slots=True)
class Outcome:
    lines: list[Line]
    kept: int  # earlier open invitations left valid
    revoked: int  # earlier open invitations revoked (only with renew)


async def units(db: Database) -> list[Unit]:
    """Every pilot institution in 附件3 order, then each city bureau, then each training organization."""
    insts = await roster_store.institutions(db.read)
    out = [Unit(i.name, "coordinator", i.id, None, i.seq) for i in insts if i.kind != ORG_KIND]
    out += [Unit(f"{c}市教育局", "city", None, c, None) for c in ANHUI_CITIES]
    out += [Unit(i.name, "org", i.id, None, None) for i in insts if i.kind == ORG_KIND]
    return out


async def issue_all(
    db: Database,
    *,
    username: str | None,
    now: datetime,
    days: int,
    actor: str,
    renew: bool,
    web_base: str | None = None,
) -> Outcome:
    """One new invitation per unit, in one transaction. Earlier unused links stay valid unless `renew`."""
    found = await units(db)
    expires = now + timedelta(days=days)
    lines: list[Line] = []
    async with db.transaction() as conn:
        kept = await store.count_open(conn, ROLES_AT_SCALE, now=now.isoformat())
        revoked = await store.revoke_open(conn, ROLES_AT_SCALE, now=now.isoformat()) if renew else 0
        for unit in found:
            code = new_code()
            await people.create_invitation(
                conn,
                code_hash=hash_code(code),
                role=unit.role,
                institution_id=unit.institution_id,
                city=unit.city,
                created_by=actor,
                created_at=now.isoformat(),
                expires_at=expires.isoformat(),
            )
            web = web_link(web_base, code) if web_base else ""
            lines.append(Line(unit, deep_link(username, code), expires, web))
        await audit.record(
            conn,
            at=now.isoformat(),
            actor=actor,
            action="invite.all",
            subject="coordinators",
            detail={"count": len(lines), "days": days, "revoked": revoked},
        )
    return Outcome(lines, 0 if renew else kept, revoked)


def qr_png(link: str, scale: int = 4) -> bytes:
    buf = io.BytesIO()
    segno.make(link, error="m").save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("._") or "unit"


def letter_name(unit: Unit) -> str:
    prefix = f"{unit.seq:03d}_" if unit.seq is not None else ""
    return f"{prefix}{_safe(unit.label)}.docx"


def write_letter(line: Line, path: Path, expires_text: str) -> None:
    doc = Document()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(msg.LETTER_TITLE)
    run.bold = True
    run.font.size = Pt(16)
    body = msg.LETTER_BODY.format(
        unit=line.unit.label, role=msg.INVITE_ROLE_NAMES[line.unit.role], expires=expires_text
    )
    for para in body.split("\n"):
        doc.add_paragraph(para)
    picture = doc.add_paragraph()
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.add_run().add_picture(io.BytesIO(qr_png(line.qr, scale=8)), width=Cm(6))
    doc.add_paragraph(msg.LETTER_LINK.format(link=line.link))
    if line.web:
        doc.add_paragraph(msg.LETTER_WEB_LINK.format(link=line.web))
    sign = doc.add_paragraph(msg.LETTER_SIGN)
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.save(str(path))


def letters_dir(workbook: Path) -> Path:
    return workbook.with_name(workbook.stem + "_邀请函")


def write_files(lines: list[Line], workbook: Path, *, when: Callable[[datetime], str]) -> Path:
    """The workbook (one row per unit with its QR image) and a folder of one Word letter per unit."""
    wb = Workbook()
    ws = wb.active
    ws.title = msg.INVITE_SHEET
    ws.append(msg.INVITE_HEAD)
    for col, width in zip("ABCDEF", (36, 18, 60, 20, 20, 60), strict=True):
        ws.column_dimensions[col].width = width
    folder = letters_dir(workbook)
    folder.mkdir(parents=True, exist_ok=True)
    for row, line in enumerate(lines, start=2):
        expires = when(line.expires_at)
        ws.append([line.unit.label, msg.INVITE_ROLE_NAMES[line.unit.role], line.link, None, expires, line.web])
        image = XlImage(io.BytesIO(qr_png(line.qr)))
        image.width = image.height = 140
        ws.add_image(image, f"D{row}")
        ws.row_dimensions[row].height = QR_ROW_HEIGHT
        write_letter(line, folder / letter_name(line.unit), expires)
    ws.freeze_panes = "A2"
    workbook.parent.mkdir(parents=True, exist_ok=True)
    wb.save(workbook)
    return folder


async def write(lines: list[Line], workbook: Path, *, when: Callable[[datetime], str]) -> Path:
    # openpyxl, python-docx and the QR encoder are synchronous: keep them off the event loop.
    return await asyncio.to_thread(write_files, lines, workbook, when=when)
