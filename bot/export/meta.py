"""What every printed page says about itself: the campaign, who made it, when, in which zone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from messages import documents as doc
from messages import when


@dataclass(frozen=True, slots=True)
class ExportMeta:
    campaign: str = "“1+X”证书制度试点工作自查"
    year: int = 2020
    tz: tzinfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    made_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    maker: str = doc.MAKER_OFFICE
    deadline: dt.date | None = None

    def time(self, value: str | datetime | None) -> str:
        return when.local_time(value, self.tz)

    def date(self, value: str | datetime | dt.date | None) -> str:
        return when.local_date(value, self.tz)

    @property
    def made(self) -> str:
        return when.local_date(self.made_at, self.tz)

    @property
    def today(self) -> dt.date:
        return self.made_at.astimezone(self.tz).date()
