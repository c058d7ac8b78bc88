"""The conversation page (/chat) in a real headless browser on a phone's screen (390×844): a coordinator
signs in, follows the header's 对话模式 link, opens the menu, continues to the first point, types a refused
answer and then a good one; the page keeps the buttons under the message and the text box below. Leaves
docs/screenshots/web-chat-phone.png."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from messages import web_chat as words
from messages import zh
from tests.support.helpers import Harness
from tests.web.test_web_browser import CHROMIUM, SHOTS, _context
from tests.web.test_web_security import base

SCHOOL = "安徽工商职业学院"
CERTS = {"Web前端开发": ("腾讯云计算（北京）有限责任公司", SCHOOL)}

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        yield pw


async def test_a_coordinator_answers_in_the_conversation_page_on_a_phone(
    harness: Harness, browser: Any, tmp_path: Path
) -> None:
    await harness.certify(CERTS, {SCHOOL: [("Web前端开发", 150)]})
    url = base(harness)
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone = await _context(browser, tmp_path, "chat", 390, 844)
    page = phone.pages[0] if phone.pages else await phone.new_page()
    await page.goto(f"{url}/start/{await harness.invite('coordinator', SCHOOL)}")
    await page.fill('input[name="name"]', "陈老师")
    await page.click("button:text-is('登录')")
    await page.wait_for_selector("text=各部分")

    await page.click("#chat-link")
    await page.wait_for_selector(f"h1:text-is('{words.TITLE}')")
    await page.fill("textarea[name=text]", "/menu")
    await page.click(f"button:text-is('{words.SEND}')")
    await page.click(f"button:text-is('{zh.BTN_CONTINUE}')")
    await page.wait_for_selector("text=监测点 1")
    await page.fill("textarea[name=text]", "abc")
    await page.click(f"button:text-is('{words.SEND}')")
    await page.wait_for_selector("text=不是数字")
    await page.fill("textarea[name=text]", "120")
    await page.click(f"button:text-is('{words.SEND}')")
    await page.wait_for_selector("text=报考率 80.00%")
    # Nothing wider than the phone: no sideways scrolling.
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await page.screenshot(path=str(SHOTS / "web-chat-phone.png"))
    await phone.close()
