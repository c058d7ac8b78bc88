"""Settings read from XCHECK_* environment variables (and an optional .env file)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XCHECK_", env_file=".env", extra="ignore")

    bot_token: SecretStr = SecretStr("")
    data_dir: Path = Path("./data")
    api_base_url: str = "https://api.telegram.org/bot"
    api_file_url: str = "https://api.telegram.org/file/bot"
    # NoDecode: accept the natural "1,2,3" rather than a JSON list in the environment.
    admin_ids: Annotated[tuple[int, ...], NoDecode] = ()
    timezone: str = "Asia/Shanghai"
    campaign_year: int = Field(default=2020, ge=2000, le=2100)
    campaign_name: str = "“1+X”证书制度试点工作自查"
    deadline: date = date(2020, 12, 15)
    invitation_days: int = Field(default=14, ge=1, le=365)
    # Updates of different users processed at once; one user's updates always run in order.
    concurrent_updates: int = Field(default=256, ge=1, le=4096)
    # Seconds to wait for a Bot API answer (long polling adds its own).
    api_timeout: float = Field(default=10.0, gt=0, le=120)
    max_text_length: int = Field(default=2000, ge=100, le=4000)
    # The Bot API lets bots download 20 MB; a self-hosted server in --local mode lifts it.
    max_upload_mb: int = Field(default=20, ge=1, le=2000)
    # Reminders: days before the deadline, days after it, and the local time they go out.
    reminder_days: Annotated[tuple[int, ...], NoDecode] = (7, 3, 1)
    reminder_after_days: Annotated[tuple[int, ...], NoDecode] = (1,)
    daily_digest: bool = True  # the office's progress digest at the reminder time each day
    reminder_time: str = Field(default="09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    # Bulk messages per second; Telegram allows about 30 in total, the rest is left for replies.
    broadcast_rate: float = Field(default=20.0, gt=0, le=30)
    # All messages per second: a little under Telegram's ~30, so the bot itself never meets a 429.
    # 0 switches the gate off for replies (benchmarks, a self-hosted Bot API server with other limits);
    # bulk messages then still go out at broadcast_rate.
    flood_limit: float = Field(default=29.0, ge=0, le=1000)

    @field_validator("admin_ids", "reminder_days", "reminder_after_days", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",")]
            return tuple(int(p) for p in parts if p)
        if isinstance(value, int):
            return (value,)
        return value

    @field_validator("flood_limit")
    @classmethod
    def _gate(cls, value: float) -> float:
        if 0 < value <= 1:
            raise ValueError("0 (gate off) or more than 1 message per second")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("api_base_url", "api_file_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def db_path(self) -> Path:
        return self.data_dir / "xcheck.sqlite3"

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line a person can act on."""


def load_settings(*, require_token: bool = False, **overrides: object) -> Settings:
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        name = "XCHECK_" + str(err["loc"][0]).upper() if err["loc"] else "XCHECK_*"
        raise SettingsError(f"{name}: {err['msg']} — fix it in the environment or in .env") from None
    if require_token and not settings.bot_token.get_secret_value():
        raise SettingsError(
            "XCHECK_BOT_TOKEN is not set — export XCHECK_BOT_TOKEN=<token from @BotFather> or put it in .env"
        )
    return settings
