"""What a person did, as the core sees it: one event per update, with who did it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from bot.core import buttons as bt


@dataclass(frozen=True)
class Sender:
    """Who acted, where, and the id of the update that carried it (stored with every change it causes, so a
    replay changes nothing twice)."""

    user_id: int
    chat_id: int
    update_id: int
    first_name: str = ""
    username: str | None = None
    last_name: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


@dataclass(frozen=True)
class Text:
    sender: Sender
    text: str
    message_id: int | None = None
    # The message this one replies to (a reply to one of the office's comments, for instance).
    reply_to_id: int | None = None
    reply_to_text: str | None = None


@dataclass(frozen=True)
class Press:
    """A button press. `payload` is the parsed button data; None when no button of ours packs it (the
    group −1 gate refuses such presses before any flow sees them)."""

    sender: Sender
    data: str
    payload: bt.Payload | None
    # Downloads a file this channel delivered earlier, by its `Upload.file_id`, to a path: a file sent from
    # the menu is placed on a point by a later press.
    fetch_file: Callable[[str, Path], Awaitable[None]] | None = None


@dataclass(frozen=True)
class Command:
    sender: Sender
    name: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class Upload:
    """A file or photo. The bytes stay with the channel until the core asks for them: `fetch(dest)` writes
    the file to `dest` (Telegram: getFile and download; web: the streamed upload)."""

    sender: Sender
    file_name: str | None
    size: int | None
    mime: str | None
    photo: bool
    fetch: Callable[[Path], Awaitable[None]]
    caption: str | None = None
    file_id: str | None = None  # the channel's own id of the file, for logs and de-duplication


Event = Text | Press | Command | Upload
