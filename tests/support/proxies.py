"""Tiny proxies on 127.0.0.1 for the tests: an HTTP proxy (plain forwarding and CONNECT) and a SOCKS5 server.

Each records what went through it, so a test can prove the bot's requests took that road."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import struct


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


async def _splice(
    a: tuple[asyncio.StreamReader, asyncio.StreamWriter], b: tuple[asyncio.StreamReader, asyncio.StreamWriter]
) -> None:
    await asyncio.gather(_pipe(a[0], b[1]), _pipe(b[0], a[1]))


class _Server:
    def __init__(self) -> None:
        self.seen: list[str] = []
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self, tls: ssl.SSLContext | None = None) -> str:
        """Listens on 127.0.0.1; with `tls`, clients speak TLS to the proxy itself (an https:// proxy)."""
        self._server = await asyncio.start_server(self._client, "127.0.0.1", 0, ssl=tls)
        port = self._server.sockets[0].getsockname()[1]
        return f"{self.scheme}{'s' if tls else ''}://127.0.0.1:{port}"

    scheme = ""

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        try:
            await self.handle(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            writer.close()
        except asyncio.CancelledError:
            # stop() cancels the connections still open (a client may keep its tunnel alive to the end);
            # ending quietly keeps asyncio from logging the cancelled handler as an error.
            writer.close()
        finally:
            self._tasks.discard(task)  # type: ignore[arg-type]

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


class HttpProxy(_Server):
    """Forwards `GET http://host:port/path` (one request per connection) and tunnels CONNECT."""

    scheme = "http"

    def __init__(self) -> None:
        super().__init__()
        self.authorizations: list[str] = []  # the Proxy-Authorization values received

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        request_line, *headers = head.split("\r\n")
        method, target, version = request_line.split(" ")
        self.seen.append(f"{method} {target}")
        self.authorizations += [
            h.split(":", 1)[1].strip() for h in headers if h.lower().startswith("proxy-authorization:")
        ]
        if method == "CONNECT":
            host, port = target.rsplit(":", 1)
            upstream = await asyncio.open_connection(host, int(port))
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
            await _splice((reader, writer), upstream)
            return
        rest = target.split("://", 1)[1]
        hostport, _, path = rest.partition("/")
        host, port = hostport.rsplit(":", 1)
        kept = [h for h in headers if h and not h.lower().startswith(("connection:", "proxy-", "keep-alive"))]
        upstream = await asyncio.open_connection(host, int(port))
        new_head = "\r\n".join([f"{method} /{path} {version}", *kept, "Connection: close", "", ""])
        upstream[1].write(new_head.encode("latin-1"))
        await _splice((reader, writer), upstream)


class Socks5Proxy(_Server):
    """RFC 1928, no authentication, CONNECT only."""

    scheme = "socks5"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        version, methods = await reader.readexactly(2)
        await reader.readexactly(methods)
        assert version == 5
        writer.write(b"\x05\x00")
        _, command, _, kind = await reader.readexactly(4)
        if kind == 1:
            host = ".".join(str(b) for b in await reader.readexactly(4))
        elif kind == 3:
            host = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
        else:
            writer.write(b"\x05\x08\x00\x01" + b"\x00" * 6)  # address type not supported
            writer.close()
            return
        (port,) = struct.unpack("!H", await reader.readexactly(2))
        self.seen.append(f"CONNECT {host}:{port}")
        assert command == 1
        upstream = await asyncio.open_connection(host, port)
        writer.write(b"\x05\x00\x00\x01" + b"\x00" * 6)
        await writer.drain()
        await _splice((reader, writer), upstream)


class Silent(_Server):
    """Accepts connections and never answers: a network that swallows Telegram's traffic."""

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # until the client gives up
        writer.close()
