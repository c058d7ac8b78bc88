"""The Bot API connections (bot/tg/wire.py) against real local servers: framing, keep-alive, timeouts,
uploads, TLS directly and through proxies."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import trustme
from aiohttp import web
from telegram import InputFile
from telegram.error import TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.tg.http import ApiRequest, TransportError
from bot.tg.wire import Connections, WireError, WireTimeout, multipart
from tests.support.proxies import HttpProxy, Socks5Proxy

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Server:
    """An aiohttp server on 127.0.0.1 that counts the connections it accepted."""

    def __init__(self, handler: Handler, tls: ssl.SSLContext | None = None) -> None:
        self.handler = handler
        self.tls = tls
        self.peers: set[Any] = set()
        self.requests: list[web.Request] = []
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.peers.add(request.transport.get_extra_info("peername") if request.transport else None)
        self.requests.append(request)
        return await self.handler(request)

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0, ssl_context=self.tls)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"{'https' if self.tls else 'http'}://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


@contextlib.asynccontextmanager
async def serving(handler: Handler, tls: ssl.SSLContext | None = None) -> AsyncIterator[Server]:
    server = Server(handler, tls)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def echo(request: web.Request) -> web.Response:
    body = await request.read()
    return web.json_response({"ok": True, "path": request.path, "length": len(body)})


@pytest.fixture
async def pool() -> AsyncIterator[Connections]:
    connections = Connections(limit=8, user_agent="xcheck-test")
    yield connections
    await connections.close()


async def call(pool: Connections, url: str, body: bytes = b"{}", timeout: float | None = 5.0) -> tuple[int, bytes]:
    return await pool.request("POST", url, body, b"application/json", connect_timeout=timeout, read_timeout=timeout)


async def test_kept_alive_connections_are_reused_one_request_at_a_time(pool: Connections) -> None:
    async with serving(echo) as server:
        for i in range(5):
            status, body = await call(pool, f"{server.url}/botT/sendMessage", b'{"n":%d}' % i)
            assert (status, body) == (200, b'{"ok": true, "path": "/botT/sendMessage", "length": 7}')
        assert len(server.peers) == 1
        results = await asyncio.gather(*(call(pool, f"{server.url}/botT/m{i}") for i in range(6)))
        assert [s for s, _ in results] == [200] * 6
        assert len(server.peers) == 6  # at most one request in flight per connection
        assert [r.headers["Host"] for r in server.requests] == [server.url.split("://")[1]] * 11
        assert {r.headers["User-Agent"] for r in server.requests} == {"xcheck-test"}


async def test_chunked_replies_errors_and_closing_servers(pool: Connections) -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        if request.path == "/chunked":
            response = web.StreamResponse()
            response.enable_chunked_encoding()
            await response.prepare(request)
            for part in (b'{"ok":', b"true,", b'"result":1}'):
                await response.write(part)
            await response.write_eof()
            return response
        if request.path == "/close":
            return web.Response(body=b"bye", headers={"Connection": "close"})
        return web.Response(status=400, body=b'{"ok":false,"description":"Bad Request: chat not found"}')

    async with serving(handler) as server:
        assert await call(pool, server.url + "/chunked") == (200, b'{"ok":true,"result":1}')
        assert await call(pool, server.url + "/bad") == (
            400,
            b'{"ok":false,"description":"Bad Request: chat not found"}',
        )
        assert len(server.peers) == 1  # an error reply keeps the connection
        assert await call(pool, server.url + "/close") == (200, b"bye")
        assert await call(pool, server.url + "/chunked") == (200, b'{"ok":true,"result":1}')
        assert len(server.peers) == 2  # "Connection: close" was honoured: a new connection


async def test_an_idle_connection_the_server_closed_is_not_reused(pool: Connections) -> None:
    async with serving(echo) as server:
        assert (await call(pool, server.url + "/a"))[0] == 200
    # The server is gone and its connections with it; a new server on another port answers.
    async with serving(echo) as again:
        assert (await call(pool, again.url + "/b"))[0] == 200
    async with serving(echo) as server:
        assert (await call(pool, server.url + "/c"))[0] == 200
        (idle,) = pool._idle[("http", "127.0.0.1", int(server.url.rsplit(":", 1)[1]))]
        assert idle.transport is not None
        idle.transport.close()  # as a server closing a kept-alive connection would
        await asyncio.wait_for(idle.lost, 5)
        assert (await call(pool, server.url + "/d"))[0] == 200


async def test_a_silent_server_times_out_and_its_connection_is_dropped(pool: Connections) -> None:
    release = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        await release.wait()
        return web.Response(body=b"late")

    async with serving(slow) as server:
        with pytest.raises(WireTimeout):
            await call(pool, server.url + "/slow", timeout=0.1)
        assert pool._idle == {} or all(not v for v in pool._idle.values())
        release.set()
        assert await call(pool, server.url + "/slow") == (200, b"late")


async def test_nobody_listening_is_a_wire_error_naming_the_address(pool: Connections) -> None:
    async with serving(echo) as server:
        url = server.url
    with pytest.raises(WireError) as caught:
        await call(pool, url + "/x")
    port = url.rsplit(":", 1)[1]
    assert str(caught.value).startswith(f"cannot connect to 127.0.0.1:{port}: ConnectionRefusedError")


def test_multipart_bodies_are_what_a_form_parser_reads() -> None:
    body = multipart(
        {"chat_id": "7", "caption": "自查报告\n第二行"},
        {"document": ('报告 "终稿".docx', b"\x00PK\x03\x04 bytes", "application/octet-stream")},
        "BOUNDARY",
    )
    assert body == (
        b"--BOUNDARY\r\n"
        b'Content-Disposition: form-data; name="chat_id"\r\n\r\n7\r\n'
        b"--BOUNDARY\r\n"
        b'Content-Disposition: form-data; name="caption"\r\n\r\n' + "自查报告\n第二行".encode() + b"\r\n"
        b"--BOUNDARY\r\n"
        b'Content-Disposition: form-data; name="document"; filename="' + "报告 %22终稿%22.docx".encode() + b'"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n\x00PK\x03\x04 bytes\r\n"
        b"--BOUNDARY--\r\n"
    )


async def test_an_upload_through_the_request_class_arrives_whole() -> None:
    received: dict[str, Any] = {}

    async def handler(request: web.Request) -> web.Response:
        form = await request.post()
        received.update({k: (v.filename, v.file.read()) if hasattr(v, "filename") else v for k, v in form.items()})
        return web.json_response({"ok": True, "result": True})

    content = bytes(range(256)) * 1024  # 256 KiB: larger than one write
    data = RequestData(
        [
            RequestParameter.from_input("chat_id", 7),
            RequestParameter.from_input("caption", "自查报告"),
            RequestParameter.from_input("document", InputFile(content, filename="自查报告.docx")),
        ]
    )
    request = ApiRequest(connection_pool_size=2)
    await request.initialize()
    try:
        async with serving(handler) as server:
            status, body = await request.do_request(server.url + "/botT/sendDocument", "POST", data)
    finally:
        await request.shutdown()
    assert (status, body) == (200, b'{"ok": true, "result": true}')
    assert received == {"chat_id": "7", "caption": "自查报告", "document": ("自查报告.docx", content)}
    assert server.requests[0].content_type == "multipart/form-data"


async def test_the_request_class_turns_wire_failures_into_ptb_errors() -> None:
    release = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        await release.wait()
        return web.Response(body=b"{}")

    request = ApiRequest(connection_pool_size=2, read_timeout=0.1, connect_timeout=0.5)
    await request.initialize()
    try:
        async with serving(slow) as server:
            with pytest.raises(TimedOut):
                await request.do_request(server.url + "/bot123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAA/getMe", "POST")
            release.set()
            url = server.url
        with pytest.raises(TransportError) as caught:
            await request.do_request(url + "/bot123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAA/getMe", "POST")
        assert "cannot connect to 127.0.0.1" in str(caught.value)
    finally:
        await request.shutdown()


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


def _tls_pair(authority: trustme.CA) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost").configure_cert(server)
    client = ssl.create_default_context()
    authority.configure_trust(client)
    return server, client


async def test_tls_directly_and_through_an_http_proxys_tunnel(authority: trustme.CA) -> None:
    server_tls, client_tls = _tls_pair(authority)
    proxy = HttpProxy()
    proxy_url = await proxy.start()
    direct = Connections(limit=4, user_agent="t", tls=client_tls)
    tunnelled = Connections(limit=4, user_agent="t", tls=client_tls, proxy=proxy_url.replace("://", "://u:p%40@"))
    untrusting = Connections(limit=4, user_agent="t")  # the system's authorities only
    try:
        async with serving(echo, server_tls) as server:
            port = server.url.rsplit(":", 1)[1]
            assert (await call(direct, server.url + "/botT/getMe"))[0] == 200
            for _ in range(3):
                assert (await call(tunnelled, server.url + "/botT/getMe"))[0] == 200
            assert proxy.seen == [f"CONNECT 127.0.0.1:{port}"]  # one tunnel, kept alive
            assert proxy.authorizations == ["Basic dTpwQA=="]  # u:p@, as the URL's %40 says
            with pytest.raises(WireError) as caught:
                await call(untrusting, server.url + "/botT/getMe")
            assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)
    finally:
        for connections in (direct, tunnelled, untrusting):
            await connections.close()
        await proxy.stop()


async def test_socks5h_leaves_the_name_to_the_proxy() -> None:
    proxy = Socks5Proxy()
    proxy_url = await proxy.start()
    connections = Connections(limit=2, user_agent="t", proxy=proxy_url.replace("socks5://", "socks5h://"))
    try:
        async with serving(echo) as server:
            port = server.url.rsplit(":", 1)[1]
            assert (await call(connections, f"http://localhost:{port}/botT/getMe"))[0] == 200
            assert proxy.seen == [f"CONNECT localhost:{port}"]
    finally:
        await connections.close()
        await proxy.stop()


async def test_a_download_cut_on_a_kept_alive_connection_is_sent_again_but_a_post_never_is(
    pool: Connections,
) -> None:
    cuts = {"/cut-get": 1, "/cut-post": 1}

    async def handler(request: web.Request) -> web.Response:
        if cuts.get(request.path, 0) > 0:
            cuts[request.path] -= 1
            assert request.transport is not None
            request.transport.close()  # as the network dropping the connection
        return web.Response(body=request.method.encode())

    async with serving(handler) as server:
        assert await call(pool, server.url + "/warm") == (200, b"POST")  # leaves a kept-alive connection
        status, body = await pool.request(
            "GET", server.url + "/cut-get", b"", b"application/json", connect_timeout=5, read_timeout=5
        )
        assert (status, body, cuts["/cut-get"]) == (200, b"GET", 0)
        assert [r.path for r in server.requests] == ["/warm", "/cut-get", "/cut-get"]
        with pytest.raises(WireError):
            await call(pool, server.url + "/cut-post")  # on the kept-alive connection again
        assert [r.path for r in server.requests][3:] == ["/cut-post"]


async def test_an_upload_the_server_never_reads_times_out() -> None:
    accepted: list[asyncio.StreamWriter] = []

    async def never_read(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)  # holds the connection open and reads nothing

    server = await asyncio.start_server(never_read, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    connections = Connections(limit=1, user_agent="t")
    try:
        upload = connections.request(
            "POST",
            f"http://127.0.0.1:{port}/botT/sendDocument",
            b"x" * (64 << 20),
            b"application/zip",
            connect_timeout=5,
            read_timeout=0.3,
        )
        with pytest.raises(WireTimeout):  # not wait_for's TimeoutError: the request's own deadline ended it
            await asyncio.wait_for(upload, 30)
        assert connections._open == set()  # the stalled connection was dropped
    finally:
        await connections.close()
        for writer in accepted:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_a_file_path_with_spaces_and_chinese_is_percent_encoded(pool: Connections) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=request.raw_path.encode())

    async with serving(handler) as server:
        url = server.url + "/file/botT/documents/自查 报告%2B.pdf?x=1"
        status, body = await pool.request("GET", url, b"", b"application/json", connect_timeout=5, read_timeout=5)
    assert (status, body) == (200, b"/file/botT/documents/%E8%87%AA%E6%9F%A5%20%E6%8A%A5%E5%91%8A%2B.pdf?x=1")


async def test_tls_inside_an_https_proxys_tunnel(authority: trustme.CA) -> None:
    server_tls, client_tls = _tls_pair(authority)
    proxy = HttpProxy()
    proxy_url = await proxy.start(tls=server_tls)  # TLS to the proxy, and the Bot API's TLS inside it
    connections = Connections(limit=2, user_agent="t", tls=client_tls, proxy=proxy_url)
    try:
        assert proxy_url.startswith("https://")
        async with serving(echo, server_tls) as server:
            port = server.url.rsplit(":", 1)[1]
            assert await call(connections, server.url + "/botT/getMe") == (
                200,
                b'{"ok": true, "path": "/botT/getMe", "length": 2}',
            )
            assert proxy.seen == [f"CONNECT 127.0.0.1:{port}"]
    finally:
        await connections.close()
        await proxy.stop()
