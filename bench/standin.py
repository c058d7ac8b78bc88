"""A local stand-in for the Telegram Bot API, for tests and benchmarks.

The real PTB Application talks to it over HTTP on 127.0.0.1 (XCHECK_API_BASE_URL / XCHECK_API_FILE_URL).
It simulates users (text, button presses, uploads), records every call, and injects faults on demand:
error codes with retry_after, added latency, a flood cap, dropped connections.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import itertools
import json
import random
import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, ClassVar

from aiohttp import web

BOT_ID = 4242
# Values PTB sends as plain strings; everything else arrives JSON-encoded.
_STRING_FIELDS = {
    "text", "caption", "callback_query_id", "parse_mode", "file_id", "url", "description",
    "short_description", "secret_token", "language_code", "emoji",
}  # fmt: skip
DOWNLOAD_LIMIT = 20 * 1024 * 1024
_UPDATE_ID = itemgetter("update_id")
# Telegram's HTML parse mode: these tags and entities only; any other <, > or & is an error.
_TAGS = re.compile(r"</?(b|strong|i|em|u|ins|s|strike|del|code|pre|a|tg-spoiler|blockquote|span)(\s[^<>]*)?>")
_ENTITIES = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def markup_error(markup: Any) -> str | None:
    """Telegram's limits on inline keyboards: callback data of 1-64 bytes, a non-empty label."""
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            if not button.get("text"):
                return "Bad Request: text buttons are unallowed in the inline keyboard"
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= 64:
                return "Bad Request: BUTTON_DATA_INVALID"
    return None


def html_error(text: str) -> str | None:
    """Why Telegram would refuse this text in HTML parse mode, or None: a character it cannot parse, an
    end tag without its start tag, or a start tag never closed."""
    rest = _ENTITIES.sub("", _TAGS.sub("", text))
    for ch in "<>&":
        if ch in rest:
            return f"Bad Request: can't parse entities: unexpected {ch!r}"
    open_tags: list[str] = []
    for match in _TAGS.finditer(text):
        name = match.group(1)
        if match.group(0).startswith("</"):
            if not open_tags or open_tags[-1] != name:
                return f"Bad Request: can't parse entities: unexpected end tag at byte offset {match.start()}"
            open_tags.pop()
        else:
            open_tags.append(name)
    if open_tags:
        return f"Bad Request: can't parse entities: can't find end tag corresponding to start tag {open_tags[-1]}"
    return None


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)


@dataclass
class Shown:
    """A message the bot shows in a chat, as it looks now (after any edits)."""

    message_id: int
    chat_id: int
    text: str
    reply_markup: dict[str, Any] | None
    document: tuple[str, bytes] | None = None  # sendDocument only
    photo: tuple[str, bytes] | None = None  # sendPhoto: a picture is not a file the person was sent

    @property
    def buttons(self) -> list[tuple[str, str]]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [(b["text"], b.get("callback_data", b.get("url", ""))) for row in rows for b in row]

    def button(self, label: str) -> str:
        """The callback data of the first button whose text contains label."""
        for text, data in self.buttons:
            if label in text:
                return data
        raise AssertionError(f"no button {label!r} in {[t for t, _ in self.buttons]}\n{self.text}")


@dataclass
class Fault:
    method: str | None  # None: any method
    code: int
    description: str
    retry_after: int | None
    times: int
    drop: bool = False  # close the connection without an answer
    match: str | None = None  # only calls whose text contains this


@dataclass
class Refusal:
    """A call the stand-in refused with 400, as Telegram would: a defect unless the test expected it."""

    method: str
    description: str
    params: dict[str, Any]


class StandIn:
    # Every stand-in created, so the tests' autouse fixture can fail a test on any call Telegram would refuse.
    created: ClassVar[list[StandIn]] = []
    # Callback query ids are unique across everything, as Telegram's are (never reused by a later stand-in).
    _query_ids: ClassVar[itertools.count[int]] = itertools.count(10_000)

    def __init__(self, token: str = "123456:TEST-token", username: str = "xcheck_test_bot") -> None:
        StandIn.created.append(self)
        self.refusals: list[Refusal] = []
        self.answered: dict[str, str] = {}  # callback query id: the text it was answered with
        self._expected_refusals: list[str] = []
        self.token = token
        self.username = username
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.confirmed_offset = 0
        self.latency = 0.0
        self.jitter = 0.0  # extra random latency per call, up to this many seconds
        self.in_flight = 0
        self.max_in_flight = 0
        self._random = random.Random(7)
        self.flood_cap: int | None = None  # messages per second over all chats
        self.blocked: set[int] = set()  # users who blocked the bot: 403 on send
        # As if the bot died before its next getUpdates: offsets are not taken as confirmations, so
        # every update is delivered again to the next process.
        self.names = {}
        self.hold_confirmations = False
        self.polls = 0
        self.download_delay = 0.0
        self.slow: dict[str, float] = {}  # method: seconds it takes to answer (past the bot's timeout)
        # Random faults on every call but getUpdates: probability, and which kinds to draw from.
        self.chaos = 0.0
        self.chaos_kinds: tuple[str, ...] = ("500", "502", "drop", "429", "slow")
        self.chaos_slow = 2.0
        self.chaos_seen: list[str] = []
        self._flood_window: deque[float] = deque()
        self.flood_refusals = 0
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(1)
        self._msg_ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(1000))
        self._messages: dict[tuple[int, int], Shown] = {}
        self.events: dict[int, list[Shown]] = defaultdict(list)  # what each chat saw, in order
        self._files: dict[str, tuple[bytes, str, int]] = {}
        self._changed = asyncio.Condition()
        self._chat_waiters: dict[int, list[tuple[int, asyncio.Future[Shown]]]] = defaultdict(list)
        self.shown_at: dict[int, list[float]] = defaultdict(list)  # when each event reached each chat
        self._new_update = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- lifecycle ---------------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application(client_max_size=200 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        self._closing = True
        self._new_update.set()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # --- faults ------------------------------------------------------------------------------------
    def fail(
        self,
        method: str | None,
        code: int,
        description: str = "",
        *,
        retry_after: int | None = None,
        times: int = 1,
        match: str | None = None,
    ) -> None:
        self._faults.append(Fault(method, code, description or f"Error {code}", retry_after, times, match=match))

    def heal(self) -> None:
        """Every fault not yet taken is dropped: the network is back."""
        self._faults.clear()

    def expect_refusal(self, description: str) -> None:
        """Marks 400s whose description contains this as provoked on purpose by the test."""
        self._expected_refusals.append(description)

    def unexpected_refusals(self) -> list[Refusal]:
        return [r for r in self.refusals if not any(e in r.description for e in self._expected_refusals)]

    def drop(self, method: str | None, *, times: int = 1, match: str | None = None) -> None:
        self._faults.append(Fault(method, 0, "", None, times, drop=True, match=match))

    def _take_fault(self, method: str, text: str = "") -> Fault | None:
        for fault in self._faults:
            if fault.match is not None and fault.match not in text:
                continue
            if fault.method in (None, method) and fault.times > 0:
                fault.times -= 1
                if fault.times == 0:
                    self._faults.remove(fault)
                return fault
        return None

    # --- simulated users ---------------------------------------------------------------------------
    names: dict[int, str] = {}  # noqa: RUF012 - per-test override of a simulated user's name

    def user(self, user_id: int) -> dict[str, Any]:
        name = self.names.get(user_id, "测试")
        return {"id": user_id, "is_bot": False, "first_name": name, "language_code": "zh-hans"}

    def _push(self, payload: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self.updates.append({"update_id": update_id, **payload})
        self._new_update.set()
        return update_id

    def _message(self, user_id: int, chat: dict[str, Any] | None, **fields: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._msg_ids[user_id]),
            "date": int(time.time()),
            "chat": chat or {"id": user_id, "type": "private", "first_name": "测试"},
            "from": self.user(user_id),
            **fields,
        }

    def send_sticker(self, user_id: int) -> int:
        sticker = {
            "file_id": "STK",
            "file_unique_id": "USTK",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return self._push({"message": self._message(user_id, None, sticker=sticker)})

    def send_text(self, user_id: int, text: str, *, chat: dict[str, Any] | None = None) -> int:
        fields: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return self._push({"message": self._message(user_id, chat, **fields)})

    def press(self, user_id: int, shown: Shown, data: str) -> int:
        """A button press on a message the bot showed (data may be forged by the test)."""
        message = {
            "message_id": shown.message_id,
            "date": int(time.time()),
            "chat": {"id": shown.chat_id, "type": "private", "first_name": "测试"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "xcheck", "username": self.username},
            "text": shown.text,
        }
        return self._push(
            {
                "callback_query": {
                    "id": str(next(StandIn._query_ids)),
                    "from": self.user(user_id),
                    "chat_instance": str(shown.chat_id),
                    "message": message,
                    "data": data,
                }
            }
        )

    def place(self, shown: Shown) -> Shown:
        """A message the bot sent before the test began (so presses on it can edit it), unless already there."""
        self._messages.setdefault((shown.chat_id, shown.message_id), shown)
        return shown

    def add_file(self, content: bytes, *, size: int | None = None) -> tuple[str, str]:
        n = next(self._ids)
        file_id, unique = f"FILE{n}", f"U{n}"
        self._files[file_id] = (content, f"documents/file_{n}", size if size is not None else len(content))
        return file_id, unique

    def send_document(
        self,
        user_id: int,
        content: bytes,
        file_name: str,
        mime: str,
        *,
        claimed_size: int | None = None,
        caption: str | None = None,
    ) -> int:
        file_id, unique = self.add_file(content, size=claimed_size)
        doc = {
            "file_id": file_id,
            "file_unique_id": unique,
            "file_name": file_name,
            "mime_type": mime,
            "file_size": claimed_size if claimed_size is not None else len(content),
        }
        extra = {"caption": caption} if caption else {}
        return self._push({"message": self._message(user_id, None, document=doc, **extra)})

    def send_photo(
        self, user_id: int, content: bytes, *, claimed_size: int | None = None, caption: str | None = None
    ) -> int:
        file_id, unique = self.add_file(content, size=claimed_size)
        size = claimed_size if claimed_size is not None else len(content)
        photo = [{"file_id": file_id, "file_unique_id": unique, "width": 800, "height": 600, "file_size": size}]
        extra = {"caption": caption} if caption else {}
        return self._push({"message": self._message(user_id, None, photo=photo, **extra)})

    # --- waiting -----------------------------------------------------------------------------------
    async def wait_for(self, predicate: Any, timeout: float = 10.0) -> None:
        async def _wait() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        await asyncio.wait_for(_wait(), timeout)

    async def next_shown(self, chat_id: int, after: int, timeout: float = 10.0) -> Shown:
        """The first thing chat_id was shown after it had seen `after` things. Each chat has its own
        waiters, so hundreds of simulated users waiting at once cost nothing per API call."""
        if len(self.events[chat_id]) > after:
            return self.events[chat_id][after]
        future: asyncio.Future[Shown] = asyncio.get_running_loop().create_future()
        self._chat_waiters[chat_id].append((after, future))
        return await asyncio.wait_for(future, timeout)

    def button_data(self) -> list[str]:
        """The callback data of every inline button the bot has shown (URL buttons have none)."""
        return [
            button["callback_data"]
            for shown_list in self.events.values()
            for shown in shown_list
            for row in (shown.reply_markup or {}).get("inline_keyboard", [])
            for button in row
            if "callback_data" in button
        ]

    def _record(self, shown: Shown) -> None:
        events = self.events[shown.chat_id]
        events.append(shown)
        self.shown_at[shown.chat_id].append(time.monotonic())
        waiting = self._chat_waiters.get(shown.chat_id)
        if waiting:
            still = []
            for after, future in waiting:
                if future.done():
                    continue
                if len(events) > after:
                    future.set_result(events[after])
                else:
                    still.append((after, future))
            self._chat_waiters[shown.chat_id] = still

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    # --- HTTP --------------------------------------------------------------------------------------
    async def _params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
        raw: dict[str, Any] = {}
        files: dict[str, tuple[str, bytes]] = {}
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                if part.filename:  # type: ignore[union-attr]
                    files[part.name or ""] = (part.filename, await part.read())  # type: ignore[union-attr]
                else:
                    raw[part.name or ""] = await part.text()  # type: ignore[union-attr]
        elif request.can_read_body:
            if request.content_type == "application/json":
                raw = await request.json()
            else:
                raw = dict(await request.post())
        raw.update(request.query)
        params: dict[str, Any] = {}
        for key, value in raw.items():
            if key in _STRING_FIELDS or not isinstance(value, str):
                params[key] = value
            else:
                try:
                    params[key] = json.loads(value)
                except ValueError:
                    params[key] = value
        return params, files

    def _error(self, code: int, description: str, retry_after: int | None = None) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        return web.json_response(body, status=code)

    async def _api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        method = request.match_info["method"]
        params, files = await self._params(request)
        if method != "getUpdates":
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                delay = self.latency + (self._random.random() * self.jitter if self.jitter else 0.0)
                if delay:
                    await asyncio.sleep(delay)
            finally:
                self.in_flight -= 1
        if self.chaos and method != "getUpdates" and self._random.random() < self.chaos:
            kind = self._random.choice(self.chaos_kinds)
            self.chaos_seen.append(f"{method}:{kind}")
            if kind == "drop":
                assert request.transport is not None
                request.transport.close()
                return web.Response(status=500)
            if kind == "slow":
                await asyncio.sleep(self.chaos_slow)  # past the bot's timeout; the call still takes effect
            elif kind == "429":
                return self._error(429, "Too Many Requests: retry after 1", retry_after=1)
            else:
                return self._error(int(kind), "Internal Server Error" if kind == "500" else "Bad Gateway")
        if method in self.slow:
            await asyncio.sleep(self.slow.pop(method))  # once; the call then takes effect as usual
        fault = self._take_fault(method, str(params.get("text", "")))
        if fault is not None:
            if fault.drop:
                assert request.transport is not None
                request.transport.close()
                return web.Response(status=500)
            return self._error(fault.code, fault.description, fault.retry_after)
        chat = params.get("chat_id")
        if method.startswith("send") and chat in self.blocked:
            return self._error(403, "Forbidden: bot was blocked by the user")
        if self.flood_cap is not None and method.startswith("send"):
            now = time.monotonic()
            while self._flood_window and now - self._flood_window[0] >= 1.0:
                self._flood_window.popleft()
            if len(self._flood_window) >= self.flood_cap:
                self.flood_refusals += 1
                return self._error(429, "Too Many Requests: retry after 1", retry_after=1)
            self._flood_window.append(now)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return self._error(404, "Not Found: method not found")
        if method == "getUpdates":
            result = await handler(params)
            return web.json_response({"ok": True, "result": result})
        result = handler(params, files)
        if isinstance(result, web.Response):
            if result.status == 400:
                body = json.loads(result.body) if isinstance(result.body, bytes) else {}
                self.refusals.append(Refusal(method, str(body.get("description", "")), params))
            return result
        async with self._changed:
            self.calls.append(Call(method, params, time.monotonic(), files))
            self._changed.notify_all()
        return web.json_response({"ok": True, "result": result})

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        fault = self._take_fault("download")
        if fault is not None:
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=500)
        path = request.match_info["path"]
        if self.download_delay:
            await asyncio.sleep(self.download_delay)
        for content, file_path, _size in self._files.values():
            if file_path == path:
                return web.Response(body=content)
        return web.Response(status=404)

    # --- methods -----------------------------------------------------------------------------------
    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "xcheck",
            "username": self.username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _m_getMe(self, params: dict[str, Any], files: Any) -> Any:
        return self._bot_user()

    def _m_deleteWebhook(self, params: dict[str, Any], files: Any) -> Any:
        return True

    def _m_setMyCommands(self, params: dict[str, Any], files: Any) -> Any:
        return True

    def _m_answerCallbackQuery(self, params: dict[str, Any], files: Any) -> Any:
        query_id = str(params.get("callback_query_id"))
        if query_id in self.answered:
            # Telegram takes one answer per query; a second one (and whatever it said) is refused.
            return self._error(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        text = params.get("text", "")
        if len(text) > 200:
            return self._error(400, "Bad Request: MESSAGE_TOO_LONG")
        if _TAGS.search(text) or _ENTITIES.search(text):
            # Not Telegram's rule but ours: a pop-up is plain text, so markup would show literally.
            return self._error(400, "Bad Request: pop-up text shows literal HTML markup")
        self.answered[query_id] = text
        return True

    async def _m_getUpdates(self, params: dict[str, Any]) -> Any:
        async with self._changed:
            self.polls += 1  # counted on arrival: the bot is polling from this moment
            self._changed.notify_all()
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)
        if offset and not self.hold_confirmations:
            self.confirmed_offset = max(self.confirmed_offset, offset)
        deadline = time.monotonic() + timeout
        while True:
            # Confirmed updates are gone for good, as on Telegram; unconfirmed ones come again.
            # self.updates is in update_id order (only _push appends, with ids counting up): the first pending
            # one is found by bisection, not by scanning every update of the run on every poll (which took
            # ~5 ms per poll near the end of a 300-coordinator run, the benchmark's loop blocked meanwhile).
            first = bisect.bisect_left(self.updates, max(offset, self.confirmed_offset, 1), key=_UPDATE_ID)
            pending = self.updates[first : first + limit]
            if pending or self._closing or time.monotonic() >= deadline:
                async with self._changed:
                    self.calls.append(Call("getUpdates", params, time.monotonic()))
                    self._changed.notify_all()
                return pending
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), max(0.0, deadline - time.monotonic()))

    def _show(
        self,
        chat_id: int,
        params: dict[str, Any],
        document: tuple[str, bytes] | None = None,
        photo: tuple[str, bytes] | None = None,
    ) -> dict[str, Any]:
        message_id = next(self._msg_ids[chat_id])
        text = params.get("text", params.get("caption", ""))
        shown = Shown(message_id, chat_id, text, params.get("reply_markup"), document, photo)
        self._messages[(chat_id, message_id)] = shown
        self._record(shown)
        return self._message_json(shown)

    def _message_json(self, shown: Shown) -> dict[str, Any]:
        out: dict[str, Any] = {
            "message_id": shown.message_id,
            "date": int(time.time()),
            "chat": {"id": shown.chat_id, "type": "private", "first_name": "测试"},
            "from": self._bot_user(),
            "text": shown.text,
        }
        if shown.reply_markup:
            out["reply_markup"] = shown.reply_markup
        return out

    def _m_sendMessage(self, params: dict[str, Any], files: Any) -> Any:
        text = params.get("text", "")
        if not text:
            return self._error(400, "Bad Request: message text is empty")
        if params.get("parse_mode") == "HTML" and (why := html_error(text)):
            return self._error(400, why)
        if why := markup_error(params.get("reply_markup")):
            return self._error(400, why)
        if len(text) > 4096:
            return self._error(400, "Bad Request: message is too long")
        return self._show(int(params["chat_id"]), params)

    def _m_editMessageText(self, params: dict[str, Any], files: Any) -> Any:
        key = (int(params["chat_id"]), int(params["message_id"]))
        old = self._messages.get(key)
        if old is None:
            return self._error(400, "Bad Request: message to edit not found")
        if old.text == params.get("text") and old.reply_markup == params.get("reply_markup"):
            return self._error(400, "Bad Request: message is not modified")
        if params.get("parse_mode") == "HTML" and (why := html_error(params.get("text", ""))):
            return self._error(400, why)
        if len(params.get("text", "")) > 4096:
            return self._error(400, "Bad Request: MESSAGE_TOO_LONG")
        if why := markup_error(params.get("reply_markup")):
            return self._error(400, why)
        new = Shown(old.message_id, old.chat_id, params.get("text", ""), params.get("reply_markup"))
        self._messages[key] = new
        self._record(new)
        return self._message_json(new)

    def _m_editMessageReplyMarkup(self, params: dict[str, Any], files: Any) -> Any:
        key = (int(params["chat_id"]), int(params["message_id"]))
        old = self._messages.get(key)
        if old is None:
            return self._error(400, "Bad Request: message to edit not found")
        new = Shown(old.message_id, old.chat_id, old.text, params.get("reply_markup"))
        self._messages[key] = new
        self._record(new)
        return self._message_json(new)

    def _m_sendDocument(self, params: dict[str, Any], files: dict[str, tuple[str, bytes]]) -> Any:
        doc = files.get("document")
        return self._show(int(params["chat_id"]), params, doc)

    def _m_sendPhoto(self, params: dict[str, Any], files: dict[str, tuple[str, bytes]]) -> Any:
        return self._show(int(params["chat_id"]), params, photo=files.get("photo"))

    def _m_getFile(self, params: dict[str, Any], files: Any) -> Any:
        entry = self._files.get(str(params.get("file_id")))
        if entry is None:
            return self._error(400, "Bad Request: invalid file_id")
        _content, path, size = entry
        if size > DOWNLOAD_LIMIT:
            return self._error(400, "Bad Request: file is too big")
        return {
            "file_id": params["file_id"],
            "file_unique_id": "U" + str(params["file_id"]),
            "file_size": size,
            "file_path": path,
        }
