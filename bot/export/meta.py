"""What every printed page says about itself: the campaign, who made it, when, in which zone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from bot.config import Settings
from messages import documents as doc
from messages import when
from storage import Database, campaign


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


async def for_campaign(
    db: Database, settings: Settings, *, made_at: datetime, maker: str = doc.MAKER_OFFICE
) -> ExportMeta:
    """The campaign as configured (name, zone) and the report deadline as the office set it: every channel's
    exports say the same about themselves."""
    stored = await campaign.deadlines(db.read)
    return ExportMeta(
        campaign=settings.campaign_name,
        year=settings.campaign_year,
        tz=settings.tz,
        made_at=made_at,
        maker=maker,
        deadline=dt.date.fromisoformat(stored["report"]) if "report" in stored else settings.deadline,
    )
