"""The web channel end to end in a real headless browser (Debian's chromium, driven by Playwright).

A coordinator signs in with an invitation, walks 附件1 section by section (rates computed as they type),
uploads evidence, submits and gets a receipt; the office returns a point on its console; the coordinator
binds Telegram and fixes it there (the stand-in harness, same database); the office accepts on the web.
The test leaves screenshots under docs/screenshots/ (390×844 walk, 1366×768 console).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bench.web_bench import form_for
from storage import audit, reports, versions
from tests.support import files
from tests.support.helpers import Harness
from tests.web.test_web_security import base

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCHOOL = "安徽工商职业学院"
CERTS = {
    "Web前端开发": ("腾讯云计算（北京）有限责任公司", SCHOOL),
    "物流管理": ("北京中物联物流采购培训中心", "合肥学院"),
}

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        yield pw


async def _context(pw: Any, tmp_path: Path, name: str, width: int, height: int) -> Any:
    return await pw.chromium.launch_persistent_context(
        str(tmp_path / f"profile-{name}"),  # a fresh user-data-dir per person
        executable_path=CHROMIUM,
        headless=True,
        args=ARGS,
        viewport={"width": width, "height": height},
        locale="zh-CN",
    )


async def test_coordinator_walks_submits_office_returns_telegram_fixes_office_accepts(
    harness: Harness, browser: Any, tmp_path: Path
) -> None:
    await harness.certify(CERTS, {SCHOOL: [("Web前端开发", 150), ("物流管理", 80)]})
    laid = harness.deps.outlines.institution
    url = base(harness)
    SHOTS.mkdir(parents=True, exist_ok=True)

    phone = await _context(browser, tmp_path, "coordinator", 390, 844)
    page = phone.pages[0] if phone.pages else await phone.new_page()
    # Sign in with the invitation link.
    await page.goto(f"{url}/start/{await harness.invite('coordinator', SCHOOL)}")
    await page.fill('input[name="name"]', "陈老师")
    await page.click("button:text-is('登录')")
    await page.wait_for_selector("text=各部分")
    found = re.search(r"/r/(\d+)", page.url)
    assert found, page.url
    rid = int(found.group(1))

    # Section 1: per-certificate tables; the rates appear as the numbers are typed, before saving.
    await page.click('a:has-text("1. ")')
    await page.wait_for_selector('input[name^="p1."]')
    row_keys = sorted(set(re.findall(r'name="p1\.(c\d+)\.registered"', await page.content())))
    assert len(row_keys) == 2
    first, second = row_keys
    await page.fill(f'input[name="p1.{first}.registered"]', "120")
    await page.fill(f'input[name="p1.{second}.registered"]', "40")
    cells = page.locator("#p1 td[data-pairs]")
    shown_rates = [await cells.nth(i).inner_text() for i in range(await cells.count())]
    # 120/150 and 40/80 per certificate, 160/230 over both, as the notice's formula says.
    assert shown_rates == ["80.00%", "50.00%", "69.57%"], shown_rates
    await page.locator("#p1").scroll_into_view_if_needed()
    await page.screenshot(path=str(SHOTS / "walk-section-phone.png"))
    await page.fill(f'input[name="p2.{first}.assessed"]', "130")  # more than registered: refused
    await page.fill(f'input[name="p2.{second}.assessed"]', "40")
    await page.click("text=保存本部分")
    await page.wait_for_selector("text=已完成考核人数不能超过已报名人数（120）")
    await page.locator("#p2").scroll_into_view_if_needed()
    await page.screenshot(path=str(SHOTS / "walk-refused-phone.png"))
    await page.fill(f'input[name="p2.{first}.assessed"]', "110")
    await page.fill(f'input[name="p3.{first}.passed"]', "100")
    await page.fill(f'input[name="p3.{second}.passed"]', "38")
    await page.fill('textarea[name="s1.practice"]', "按证书分批组织报名与考核，考核安排提前公示。")
    await page.fill('textarea[name="s1.problems"]', "部分学生报名后未参加考核，下一步加强动员。")
    await page.click("text=保存并进入下一部分")
    await page.wait_for_selector("text=第2部分 / 共10部分")
    stored = await reports.answers(harness.deps.db.read, rid)
    assert stored["p1"] == {"rows": {first: {"registered": 120}, second: {"registered": 40}}, "confirmed": True}
    assert stored["p2"]["rows"] == {first: {"assessed": 110}, second: {"assessed": 40}}

    # Sections 2 to 10: every item as a form, filled as a person would (radios, numbers, text).
    for no in range(2, len(laid.sections) + 1):
        await page.goto(f"{url}/r/{rid}/s/{no}")
        for name, value in form_for(laid, row_keys, no).items():
            if name.endswith(".ok"):
                continue  # the confirmation box appears only with a warning, below
            field = page.locator(f'[name="{name}"]').first
            kind = await field.get_attribute("type")
            if kind == "radio":
                await page.check(f'input[name="{name}"][value="{value}"]')
            elif kind == "checkbox":
                await field.check()
            else:
                await field.fill(value)
        await page.click("text=保存本部分")
        await page.wait_for_selector("main p.ok, main div.warn, main p.err")
        assert not await page.locator("div.card[id] p.err").count(), await page.inner_text("main")
        confirm = page.locator('input[name$=".ok"]')
        if await confirm.count():  # a warning (e.g. more than the pilot scale): confirm it as a person would
            for i in range(await confirm.count()):
                await confirm.nth(i).check()
            await page.click("text=保存本部分")
            await page.wait_for_selector("text=已保存。")

    # Evidence on every ★ point that needs it, through the file picker.
    upload = tmp_path / "领导小组文件.pdf"
    upload.write_bytes(files.pdf("browser"))
    for item in laid.items:
        if item.point is None or not (item.point.core and item.point.evidence):
            continue
        await page.goto(f"{url}/r/{rid}/s/{item.section.no}")
        form = f'form[action$="/e/{item.key}"]'
        await page.set_input_files(f"{form} input[type=file]", str(upload))
        await page.click(f"{form} button")
        await page.wait_for_selector("text=已保存“领导小组文件.pdf”")
    await page.goto(f"{url}/r/{rid}/s/2")
    await page.screenshot(path=str(SHOTS / "walk-yesno-evidence-phone.png"))

    # Review, submit, receipt, the Word report.
    await page.goto(f"{url}/r/{rid}/review")
    await page.wait_for_selector("text=全部必填项目已完成")
    await page.click("text=确认提交")
    await page.wait_for_selector("#receipt")
    assert await page.inner_text("#receipt") == "XC2020-024-V1"
    # The office hears of it in Telegram, as after a submission there.
    await harness.standin.wait_for(lambda: any("XC2020-024-V1" in m.text for m in harness.standin.events[1]))
    await page.screenshot(path=str(SHOTS / "receipt-phone.png"))
    async with page.expect_download() as download:
        await page.click("text=下载 Word 自评报告")
    saved = await (await download.value).path()
    with open(saved, "rb") as fh:  # noqa: ASYNC230 - a small local file
        assert fh.read(2) == b"PK"

    # The office returns point 7 from its console.
    desk = await _context(browser, tmp_path, "office", 1366, 768)
    office = desk.pages[0] if desk.pages else await desk.new_page()
    await office.goto(f"{url}/start/{await harness.invite('office')}")
    await office.fill('input[name="name"]', "省办公室")
    await office.click("button:text-is('登录')")
    await office.wait_for_selector("text=办公室控制台")
    await office.screenshot(path=str(SHOTS / "office-console.png"))
    await office.click(f'a[href="/office/r/{rid}"]')
    await office.fill('textarea[name="comment.p7"]', "周报填报率与平台记录不符，请核对")
    await office.click("text=退回所选项目")
    await office.wait_for_selector("text=已退回 1 项")
    await office.screenshot(path=str(SHOTS / "office-report-card.png"))
    returned = await reports.get(harness.deps.db.read, rid)
    assert returned is not None and returned.status == "returned"

    # The coordinator sees the comment, binds Telegram, and fixes the point there.
    await page.goto(f"{url}/r/{rid}")
    await page.wait_for_selector("text=周报填报率与平台记录不符")
    await page.goto(f"{url}/telegram")
    await page.click("text=生成绑定链接")
    link = re.search(r"start[= ]([A-Za-z0-9_-]+)", await page.inner_text("#tg-link"))
    assert link
    chat = harness.chat(700)
    shown = await chat.say(f"/start {link.group(1)}")
    assert "已将本 Telegram 账号绑定" in shown.text
    shown = await chat.say("/menu")
    shown = await chat.tap(shown, "选择部分")
    shown = await chat.tap(shown, "2. 健全")
    shown = await chat.tap(shown, "监测点 7")
    assert "周报填报率与平台记录不符" in shown.text
    await chat.say("95")
    shown = await chat.say("/menu")
    shown = await chat.tap(shown, "预览并提交")
    shown = await chat.tap(shown, "提交报告")
    receipt = await chat.tap(shown, "确认提交")
    assert "XC2020-024-V2" in receipt.text
    # The Word self-report follows the receipt.
    await harness.standin.wait_for(
        lambda: chat.last.document is not None and "请核对、打印并加盖公章" in chat.last.text
    )
    # The web shows the Telegram answer at once.
    await page.goto(f"{url}/r/{rid}/s/2")
    assert await page.input_value('input[name="p7"]') == "95"

    # The office compares the versions and accepts on the web.
    await office.goto(f"{url}/office/r/{rid}")
    await office.click("text=版本比较")
    await office.wait_for_selector("text=监测点 7")
    assert "95%" in await office.content()
    await office.goto(f"{url}/office/r/{rid}")
    await office.click("button:has-text('通过')")
    await office.wait_for_selector("text=已通过，报告已最终锁定。")
    # The coordinator, now in Telegram too, is told there.
    await harness.standin.wait_for(lambda: "已通过省办公室审核" in chat.last.text)
    report = await reports.get(harness.deps.db.read, rid)
    assert report is not None and (report.status, report.version) == ("accepted", 2)
    assert [v.version for v in await versions.versions(harness.deps.db.read, rid)] == [1, 2]
    trail = [(e.action, e.channel) for e in await audit.entries(harness.deps.db.read) if e.action.startswith("report.")]
    assert trail == [
        ("report.submit", "web"),
        ("report.return", "web"),
        ("report.submit", "telegram"),
        ("report.accept", "web"),
    ]
    await phone.close()
    await desk.close()
