"""Progress, spot-check sampling, experts and grades, flags and cross-checks."""

from __future__ import annotations

import math

import pytest

from bot.domain.outlines import load_outlines
from bot.domain.oversight.flags import cross_checks, school_flags
from bot.domain.oversight.oversight import candidates, draw_sample, findings
from bot.domain.oversight.sampling import Candidate, draw
from storage import oversight, reports, roster, versions
from tests.support.helpers import Harness

SCHOOL = "安徽工商职业学院"
OUTLINES = load_outlines(year=2020)


async def _report(harness: Harness, seq: str) -> int:
    inst = await roster.find_institution(harness.deps.db.read, seq)
    assert inst is not None
    async with harness.deps.db.transaction() as conn:
        found = await reports.ensure(conn, institution_id=inst.id, certificate_id=None, outline="institution", at="t")
    return found.id


async def _submit_directly(harness: Harness, report_id: int) -> None:
    async with harness.deps.db.transaction() as conn:
        await versions.set_status(conn, report_id, status="submitted", at="t", expect=("draft",), bump=True)


# --- progress ------------------------------------------------------------------------------------------
async def test_progress_by_kind_city_and_names(harness: Harness) -> None:
    started = await _report(harness, "24")
    await harness.fill(started)
    submitted = await _report(harness, "1")
    await harness.fill(submitted)
    await _submit_directly(harness, submitted)
    office = harness.chat(1)
    table = await office.say("/progress")
    assert "189 所" in table.text and "<pre>" in table.text
    lines = {
        line.split()[0]: line.split()[1:] for line in table.text.split("<pre>")[1].split("</pre>")[0].splitlines()[1:]
    }
    assert lines["本科"] == ["15", "0", "1", "0", "0", "16"]
    assert lines["高职"] == ["65", "1", "0", "0", "0", "66"]
    assert lines["合计"][-1] == "189"
    names = await office.tap(table, "填报中名单")
    assert "24 安徽工商职业学院" in names.text and "（1）" in names.text
    by_city = await office.tap(await office.tap(names, "进度"), "按地市")
    assert "宿州" in by_city.text and "未知" in by_city.text
    assert len(table.text) < 1200


async def test_progress_is_for_the_office_only(harness: Harness) -> None:
    await harness.bind(600, "coordinator", SCHOOL)
    assert "没有权限" in (await harness.chat(600).say("/progress")).text


# --- sampling ------------------------------------------------------------------------------------------
def _population() -> tuple[list[Candidate], list[Candidate]]:
    cities = ["合肥", "芜湖", "蚌埠", "淮南", "安庆", None]
    schools = [
        Candidate(i, kind, cities[i % len(cities)], frozenset({i % 7, i % 5 + 10}))
        for i, kind in enumerate(["本科"] * 16 + ["高职"] * 66 + ["中职"] * 107, start=1)
    ]
    orgs = [Candidate(500 + i, "培训评价组织", None, frozenset({i})) for i in range(12)]
    return schools, orgs


def test_sample_is_at_least_20_percent_per_kind_and_overall() -> None:
    schools, orgs = _population()
    result = draw(schools, orgs, seed="2020-12-16")
    assert len(result.ids("本科")) == math.ceil(16 * 0.2) == 4
    assert len(result.ids("高职")) == math.ceil(66 * 0.2) == 14
    assert len(result.ids("中职")) == math.ceil(107 * 0.2) == 22
    assert len(result.ids()) - len(result.ids("培训评价组织")) >= math.ceil(189 * 0.2)
    assert len(result.ids("培训评价组织")) == math.ceil(12 * 0.2)
    assert len(set(result.ids())) == len(result.ids())


def test_same_seed_same_sample_other_seed_other_sample() -> None:
    schools, orgs = _population()
    assert draw(schools, orgs, seed="abc").ids() == draw(schools, orgs, seed="abc").ids()
    assert draw(schools, orgs, seed="abc").ids() != draw(schools, orgs, seed="abd").ids()


def test_sample_spreads_across_cities_and_certificates() -> None:
    schools, orgs = _population()
    result = draw(schools, orgs, seed="spread")
    for stratum in ("高职", "中职"):
        picked = [c for c in result.picked if c.stratum == stratum]
        # Each kind has five named cities; a spread draw covers all of them before repeating any.
        assert {c.city for c in picked if c.city} == {"合肥", "芜湖", "蚌埠", "淮南", "安庆"}


async def test_sample_in_chat_is_recorded_and_reproducible(harness: Harness) -> None:
    office = harness.chat(1)
    shown = await office.say("/sample seed-1")
    assert "种子：<code>seed-1</code>" in shown.text and "本科：4/16" in shown.text and "中职：22/107" in shown.text
    first = await oversight.latest_sample(harness.deps.db.read)
    assert first is not None and first[2] == "tg:1"
    again = await office.say("/sample seed-1")
    second = await oversight.latest_sample(harness.deps.db.read)
    assert second is not None and second[0] != first[0]
    assert await oversight.sample_members(harness.deps.db.read, first[0]) == await oversight.sample_members(
        harness.deps.db.read, second[0]
    )
    assert again.text.split("名单：")[1] == shown.text.split("名单：")[1]
    assert "seed-1" in (await office.say("/sample show")).text
    schools, _ = await candidates(harness.deps.db)
    _, result = await draw_sample(harness.deps.db, seed="seed-1", actor="cli", at="t")
    assert len(result.ids()) == 40 and len(schools) == 189


# --- experts -------------------------------------------------------------------------------------------
async def test_expert_sees_only_assigned_institutions_and_grades_them(harness: Harness) -> None:
    mine = await _report(harness, "24")
    await harness.fill(mine)
    await _submit_directly(harness, mine)
    other = await _report(harness, "1")
    office = harness.chat(1)
    invite = await office.say("/invite expert 24")
    code = invite.text.split("start=")[1].split("<")[0]
    expert = harness.chat(900)
    assert "绑定成功" in (await expert.say(f"/start {code}")).text
    menu = await expert.say("/menu")
    assert SCHOOL in menu.text and "宿州学院" not in menu.text
    card = await expert.tap(menu, SCHOOL)
    assert "尚未评定" in card.text
    page = await expert.tap(card, "逐部分查看")
    assert "监测点 1" in page.text
    files = await expert.press(card, f"r:{mine}:files:")
    assert "p1.pdf" in files.text
    # Not assigned: another institution's report, its card and its grade buttons are refused.
    for data in (f"r:{other}:sum:", f"r:{other}:page:1", "x:1:card:", "x:1:g:0"):
        n = len(harness.standin.calls_to("answerCallbackQuery"))
        harness.standin.press(900, card, data)
        await harness.standin.wait_for(lambda n=n: len(harness.standin.calls_to("answerCallbackQuery")) > n)
        assert "没有权限" in harness.standin.calls_to("answerCallbackQuery")[-1].params["text"], data
    prompt = await expert.tap(card, "整改")
    assert "必填" in prompt.text
    assert "须填写评定意见" in (await expert.say("无")).text
    done = await expert.say("经费管理制度不健全，需在 30 日内整改。")
    assert "评定为 <b>整改</b>" in done.text
    (row,) = await oversight.grades(harness.deps.db.read)
    assert row[2] == "整改" and "30 日" in row[3]
    listing = await office.say("/grades")
    assert SCHOOL in listing.text and "整改" in listing.text


async def test_office_assigns_more_institutions_to_an_expert(harness: Harness) -> None:
    await harness.bind(901, "expert")
    office = harness.chat(1)
    assert "ID <code>901</code>" in (await office.say("/experts")).text
    shown = await office.say("/assign 901 24 宿州学院")
    assert SCHOOL in shown.text and "宿州学院" in shown.text
    assert await oversight.assigned_to(harness.deps.db.read, 901) == [1, 24]
    assert "找不到该专家" in (await office.say("/assign 600 24")).text


# --- flags and cross-checks -------------------------------------------------------------------------------
def test_attention_flags() -> None:
    answers = {
        "p24": {"yes": True, "note": "收取了 50 元"},
        "p25": {"yes": False, "note": None},
        "p1": {"rows": {"c1": {"registered": 10}}},
        "p2": {"rows": {"c1": {"assessed": 2}}},
        "p3": {"rows": {"c1": {"passed": 2}}},
    }
    flags = school_flags(OUTLINES.institution, answers, {"c1": "证书甲"}, {"c1": 100})
    assert "★24 收取学生考核费用" in flags and not any("25" in f for f in flags)
    assert "总报考率 10.00% 偏低" in flags and "证书甲 考核率 20.00% 偏低" in flags
    over = school_flags(
        OUTLINES.institution, {"p1": {"rows": {"c1": {"registered": 120}}}}, {"c1": "证书甲"}, {"c1": 100}
    )
    assert "总报考率 120.00% 超过100%" in over and "证书甲 报考率 120.00% 超过100%" in over


def test_cross_check_sums_institutions_against_the_organization() -> None:
    schools = [
        {"p1": {"rows": {"c7": {"registered": 100}}}, "p20": {"rows": {"c7": {"fee_assessed": 80, "fee_paid": 80}}}},
        {"p1": {"rows": {"c7": {"registered": 50}, "c8": {"registered": 9}}}},
    ]
    org = {7: {"p1": {"rows": {"_": {"planned": 200, "registered": 140}}}, "p17": {"rows": {"_": {"fee_paid": 80}}}}}
    checks = {c.field: c for c in cross_checks(OUTLINES, schools, org)}
    assert checks["registered"].schools_total == 150 and checks["registered"].org_value == 140
    assert not checks["registered"].matches and checks["registered"].schools_reporting == 2
    assert checks["fee_paid"].matches


async def test_findings_over_the_database(harness: Harness) -> None:
    await harness.certify({"证书甲": ("某组织", SCHOOL)}, {SCHOOL: [("证书甲", 150)]})
    rid = await _report(harness, "24")
    await harness.fill(rid)
    async with harness.deps.db.transaction() as conn:
        await reports.put_answer(conn, report_id=rid, item="p24", value={"yes": True, "note": "x"}, user_id=0, at="t")
    await _submit_directly(harness, rid)
    found = await findings(harness.deps.db, harness.deps.outlines)
    assert "★24 收取学生考核费用" in found.by_report[rid]


@pytest.mark.parametrize("seed", ["a", "b", "c"])
def test_every_draw_respects_the_floor(seed: str) -> None:
    schools, orgs = _population()
    result = draw(schools[:50], orgs[:3], seed=seed)
    assert len([i for i in result.ids() if i < 500]) >= math.ceil(50 * 0.2)


async def test_office_sees_flags_and_mismatches_in_chat(harness: Harness) -> None:
    org = "某组织"
    await harness.certify({"证书甲": (org, SCHOOL)}, {SCHOOL: [("证书甲", 150)]})
    rid = await _report(harness, "24")
    await harness.fill(rid)
    async with harness.deps.db.transaction() as conn:
        await reports.put_answer(conn, report_id=rid, item="p24", value={"yes": True, "note": "x"}, user_id=0, at="t")
        org_report = await reports.ensure(conn, institution_id=190, certificate_id=1, outline="training_org", at="t")
    await _submit_directly(harness, rid)
    await harness.fill(org_report.id)
    await _submit_directly(harness, org_report.id)  # only submitted figures are cross-checked
    shown = await harness.chat(1).say("/flags")
    assert SCHOOL in shown.text and "★24 收取学生考核费用" in shown.text
    assert "证书甲 报名人数：1 所院校合计" in shown.text
    await harness.bind(600, "coordinator", SCHOOL)
    assert "没有权限" in (await harness.chat(600).say("/flags")).text
