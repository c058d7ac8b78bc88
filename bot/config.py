"""Settings read from XCHECK_* environment variables (and an optional .env file)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from messages import firstday as msg

PROXY_SCHEMES = ("http", "https", "socks5", "socks5h", "socks4")

# What a Chinese keyboard types between list items: full-width comma, 顿号, semicolons, spaces.
_SEPARATORS = ("，", "、", "；", ";", " ", "\u3000")


def parse_date(text: str, *, year: int) -> date | None:
    """2020-12-15, 2020年12月15日, 12-15, 12月15日, 12/15, 12.15; full-width digits too."""
    cleaned = text.strip().translate(str.maketrans("０１２３４５６７８９－／．", "0123456789-/."))
    for old in ("年", "月", "/", "."):
        cleaned = cleaned.replace(old, "-")
    parts = [p for p in cleaned.replace("日", "").replace("号", "").split("-") if p.strip()]
    try:
        if len(parts) == 3:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        if len(parts) == 2:
            return date(year, int(parts[0]), int(parts[1]))
    except ValueError:
        return None
    return None


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
    # Texts over 4096 characters reach the bot in several messages, which it merges into one answer.
    max_text_length: int = Field(default=2000, ge=100, le=20000)
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
    # Every outgoing connection goes through this proxy (http://, https:// or socks5://); empty: the
    # standard HTTPS_PROXY / ALL_PROXY variables apply, or none.
    proxy: str = ""

    # The web channel: where it listens, and the public address its links use (e.g. https behind nginx).
    # "off" runs the bot without the web channel.
    web_listen: str = Field(default="127.0.0.1:8080", pattern=r"^([^:\s]+:\d{1,5}|off)$")
    web_base_url: str = ""
    web_session_hours: int = Field(default=12, ge=1, le=24 * 30)

    @field_validator("admin_ids", "reminder_days", "reminder_after_days", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            for sep in _SEPARATORS:
                value = value.replace(sep, ",")
            # int() reads full-width digits (１２３) as well.
            try:
                return tuple(int(p) for p in (p.strip() for p in value.split(",")) if p)
            except ValueError:
                raise ValueError("not a list of whole numbers") from None
        if isinstance(value, int):
            return (value,)
        return value

    @field_validator("deadline", mode="before")
    @classmethod
    def _chinese_date(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, str):
            year = info.data.get("campaign_year", 2020)
            parsed = parse_date(value, year=int(year))
            if parsed is None:
                raise ValueError("not a date")
            return parsed
        return value

    @field_validator("proxy")
    @classmethod
    def _proxy_url(cls, value: str) -> str:
        value = value.strip()
        if value and value.split("://", 1)[0].lower() not in PROXY_SCHEMES:
            raise ValueError("not a proxy URL")
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

    @field_validator("web_base_url")
    @classmethod
    def _web_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @property
    def web_enabled(self) -> bool:
        return self.web_listen != "off"

    @property
    def web_host_port(self) -> tuple[str, int]:
        host, _, port = self.web_listen.rpartition(":")
        return host, int(port)

    @property
    def web_base(self) -> str:
        """The address people open: XCHECK_WEB_BASE_URL, or the listening address."""
        return self.web_base_url or f"http://{self.web_listen}"

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
        field = str(err["loc"][0]) if err["loc"] else ""
        value = "<token>" if field == "bot_token" else str(err.get("input", ""))
        raise SettingsError(msg.setting_error(field, value, err["msg"].removeprefix("Value error, "))) from None
    if require_token and not settings.bot_token.get_secret_value():
        raise SettingsError(msg.TOKEN_MISSING)
    return settings
