"""The Telegram adapter: an update becomes one core event, the core's views become Bot API calls.

Handlers built here hold no flow of their own: `command`, `press` and `typed` wrap a core function
`(deps, event, out)` into a PTB callback. Replies keep the behaviour of handlers/screen.py (a press's
screen edits the pressed message, retries only what is safe to retry, pop-ups for refused presses)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.core import buttons as bt
from bot.core import events as ev
from bot.core import views as vw
from bot.deps import Deps, deps
from bot.tg import senders
from handlers.longtext import show_long, split_html
from handlers.quiet import send_unread
from handlers.screen import acknowledge, refuse, with_retry

log = logging.getLogger("xcheck.adapter")
E = TypeVar("E", bound=ev.Event)
Flow = Callable[[Deps, E, vw.Out], Awaitable[None]]
Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def markup(keyboard: vw.Keyboard | None) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.label, url=b.url)
                if b.url is not None
                else InlineKeyboardButton(b.label, callback_data=b.data.pack() if b.data else None)
                for b in row
            ]
            for row in keyboard.rows
        ]
    )


def sender(update: Update) -> ev.Sender:
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    return ev.Sender(user.id, chat.id, update.update_id, user.first_name or "", user.username, user.last_name)


def command_event(update: Update, context: ContextTypes.DEFAULT_TYPE) -> ev.Command:
    message = update.effective_message
    assert message is not None and message.text is not None
    name = message.text.split(maxsplit=1)[0].lstrip("/").split("@", 1)[0]
    return ev.Command(sender(update), name, tuple(context.args or ()))


# A press's data is parsed at the door (the gate's well_formed) and again for its event: the same string
# gives the same frozen payload, so it is parsed once.
parse_data = lru_cache(maxsize=1024)(bt.parse)


def well_formed(data: str) -> bool:
    """Button data some button of this bot packs (bot.core.buttons.parse): anything else is refused at the
    door (handlers/gate.py), so no flow sees forged, garbled or out-of-range data."""
    return parse_data(data) is not None


def press_event(update: Update, limit: int | None = None) -> ev.Press:
    query = update.callback_query
    assert query is not None
    data = query.data or ""
    fetch_file = None if limit is None else _fetcher(update.get_bot(), limit)
    return ev.Press(sender(update), data, parse_data(data), fetch_file)


def _fetcher(bot: Bot, limit: int) -> Callable[[str, Path], Awaitable[None]]:
    """Downloads a file by its Telegram id. Telegram being busy or refusing the file raises EvidenceRefused
    (bot/tg/senders.py), so the core tells the user what to do; nothing is stored."""

    async def fetch_file(file_id: str, dest: Path) -> None:
        data = await senders.download(bot, file_id, limit=limit)
        await asyncio.to_thread(dest.write_bytes, data)

    return fetch_file


def text_event(update: Update) -> ev.Text:
    message = update.effective_message
    assert message is not None
    replied = message.reply_to_message
    return ev.Text(
        sender(update),
        message.text or "",
        message.message_id,
        replied.message_id if replied else None,
        (replied.text or replied.caption) if replied else None,
    )


def upload_event(update: Update, limit: int) -> ev.Upload:
    message = update.effective_message
    assert message is not None
    if message.document is not None:
        doc = message.document
        file_id, name, size, mime, photo = doc.file_id, doc.file_name, doc.file_size, doc.mime_type, False
    else:
        assert message.photo
        biggest = message.photo[-1]
        file_id, name, size, mime, photo = biggest.file_id, None, biggest.file_size, "image/jpeg", True

    fetch_file = _fetcher(message.get_bot(), limit)

    async def fetch(dest: Path) -> None:
        await fetch_file(file_id, dest)

    return ev.Upload(sender(update), name, size, mime, photo, fetch, message.caption, file_id)


class TelegramOut(vw.Out):
    """Views of one update, sent to its chat in the order the core emits them."""

    def __init__(self, update: Update | None, bot: Bot, chat_id: int | None = None, *, d: Deps | None = None) -> None:
        self.update = update
        self.bot = bot
        self.d = d  # for a broadcast's sender (`Sending`)
        if chat_id is None:
            assert update is not None and update.effective_chat is not None
            chat_id = update.effective_chat.id
        self.chat_id = chat_id
        self._progress: dict[str, Message] = {}

    @classmethod
    def to_chat(cls, bot: Bot, chat_id: int) -> TelegramOut:
        """Views for a chat with no update of its own (work started elsewhere): every view is a new message."""
        return cls(None, bot, chat_id)

    async def emit(self, view: vw.View) -> Any:
        return await _SEND[type(view)](self, view)

    async def _screen(self, view: vw.Screen) -> None:
        if self.update is None:
            await self._reply(vw.Reply(view.text, view.keyboard))
            return
        # A screen longer than a message goes out in parts (the first where a screen goes, cut at line ends).
        await show_long(self.update, view.text, view.keyboard)

    async def _reply(self, view: vw.Reply) -> None:
        parts = split_html(view.text)
        for n, part in enumerate(parts):
            keys = view.keyboard if n == len(parts) - 1 else None
            await with_retry(lambda p=part, k=keys: send_unread(self.bot, self.chat_id, p, k))  # type: ignore[misc]

    async def _refusal(self, view: vw.Refusal) -> None:
        if self.update is None:
            await self._reply(vw.Reply(view.text))
            return
        await refuse(self.update, view.text)

    async def _ack(self, view: vw.Ack) -> bool:
        return self.update is not None and await acknowledge(self.update, view.text, alert=view.alert)

    async def _document(self, view: vw.Document) -> None:
        ref = view.ref
        if ref:
            try:
                await with_retry(
                    lambda: self.bot.send_document(self.chat_id, ref, filename=view.filename, caption=view.caption)
                )
                return
            except TelegramError as exc:
                if view.path is None:
                    raise
                log.info("stored file id refused (%s); sending the bytes", exc)
        assert view.path is not None
        data = await asyncio.to_thread(view.path.read_bytes)
        await with_retry(
            lambda: self.bot.send_document(self.chat_id, data, filename=view.filename, caption=view.caption)
        )

    async def _progress_line(self, view: vw.Progress) -> None:
        shown = self._progress.get(view.key)
        if shown is None:
            self._progress[view.key] = await with_retry(lambda: self.bot.send_message(self.chat_id, view.text))
            return
        await with_retry(lambda: self.bot.edit_message_text(view.text, self.chat_id, shown.message_id))

    async def _picture(self, view: vw.Picture) -> None:
        keys = markup(view.keyboard)
        await with_retry(lambda: self.bot.send_photo(self.chat_id, view.data, caption=view.caption, reply_markup=keys))

    async def _notice(self, view: vw.Notice) -> int:
        """Each recipient on their own: one who blocked the bot or cannot be reached does not stop the others.
        Web-only people (negative ids) have no chat; the web shows them the same state."""
        sent = 0
        keys = markup(view.keyboard)
        for user_id in view.user_ids:
            if user_id <= 0:
                continue
            try:
                await with_retry(lambda uid=user_id: self.bot.send_message(uid, view.text, reply_markup=keys))  # type: ignore[misc]
                sent += 1
            except TelegramError as exc:
                log.warning("notice to %s not delivered: %s", user_id, exc)
        return sent

    async def _sending(self, view: vw.Sending) -> None:
        """The delivery report replaces the pressed message (or is a new one for a command); the sender
        edits it as the broadcast goes out (bot/tg/senders.py)."""
        query = self.update.callback_query if self.update is not None else None
        if query is not None and query.message is not None:
            await self._screen(vw.Screen(view.text))
            chat_id, message_id = query.message.chat.id, query.message.message_id
        else:
            sent = await with_retry(lambda: self.bot.send_message(self.chat_id, view.text))
            chat_id, message_id = sent.chat.id, sent.message_id
        assert self.d is not None, "a broadcast needs the app's Deps"
        await senders.begin_broadcast(self.bot, self.d, view.broadcast_id, chat_id, message_id)


# Each kind of view to the method that sends it (one table for every update, not one per update).
_SEND: dict[type[Any], Callable[[TelegramOut, Any], Awaitable[Any]]] = {
    vw.Screen: TelegramOut._screen,
    vw.Reply: TelegramOut._reply,
    vw.Refusal: TelegramOut._refusal,
    vw.Ack: TelegramOut._ack,
    vw.Document: TelegramOut._document,
    vw.Progress: TelegramOut._progress_line,
    vw.Picture: TelegramOut._picture,
    vw.Notice: TelegramOut._notice,
    vw.Sending: TelegramOut._sending,
}


def _run(flow: Callable[[Deps, Any, vw.Out], Awaitable[None]], make: Callable[..., ev.Event]) -> Callback:
    async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        d = deps(context)
        await flow(d, make(update, context), TelegramOut(update, context.bot, d=d))

    callback.__name__ = callback.__qualname__ = getattr(flow, "__name__", "flow")
    callback.__doc__ = flow.__doc__
    return callback


def command(flow: Flow[ev.Command]) -> Callback:
    return _run(flow, command_event)


def press(flow: Flow[ev.Press]) -> Callback:
    return _run(flow, lambda update, context: press_event(update, _limit(context)))


def typed(flow: Flow[ev.Text]) -> Callback:
    return _run(flow, lambda update, _context: text_event(update))


def upload(flow: Flow[ev.Upload]) -> Callback:
    return _run(flow, lambda update, context: upload_event(update, _limit(context)))


def _limit(context: ContextTypes.DEFAULT_TYPE) -> int:
    return deps(context).settings.max_upload_mb * 1024 * 1024
