"""Typed rows handed out by the storage layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["本科", "高职", "中职", "培训评价组织"]
Role = Literal["office", "coordinator", "city", "org", "expert"]
ReportStatus = Literal["draft", "submitted", "returned", "accepted"]
Channel = Literal["telegram", "web", "cli"]

SCHOOL_KINDS: tuple[Kind, ...] = ("本科", "高职", "中职")
ORG_KIND: Kind = "培训评价组织"
ROLES: tuple[Role, ...] = ("office", "coordinator", "city", "org", "expert")


@dataclass(frozen=True, slots=True)
class Institution:
    id: int
    seq: int | None
    kind: Kind
    name: str
    city: str | None


@dataclass(frozen=True, slots=True)
class Certificate:
    id: int
    name: str
    org_id: int | None
    lead_id: int | None


@dataclass(frozen=True, slots=True)
class Pilot:
    institution_id: int
    certificate_id: int
    certificate_name: str
    scale: int


@dataclass(frozen=True, slots=True)
class Person:
    user_id: int
    name: str
    role: Role
    institution_id: int | None
    city: str | None
    chat_id: int | None


@dataclass(frozen=True, slots=True)
class Invitation:
    id: int
    role: Role
    institution_id: int | None
    city: str | None
    expires_at: str
    used_at: str | None
    scope: list[int] = field(default_factory=list)  # an expert's assigned institutions


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: str
    actor: str
    action: str
    subject: str
    detail: str
    channel: str = "telegram"


@dataclass(frozen=True, slots=True)
class Report:
    id: int
    institution_id: int
    certificate_id: int | None
    outline: Literal["institution", "training_org"]
    status: ReportStatus
    version: int
    submitted_at: str | None = None


@dataclass(frozen=True, slots=True)
class Cursor:
    user_id: int
    report_id: int | None
    item: str | None
    row: int
    stage: str
    pending: str


@dataclass(frozen=True, slots=True)
class Evidence:
    id: int
    report_id: int
    item: str
    name: str
    kind: str
    mime: str
    size: int
    sha256: str
    uploaded_by: int
    uploaded_at: str
    tg_file_id: str | None


@dataclass(frozen=True, slots=True)
class Version:
    report_id: int
    version: int
    submitted_at: str
    submitted_by: int
    content: str
    checksum: str


@dataclass(frozen=True, slots=True)
class Revision:
    id: int
    report_id: int
    version: int
    comments: dict[str, str]
    returned_by: int
    returned_at: str
    closed_at: str | None


@dataclass(frozen=True, slots=True)
class Broadcast:
    id: int
    text: str
    audience: str
    audience_arg: str
    created_by: int
    created_at: str
    status: str
    report_chat: int | None
    report_msg: int | None


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    broadcast_id: int
    user_id: int
    label: str
    status: str
    attempts: int
    error: str


@dataclass(frozen=True, slots=True)
class Grade:
    """An expert's current grade of a unit: an institution (certificate_id 0) or one certificate of a
    training organization."""

    user_id: int
    institution_id: int
    certificate_id: int
    grade: str
    comment: str
    graded_at: str
