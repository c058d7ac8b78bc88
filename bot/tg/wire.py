"""HTTP/1.1 to the Bot API over kept-alive connections: what a Bot API call needs and nothing else.

Why not aiohttp's client (which this replaced): measured on this machine against a local server, a JSON POST
through aiohttp's ClientSession costs about 95-100 µs of CPU (request and response objects, headers as
multidicts, URL objects, timers, cookie jar, trace hooks), this about 26 µs; in the walk, aiohttp's client was
about a quarter of the bot's CPU per update. The Bot API needs far less: one origin, POST with a body,
a status and a body back, keep-alive. The response bytes are parsed by httptools (llhttp, the parser
behind uvicorn); SOCKS proxies are spoken by python-socks; TLS and the event loop are asyncio's.

Proxies: an HTTP(S) proxy gets absolute-form requests for an http:// Bot API server and a CONNECT tunnel for
https:// (then TLS inside, as every client does); SOCKS4/5 via python-socks (socks5h: the proxy resolves the
name). One request at a time per connection; a connection is reused only when the server keeps it alive.
"""

from __future__ import annotations

import asyncio
import base64
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, unquote, urlsplit

import httptools
from python_socks import ProxyError, ProxyTimeoutError
from python_socks.async_.asyncio import Proxy

CLOSE_WAIT = 2.0  # seconds close() waits for the sockets to be closed


class WireError(Exception):
    """The exchange failed before a whole response arrived: the request may or may not have been applied."""


class WireTimeout(WireError):
    """Connecting, sending or waiting for the response took longer than allowed."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where one URL's request goes: the origin's pool key, the request target and the Host header."""

    scheme: str
    host: str
    port: int
    path: bytes  # origin-form ("/bot…/sendMessage") or, through an HTTP proxy to http://, absolute-form
    host_header: bytes


@lru_cache(maxsize=512)
def _target(url: str, absolute: bool) -> Target:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WireError(f"not an http(s) URL: {parts.scheme}://{parts.hostname or ''}")
    default = 443 if parts.scheme == "https" else 80
    port = parts.port or default
    host_header = parts.hostname if port == default else f"{parts.hostname}:{port}"
    if ":" in parts.hostname and port == default:  # an IPv6 literal keeps its brackets
        host_header = f"[{parts.hostname}]"
    # A file path may hold spaces or non-ASCII characters: percent-encoded as any client would (escapes kept).
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=?-._~")
    target = f"{parts.scheme}://{parts.netloc}{path}" if absolute else path
    return Target(parts.scheme, parts.hostname, port, target.encode("ascii"), host_header.encode("idna"))


class _Exchange(asyncio.Protocol):
    """One connection: writes a request, parses its response with httptools, resolves a future with it."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self.chunks: list[bytes] = []
        self.reusable = False  # set when a response completed and the server keeps the connection alive
        self.closed = False
        self._writable: asyncio.Future[None] | None = None
        self.lost: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(WireError(f"unreadable response: {exc}"))
            self.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.reusable = False
        if not self.lost.done():
            self.lost.set_result(None)
        self._fail(WireError(f"connection closed before the response was complete ({exc or 'by the server'})"))
        if self._writable is not None and not self._writable.done():
            self._writable.set_result(None)

    def pause_writing(self) -> None:
        self._writable = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        if self._writable is not None and not self._writable.done():
            self._writable.set_result(None)
        self._writable = None

    # httptools callbacks
    def on_body(self, body: bytes) -> None:
        self.chunks.append(body)

    def on_message_complete(self) -> None:
        waiter, self.waiter = self.waiter, None
        body = b"".join(self.chunks)
        self.chunks = []
        self.reusable = self.parser.should_keep_alive()
        if waiter is not None and not waiter.done():
            waiter.set_result((self.parser.get_status_code(), body))

    # ours
    def time_out(self, after: float) -> None:
        self._fail(WireTimeout(f"no response within {after} s"))
        self.abort()  # also ends a wait for a stalled upload to be taken

    def _fail(self, exc: WireError) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)

    def abort(self) -> None:
        self.closed = True
        self.reusable = False
        if self.transport is not None:
            self.transport.abort()

    async def exchange(self, request: bytes) -> tuple[int, bytes]:
        """Sends `request` and waits for the whole response."""
        assert self.transport is not None
        self.reusable = False
        self.waiter = waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        if self._writable is not None:  # a large upload: wait until the kernel took it
            await self._writable
        status, body = await waiter
        return status, body


class _Handshake(asyncio.Protocol):
    """Reads an HTTP proxy's answer to CONNECT (a status line and headers, no body)."""

    def __init__(self) -> None:
        self.buffer = b""
        self.done: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if b"\r\n\r\n" in self.buffer and not self.done.done():
            self.done.set_result(self.buffer)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_exception(WireError(f"the proxy closed the connection ({exc or 'no answer'})"))


def _proxy_authorization(user: str | None, password: str | None) -> bytes:
    if not user:
        return b""
    pair = f"{unquote(user)}:{unquote(password or '')}".encode()
    return b"Proxy-Authorization: Basic " + base64.b64encode(pair) + b"\r\n"


class Connections:
    """Kept-alive connections to the Bot API (through `proxy` if given), at most `limit` at once."""

    def __init__(
        self, *, limit: int, user_agent: str, proxy: str | None = None, tls: ssl.SSLContext | None = None
    ) -> None:
        """`tls`: the context that checks servers' certificates (default: the system's authorities)."""
        self._idle: dict[tuple[str, str, int], list[_Exchange]] = {}
        self._slots = asyncio.Semaphore(limit)
        self._user_agent = user_agent.encode()
        self._proxy = proxy or None
        self._tls = tls
        proxy_parts = urlsplit(self._proxy) if self._proxy else None
        self._proxy_parts = proxy_parts
        self._http_proxy = proxy_parts is not None and proxy_parts.scheme in ("http", "https")
        self._proxy_auth = b""
        if self._http_proxy and proxy_parts is not None:
            self._proxy_auth = _proxy_authorization(proxy_parts.username, proxy_parts.password)
        self._open: set[_Exchange] = set()

    def _context(self) -> ssl.SSLContext:
        if self._tls is None:
            self._tls = ssl.create_default_context()
        return self._tls

    async def request(
        self,
        method: str,
        url: str,
        body: bytes,
        content_type: bytes,
        *,
        connect_timeout: float | None,
        read_timeout: float | None,
    ) -> tuple[int, bytes]:
        """One exchange: the status and the whole body. Raises WireTimeout or WireError."""
        target = _target(url, self._http_proxy and url.startswith("http:"))
        head = b"".join(
            (
                method.encode("ascii"),
                b" ",
                target.path,
                b" HTTP/1.1\r\nHost: ",
                target.host_header,
                b"\r\nUser-Agent: ",
                self._user_agent,
                b"\r\nContent-Type: ",
                content_type,
                b"\r\nContent-Length: ",
                str(len(body)).encode(),
                b"\r\n",
                self._proxy_auth if target.scheme == "http" else b"",
                b"\r\n",
            )
        )
        key = (target.scheme, target.host, target.port)
        async with self._slots:
            connection = self._take(key)
            if connection is not None and method == "GET":
                # A kept-alive connection the server dropped just now fails before any answer: a GET (a file
                # download) is safe to send again on a new connection, as HTTP allows; a POST never is.
                try:
                    return await self._exchange(key, connection, head + body, read_timeout)
                except WireTimeout:
                    raise
                except WireError:
                    connection = None
            if connection is None:
                connection = await self._connect(target, connect_timeout)
            return await self._exchange(key, connection, head + body, read_timeout)

    async def _exchange(
        self, key: tuple[str, str, int], connection: _Exchange, request: bytes, read_timeout: float | None
    ) -> tuple[int, bytes]:
        # A timer handle rather than asyncio.timeout(): the same deadline for a fifth of the CPU (every call
        # has one; asyncio.timeout's context manager was about 2% of a walk update).
        timer = None
        if read_timeout is not None:
            timer = asyncio.get_running_loop().call_later(read_timeout, connection.time_out, read_timeout)
        try:
            result = await connection.exchange(request)
        except BaseException:
            self._drop(connection)  # cancelled, timed out or failed mid-exchange: its state is unknown
            raise
        finally:
            if timer is not None:
                timer.cancel()
        if connection.reusable and not connection.closed:
            self._idle.setdefault(key, []).append(connection)
        else:
            self._drop(connection)
        return result

    def _take(self, key: tuple[str, str, int]) -> _Exchange | None:
        idle = self._idle.get(key)
        while idle:
            connection = idle.pop()
            if not connection.closed:
                return connection
            self._open.discard(connection)
        return None

    def _drop(self, connection: _Exchange) -> None:
        connection.abort()
        self._open.discard(connection)

    async def _connect(self, target: Target, within: float | None) -> _Exchange:
        try:
            async with asyncio.timeout(within):
                connection = await self._open_connection(target)
        except TimeoutError as exc:
            raise WireTimeout(f"connecting took longer than {within} s") from exc
        except ProxyTimeoutError as exc:
            raise WireTimeout(f"proxy: {exc}") from exc
        except (ProxyError, OSError) as exc:
            via = f" via {self._proxy_parts.scheme} proxy" if self._proxy_parts else ""
            raise WireError(
                f"cannot connect to {target.host}:{target.port}{via}: {exc.__class__.__name__}: {exc}"
            ) from exc
        self._open.add(connection)
        return connection

    async def _open_connection(self, target: Target) -> _Exchange:
        loop = asyncio.get_running_loop()
        tls = self._context() if target.scheme == "https" else None
        server_hostname = target.host if tls else None
        factory: Callable[[], _Exchange] = _Exchange
        parts = self._proxy_parts
        if parts is None:
            _, protocol = await loop.create_connection(
                factory, target.host, target.port, ssl=tls, server_hostname=server_hostname
            )
            return protocol
        if not self._http_proxy:
            assert self._proxy is not None
            rdns = parts.scheme == "socks5h"
            socks = Proxy.from_url(self._proxy.replace("socks5h://", "socks5://", 1), rdns=rdns)
            sock = await socks.connect(target.host, target.port)
            _, protocol = await loop.create_connection(factory, sock=sock, ssl=tls, server_hostname=server_hostname)
            return protocol
        proxy_tls = self._context() if parts.scheme == "https" else None
        proxy_host, proxy_port = parts.hostname or "", parts.port or (443 if proxy_tls else 80)
        if target.scheme == "http":  # absolute-form requests straight to the proxy
            _, protocol = await loop.create_connection(
                factory, proxy_host, proxy_port, ssl=proxy_tls, server_hostname=proxy_host if proxy_tls else None
            )
            return protocol
        transport, handshake = await loop.create_connection(
            _Handshake, proxy_host, proxy_port, ssl=proxy_tls, server_hostname=proxy_host if proxy_tls else None
        )
        authority = f"{target.host}:{target.port}".encode("idna")
        transport.write(
            b"CONNECT " + authority + b" HTTP/1.1\r\nHost: " + authority + b"\r\n" + self._proxy_auth + b"\r\n"
        )
        answer = await handshake.done
        status_line = answer.split(b"\r\n", 1)[0].decode("latin-1")
        fields = status_line.split(" ", 2)
        if len(fields) < 2 or fields[1] != "200":
            transport.close()
            raise WireError(f"the proxy refused the tunnel: {status_line}")
        protocol = _Exchange()
        tunnelled = await loop.start_tls(transport, protocol, self._context(), server_hostname=target.host)
        if tunnelled is None:
            raise WireError("TLS through the proxy's tunnel failed")
        protocol.connection_made(tunnelled)
        return protocol

    async def close(self) -> None:
        """Closes every connection (idle ones gracefully) and returns once their sockets are closed."""
        connections = list(self._open)
        self._open.clear()
        self._idle.clear()
        for connection in connections:
            if connection.transport is not None:
                connection.transport.close()
        lost = [c.lost for c in connections if c.transport is not None]
        if lost:
            await asyncio.wait(lost, timeout=CLOSE_WAIT)


def _quoted(value: str) -> str:
    # As browsers encode form-data names and file names (WHATWG): the quote and line breaks escaped.
    return value.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]], boundary: str) -> bytes:
    """A multipart/form-data body: text fields, then files as (file name, content, MIME type)."""
    mark = f"--{boundary}\r\n".encode()
    parts: list[bytes] = []
    for name, value in fields.items():
        parts += [mark, f'Content-Disposition: form-data; name="{_quoted(name)}"\r\n\r\n'.encode(), value.encode()]
        parts.append(b"\r\n")
    for name, (filename, content, mime) in files.items():
        disposition = f'Content-Disposition: form-data; name="{_quoted(name)}"; filename="{_quoted(filename)}"\r\n'
        parts += [mark, disposition.encode(), f"Content-Type: {mime}\r\n\r\n".encode(), content, b"\r\n"]
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)
