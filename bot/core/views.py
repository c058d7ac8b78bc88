"""What the core answers with: views as values, handed to the channel through an `Out`.

`Out` is the one interface the core talks to; each channel implements `emit` (Telegram: handlers/adapter.py;
tests: `Recorder`). The helpers here only build the view and emit it, so every flow reads the same in the
core whatever the channel."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core import buttons as bt


@dataclass(frozen=True)
class Button:
    label: str
    data: bt.Payload | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if (self.data is None) == (self.url is None):
            raise ValueError("a button carries either button data or a link")


@dataclass(frozen=True)
class Keyboard:
    """Rows of buttons under a message."""

    rows: tuple[tuple[Button, ...], ...] = ()

    @classmethod
    def of(cls, rows: Iterable[Sequence[Button]]) -> Keyboard:
        return cls(tuple(tuple(row) for row in rows if row))

    def __add__(self, more: Iterable[Sequence[Button]]) -> Keyboard:
        return Keyboard.of([*self.rows, *more])

    def __bool__(self) -> bool:
        return bool(self.rows)


@dataclass(frozen=True)
class Screen:
    """The answer to this input: for a button press it replaces the pressed message; for typed input it is a
    new message."""

    text: str
    keyboard: Keyboard | None = None


@dataclass(frozen=True)
class Reply:
    """Always a new message in this chat (a screen that must not replace the one pressed)."""

    text: str
    keyboard: Keyboard | None = None


@dataclass(frozen=True)
class Refusal:
    """The input is refused; nothing was stored. A pop-up on a press (the screen stays), a reply to typing."""

    text: str


@dataclass(frozen=True)
class Ack:
    """A press acknowledged (the button's spinner stops), with an optional short pop-up."""

    text: str | None = None
    alert: bool = False


@dataclass(frozen=True)
class Document:
    """A file sent to this chat. `ref` is the channel's own id of a file it already holds (Telegram's
    file_id of an evidence file), tried before the bytes at `path`."""

    path: Path | None
    filename: str
    caption: str | None = None
    ref: str | None = None


@dataclass(frozen=True)
class Progress:
    """A status line that is updated in place: the first view with a `key` is a new message, later ones
    with the same key replace its text (an export's 正在生成… then 已完成)."""

    key: str
    text: str


@dataclass(frozen=True)
class Picture:
    data: bytes
    caption: str | None = None
    keyboard: Keyboard | None = None


@dataclass(frozen=True)
class Notice:
    """A message to other people (the office, a coordinator), not to the one acting."""

    user_ids: tuple[int, ...]
    text: str
    keyboard: Keyboard | None = None


@dataclass(frozen=True)
class Sending:
    """A broadcast was just created: its delivery report is shown like a `Screen`, then the channel sends
    the broadcast's outbox and keeps this report up to date as it goes."""

    broadcast_id: int
    text: str


View = Screen | Reply | Refusal | Ack | Document | Progress | Picture | Notice | Sending


class Out(ABC):
    """Where the core's views go. `emit` returns what the channel reports: for an `Ack`, whether this
    press had not been answered before; for a `Notice`, how many were reached; otherwise None."""

    @abstractmethod
    async def emit(self, view: View) -> Any: ...

    async def show(self, text: str, keyboard: Keyboard | None = None) -> None:
        await self.emit(Screen(text, keyboard))

    async def reply(self, text: str, keyboard: Keyboard | None = None) -> None:
        await self.emit(Reply(text, keyboard))

    async def refuse(self, text: str) -> None:
        await self.emit(Refusal(text))

    async def ack(self, text: str | None = None, *, alert: bool = False) -> bool:
        return bool(await self.emit(Ack(text, alert)))

    async def document(
        self, path: Path | None, filename: str, caption: str | None = None, *, ref: str | None = None
    ) -> None:
        await self.emit(Document(path, filename, caption, ref))

    async def progress(self, key: str, text: str) -> None:
        await self.emit(Progress(key, text))

    async def picture(self, data: bytes, caption: str | None = None, keyboard: Keyboard | None = None) -> None:
        await self.emit(Picture(data, caption, keyboard))

    async def notify(self, user_ids: Iterable[int], text: str, keyboard: Keyboard | None = None) -> int:
        ids = tuple(user_ids)
        return int(await self.emit(Notice(ids, text, keyboard))) if ids else 0

    async def sending(self, broadcast_id: int, text: str) -> None:
        await self.emit(Sending(broadcast_id, text))


@dataclass
class Recorder(Out):
    """Keeps the views as values: for unit tests of the core, with no channel at all."""

    views: list[View] = field(default_factory=list)
    acked: bool = False

    async def emit(self, view: View) -> Any:
        self.views.append(view)
        if isinstance(view, Ack):
            first, self.acked = not self.acked, True
            return first
        if isinstance(view, Notice):
            return len(view.user_ids)
        return None
