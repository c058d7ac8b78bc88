"""A PTB BaseRequest on aiohttp.

Measured on this kind of machine (shared performance notes): PTB's default httpx stack spends ~15 ms of
CPU per update once many requests are in flight; aiohttp stays near 1 ms. This class is the difference.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp_socks import ProxyConnector, ProxyError
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


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


class AiohttpRequest(BaseRequest):
    __slots__ = (
        "_connect_timeout",
        "_headers",
        "_json_headers",
        "_limit",
        "_proxy",
        "_read_timeout",
        "_session",
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
        """`proxy`: an http://, https:// or socks5:// URL every request goes through (see resolve_proxy)."""
        self._proxy = proxy or None
        self._limit = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._session: aiohttp.ClientSession | None = None
        self._headers = {"User-Agent": self.USER_AGENT}
        self._json_headers = {"User-Agent": self.USER_AGENT, "Content-Type": "application/json"}

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
        if self._session is None or self._session.closed:
            # trust_env=False: the proxy is decided once, by resolve_proxy, and passed in explicitly.
            connector: aiohttp.BaseConnector
            if self._proxy and self._proxy.startswith("socks"):
                # socks5h: the proxy resolves Telegram's name (where local DNS is poisoned or absent).
                connector = ProxyConnector.from_url(
                    self._proxy.replace("socks5h://", "socks5://", 1),
                    rdns=self._proxy.startswith("socks5h://"),
                    limit=self._limit,
                )
            else:
                connector = aiohttp.TCPConnector(limit=self._limit, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(connector=connector, trust_env=False)

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

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
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        data: aiohttp.FormData | bytes | None = None
        headers = self._headers
        if request_data is not None:
            files = request_data.multipart_data
            if not files:
                # A JSON body (the Bot API takes one): one json.dumps instead of a dumps per parameter
                # and URL-encoding, which cost about a tenth of a walk update's CPU.
                data = _encode(request_data.parameters).encode()
                headers = self._json_headers
            else:
                data = aiohttp.FormData(quote_fields=False)
                for key, value in request_data.json_parameters.items():
                    data.add_field(key, value)
                for part, (filename, content, mime) in files.items():
                    payload = content if isinstance(content, bytes) else content.read()
                    data.add_field(part, payload, filename=filename, content_type=mime)
        # Long polling passes its own read timeout; the total bounds the whole exchange.
        total = None if read is None else read + (connect or 0) + 5
        timeout = aiohttp.ClientTimeout(total=total, sock_connect=connect, sock_read=read)
        try:
            http_proxy = self._proxy if self._proxy and not self._proxy.startswith("socks") else None
            async with self._session.request(
                method, url, data=data, timeout=timeout, headers=headers, proxy=http_proxy
            ) as resp:
                body = await resp.read()  # read in full either way: the connection goes back to the pool
                if resp.status == 200 and UNREAD_REPLY.get():
                    return 200, _UNREAD_PAYLOAD
                return resp.status, body
        except TimeoutError as exc:
            raise TimedOut from exc
        except asyncio.TimeoutError as exc:  # noqa: UP041 - aiohttp may raise the alias on older Pythons
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise TransportError(redact(f"aiohttp.{exc.__class__.__name__}: {exc}")) from exc
        except (ProxyError, OSError) as exc:  # aiohttp-socks' own errors for the proxy leg
            raise TransportError(redact(f"proxy {exc.__class__.__name__}: {exc}")) from exc
