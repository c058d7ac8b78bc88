"""A browser-less client of the web channel: its own cookie jar, and the CSRF token of the last page."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import aiohttp
from yarl import URL

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_ONCE = re.compile(r'name="once" value="([^"]+)"')


OPEN: set[WebClient] = set()


async def close_all() -> None:
    """Closes clients a failed test left open, so their sockets never spill into the next test."""
    for client in list(OPEN):
        await client.close()


class WebClient:
    """One browser: cookies persist across requests; `page` is the last HTML seen."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        OPEN.add(self)
        self.page = ""
        self.status = 0

    async def close(self) -> None:
        OPEN.discard(self)
        await self.session.close()

    @property
    def csrf(self) -> str:
        found = _CSRF.findall(self.page)
        assert found, self.page[:500]
        return unescape(found[-1])

    @property
    def once(self) -> str:
        """The one-time token of the last page's last form that carries one (a form acting exactly once)."""
        found = _ONCE.findall(self.page)
        assert found, self.page[:500]
        return unescape(found[-1])

    def cookie(self, name: str) -> str | None:
        found = self.session.cookie_jar.filter_cookies(URL(self.base)).get(name)
        return found.value if found is not None else None

    def plant(self, name: str, value: str) -> None:
        """Sets a cookie as if the site had set it (an attacker planting a session id)."""
        self.session.cookie_jar.update_cookies({name: value}, response_url=URL(self.base))

    async def get(self, path: str, **kw: Any) -> str:
        async with self.session.get(self.base + path, **kw) as resp:
            self.status = resp.status
            body = await resp.read()
            self.page = body.decode("utf-8", "replace") if "text/html" in resp.content_type else ""
            self.last_headers = resp.headers
            self.last_body = body
            return self.page

    async def post(self, path: str, data: Any = None, **kw: Any) -> str:
        async with self.session.post(self.base + path, data=data, **kw) as resp:
            self.status = resp.status
            body = await resp.read()
            self.page = body.decode("utf-8", "replace") if "text/html" in resp.content_type else ""
            self.last_headers = resp.headers
            self.last_body = body
            return self.page

    async def sign_in(self, code: str, name: str = "张老师") -> str:
        await self.get(f"/start/{code}")
        return await self.post(f"/start/{code}", {"csrf": self.csrf, "name": name})

    async def form(self, path: str, fields: dict[str, str]) -> str:
        """Opens the page at `path` for its token, then posts `fields` to it."""
        await self.get(path)
        return await self.post(path, {"csrf": self.csrf, **fields})
