"""Readers in a real headless browser (Debian's chromium, Playwright) on a phone (390×844): an expert grades an
assigned school; a city bureau opens its city's page. Leaves docs/screenshots/expert-grade-phone.png and
city-phone.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.domain.people.invitations import issue
from storage import oversight as oversight_store
from storage import roster as roster_store
from tests.support.helpers import Harness
from tests.support.reportsetup import SCHOOL, province
from tests.support.webroles import CITY, CITY_SCHOOLS, school_report, submit_as
from tests.web.test_web_browser import CHROMIUM, SHOTS, _context, browser  # noqa: F401 - the browser fixture
from tests.web.test_web_security import base

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")


async def _signed_in(pw: Any, tmp_path: Path, name: str, url: str, code: str) -> Any:
    phone = await _context(pw, tmp_path, name, 390, 844)
    page = phone.pages[0] if phone.pages else await phone.new_page()
    await page.goto(f"{url}/start/{code}")
    await page.fill('input[name="name"]', "周老师")
    await page.click("button:text-is('登录')")
    return phone, page


async def test_an_expert_grades_on_a_phone(harness: Harness, browser: Any, tmp_path: Path) -> None:  # noqa: F811
    await province(harness)
    inst = await roster_store.find_institution(harness.deps.db.read, SCHOOL)
    assert inst is not None
    (invited,) = await issue(
        harness.deps.db,
        role="expert",
        institution=None,
        city=None,
        actor="test",
        now=harness.clock.now(),
        days=14,
        scope=[inst.id],
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone, page = await _signed_in(browser, tmp_path, "expert", base(harness), invited.code)
    await page.wait_for_selector("text=您的抽查对象")
    await page.click(f"a:text-is('{SCHOOL}')")
    await page.check("input[value='整改']")
    await page.fill("textarea[name='comment']", "第3部分佐证材料不全，请补充。")
    await page.click("button:text-is('提交评定')")
    await page.wait_for_selector("text=已记录")
    await page.screenshot(path=str(SHOTS / "expert-grade-phone.png"), full_page=True)
    grades = [(g.institution_id, g.grade, g.comment) for g in await oversight_store.all_grades(harness.deps.db.read)]
    assert grades == [(inst.id, "整改", "第3部分佐证材料不全，请补充。")]
    await phone.close()


async def test_a_city_bureau_on_a_phone(harness: Harness, browser: Any, tmp_path: Path) -> None:  # noqa: F811
    first, second = CITY_SCHOOLS
    await harness.certify(
        {"物流管理": ("北京中物联物流采购培训中心", first)}, {first: [("物流管理", 40)], second: [("物流管理", 50)]}
    )
    rid = await school_report(harness, 600, first)
    await school_report(harness, 601, second, fill=False)
    await submit_as(harness, 600, rid)
    (invited,) = await issue(
        harness.deps.db, role="city", institution=None, city=CITY, actor="test", now=harness.clock.now(), days=14
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone, page = await _signed_in(browser, tmp_path, "city", base(harness), invited.code)
    await page.wait_for_selector("text=中职试点院校自查报告")
    await page.screenshot(path=str(SHOTS / "city-phone.png"), full_page=True)
    await page.click("a:text-is('阅读报告') >> nth=0")
    await page.wait_for_selector(f"text={first}")
    assert f"/read/{rid}" in page.url
    await phone.close()
