"""PTB's BaseRequest for every Bot API call, over our kept-alive HTTP/1.1 connections (bot/tg/wire.py).

Measured on this kind of machine (shared performance notes): PTB's default httpx stack spends ~15 ms of
CPU per update once many requests are in flight; aiohttp's client stayed near 1 ms, and the plain
connections of bot/tg/wire.py cost a quarter of aiohttp's client per call (see wire.py).
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlsplit

from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.tg.wire import Connections, WireError, WireTimeout, multipart


class TransportError(NetworkError):
    """The connection failed before Telegram answered: the request may or may not have been applied."""


# json.dumps(..., ensure_ascii=False) builds an encoder per call; this one is built once (same output).
_encode = json.JSONEncoder(ensure_ascii=False).encode
_TOKEN = re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}")
# Set (to True) around a call whose reply nobody reads (handlers/quiet.py): a successful reply is then not
# parsed (the returned message, a few hundred bytes of JSON per screen); an error reply is parsed as always,
# so its description still says what went wrong.
UNREAD_REPLY: ContextVar[bool] = ContextVar("xcheck_unread_reply", default=False)
_OK: dict[str, Any] = {"ok": True, "result": True}
_UNREAD_PAYLOAD = b'{"ok":true,"result":true}'  # what an unread successful reply is parsed as (_OK)
_JSON = b"application/json"
_SMALL = 64 * 1024  # bodies up to this size are sent at once; larger uploads get the write timeout too


def redact(text: str) -> str:
    """Anything shaped like a bot token (digits:secret) becomes <token>: exception texts carry URLs."""
    return _TOKEN.sub("<token>", text)


def _bypassed(host: str, no_proxy: str) -> bool:
    for entry in (e.strip().lower() for e in no_proxy.replace("，", ",").split(",")):
        if entry == "*" or (entry and (host == entry.lstrip(".") or host.endswith("." + entry.lstrip(".")))):
            return True
    return False


def resolve_proxy(url: str, explicit: str = "", environ: Mapping[str, str] | None = None) -> str | None:
    """The proxy for a request to `url`: XCHECK_PROXY if set, else the standard HTTPS_PROXY / HTTP_PROXY /
    ALL_PROXY (either case) unless NO_PROXY names the host."""
    if explicit:
        return explicit
    env = os.environ if environ is None else environ

    def var(name: str) -> str:
        return (env.get(name.lower()) or env.get(name.upper()) or "").strip()

    parts = urlsplit(url)
    if _bypassed((parts.hostname or "").lower(), var("no_proxy")):
        return None
    scheme_var = "https_proxy" if parts.scheme == "https" else "http_proxy"
    return var(scheme_var) or var("all_proxy") or None


class ApiRequest(BaseRequest):
    __slots__ = (
        "_connect_timeout",
        "_connections",
        "_limit",
        "_proxy",
        "_read_timeout",
        "_write_timeout",
    )

    def __init__(
        self,
        *,
        connection_pool_size: int = 256,
        read_timeout: float | None = 10.0,
        write_timeout: float | None = 20.0,
        connect_timeout: float | None = 10.0,
        proxy: str | None = None,
    ) -> None:
        """`proxy`: an http://, https://, socks5:// or socks5h:// URL every request goes through (see resolve_proxy)."""
        self._proxy = proxy or None
        self._limit = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._connections: Connections | None = None

    @staticmethod
    def parse_json_payload(payload: bytes) -> Any:
        """PTB's hook for parsing a reply: an unread one (see do_request) is not parsed."""
        if payload is _UNREAD_PAYLOAD:
            return _OK
        return BaseRequest.parse_json_payload(payload)

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._connections is None:
            self._connections = Connections(limit=self._limit, user_agent=self.USER_AGENT, proxy=self._proxy)

    async def shutdown(self) -> None:
        if self._connections is not None:
            await self._connections.close()
        self._connections = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._connections is None:
            raise RuntimeError("ApiRequest is not initialized")
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        write = self._write_timeout if isinstance(write_timeout, DefaultValue) else write_timeout
        connect = self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        body, content_type = b"", _JSON
        if request_data is not None:
            files = request_data.multipart_data
            if not files:
                # A JSON body (the Bot API takes one): one json.dumps instead of a dumps per parameter
                # and URL-encoding, which cost about a tenth of a walk update's CPU.
                body = _encode(request_data.parameters).encode()
            else:
                boundary = secrets.token_hex(16)
                content_type = b"multipart/form-data; boundary=" + boundary.encode()
                uploads = {
                    part: (filename, content if isinstance(content, bytes) else content.read(), mime)
                    for part, (filename, content, mime) in files.items()
                }
                body = multipart(request_data.json_parameters, uploads, boundary)
        # The response must arrive within the read timeout (long polling passes its own), the upload
        # within the write timeout on top.
        wait = read
        if read is not None and write is not None and len(body) > _SMALL:
            wait = read + write
        try:
            status, payload = await self._connections.request(
                method, url, body, content_type, connect_timeout=connect, read_timeout=wait
            )
        except WireTimeout as exc:
            raise TimedOut(redact(str(exc))) from exc
        except WireError as exc:
            raise TransportError(redact(str(exc))) from exc
        if status == 200 and UNREAD_REPLY.get():
            return 200, _UNREAD_PAYLOAD
        return status, payload
