"""Training organizations in oversight, end to end through the stand-in: one organization with two
certificates, its lead institution, four piloting institutions, the office and an expert.

- the expert's card lists the organization's reports per certificate, reads each and grades each;
- no grade is offered (or accepted) on a report that has nothing submitted;
- 交叉核对 and /flags compare the last submitted versions on both sides; drafts are shown apart, as 草稿;
- evidence uploaded for one certificate's report is attached to another in one tap, stored once.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bench.standin import Shown
from bot.domain.reports.evidence import blob_path
from bot.domain.reports.lifecycle import return_for_revision, submit
from bot.domain.walk.reporting import load_ctx
from bot.export.run import export
from storage import Database, oversight, reports, roster
from storage import evidence as evidence_store
from storage.db import _migrations
from storage.models import Grade, Person
from tests.support.files import pdf
from tests.support.helpers import Chat, Harness

ORG = "某评价组织"
LEAD = "安徽工商职业学院"  # 24
SCHOOLS = ("合肥学院", "宿州学院", "芜湖职业技术学院", "安徽财贸职业学院")  # 10, 1, 32, 33
CERT_A, CERT_B = "证书甲", "证书乙"
OFFICE, EXPERT, ORG_USER, COORDINATOR = 1, 900, 700, 600


@dataclass
class Scenario:
    org_id: int
    cert_a: int
    cert_b: int
    lead_id: int
    school_ids: dict[str, int]

    def org_person(self) -> Person:
        return Person(ORG_USER, "组织联络人", "org", self.org_id, None, None)


async def _scenario(harness: Harness) -> Scenario:
    await harness.certify(
        {CERT_A: (ORG, LEAD), CERT_B: (ORG, LEAD)},
        {name: [(CERT_A, 100), (CERT_B, 50)] for name in SCHOOLS},
    )
    conn = harness.deps.db.read
    org = await roster.find_institution(conn, ORG)
    lead = await roster.find_institution(conn, LEAD)
    assert org is not None and lead is not None
    certs = {c.name: c.id for c in await roster.certificates_of_org(conn, org.id)}
    schools = {}
    for name in SCHOOLS:
        inst = await roster.find_institution(conn, name)
        assert inst is not None
        schools[name] = inst.id
    return Scenario(org.id, certs[CERT_A], certs[CERT_B], lead.id, schools)


async def _org_report(harness: Harness, s: Scenario, cert_id: int) -> int:
    async with harness.deps.db.transaction() as conn:
        found = await reports.ensure(
            conn, institution_id=s.org_id, certificate_id=cert_id, outline="training_org", at="t"
        )
    return found.id


async def _school_report(harness: Harness, institution_id: int) -> int:
    async with harness.deps.db.transaction() as conn:
        found = await reports.ensure(
            conn, institution_id=institution_id, certificate_id=None, outline="institution", at="t"
        )
    return found.id


async def _put(harness: Harness, report_id: int, item: str, value: dict[str, Any]) -> None:
    async with harness.deps.db.transaction() as conn:
        await reports.put_answer(conn, report_id=report_id, item=item, value=value, user_id=0, at="t")


async def _submit(harness: Harness, report_id: int, who: Person) -> None:
    await submit(
        harness.deps.db,
        harness.deps.outlines,
        who,
        report_id,
        year=2020,
        at=harness.clock.now().isoformat(),
        update_id=None,
    )


def _school_person(s: Scenario, name: str) -> Person:
    return Person(610 + list(SCHOOLS).index(name), name, "coordinator", s.school_ids[name], None, None)


async def _assigned_expert(harness: Harness) -> Chat:
    await harness.bind(EXPERT, "expert")
    shown = await harness.chat(OFFICE).say(f"/assign {EXPERT} {ORG} 芜湖职业技术学院")
    assert ORG in shown.text
    return harness.chat(EXPERT)


async def _alert(harness: Harness, user_id: int, shown: Shown, data: str) -> str:
    """Presses a (possibly forged) button and returns the pop-up it got."""
    n = len(harness.standin.calls_to("answerCallbackQuery"))
    harness.standin.press(user_id, shown, data)
    await harness.standin.wait_for(lambda: len(harness.standin.calls_to("answerCallbackQuery")) > n)
    return str(harness.standin.calls_to("answerCallbackQuery")[-1].params.get("text", ""))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# --- the expert: card, reading, grading ---------------------------------------------------------------------
async def test_expert_card_lists_each_certificate_report_and_grades_each(harness: Harness, tmp_path: Path) -> None:
    s = await _scenario(harness)
    rid_a = await _org_report(harness, s, s.cert_a)
    rid_b = await _org_report(harness, s, s.cert_b)
    await harness.fill(rid_a)
    await harness.fill(rid_b)
    await _submit(harness, rid_a, s.org_person())
    await _submit(harness, rid_b, s.org_person())
    files_a = len(await evidence_store.of_report(harness.deps.db.read, rid_a))
    files_b = len(await evidence_store.of_report(harness.deps.db.read, rid_b))
    assert files_a > 0 and files_b > 0
    # The organization is drawn (the only one: its stratum's 20% rounds up to it), and its lead institution,
    # with whom the experts evaluate it, sees both certificate reports submitted.
    drawn = await harness.chat(OFFICE).say("/sample org-seed")
    assert "• 培训评价组织：1/1" in _lines(drawn.text) and ORG in drawn.text.split("名单：")[1]
    await harness.bind(COORDINATOR, "coordinator", LEAD)
    lead = harness.chat(COORDINATOR)
    led = await lead.tap(await lead.say("/menu"), "牵头证书")
    assert [f"• {CERT_A}（{ORG}）：已提交", f"• {CERT_B}（{ORG}）：已提交"] == _lines(led.text)[1:]
    expert = await _assigned_expert(harness)

    menu = await expert.say("/menu")
    assert f"• {ORG} · {CERT_A}：已提交 · 尚未评定" in _lines(menu.text)
    assert f"• {ORG} · {CERT_B}：已提交 · 尚未评定" in _lines(menu.text)
    card = await expert.tap(menu, ORG)
    assert "未开始" not in card.text
    assert f"• {CERT_A}：已提交（第1版） · 佐证材料 {files_a} 份 · 尚未评定" in _lines(card.text)
    assert f"• {CERT_B}：已提交（第1版） · 佐证材料 {files_b} 份 · 尚未评定" in _lines(card.text)
    assert "以证书为单位" in card.text
    # The organization's own card grades nothing: grades are per certificate.
    assert [label for label, _ in card.buttons] == [f"📄 {CERT_A}", f"📄 {CERT_B}", "☰ 菜单"]

    unit = await expert.tap(card, CERT_B)
    assert _lines(unit.text)[:2] == [f"🏢 {ORG} · {CERT_B}", f"报告状态：已提交（第1版） · 佐证材料 {files_b} 份"]
    labels = [label for label, _ in unit.buttons]
    assert labels == ["📄 逐部分查看", "📎 佐证材料", "优秀", "合格", "整改", "取消试点资格", "⬅️ 返回"]
    # Reading: the answers, the per-level table of ★13 and the evidence files.
    page = await expert.tap(unit, "逐部分查看")
    assert "监测点 1" in page.text and CERT_B in page.text
    section_of_13 = next(i.section.no for i in harness.deps.outlines.training_org.items if i.key == "p13")
    levels = await expert.press(page, f"r:{rid_b}:page:{section_of_13}")
    for level in ("初级", "中级", "高级"):
        assert f"• {level}：" in levels.text, levels.text
    files = await expert.press(levels, f"r:{rid_b}:files:")
    assert f"（{files_b} 份）" in files.text and "p6.pdf" in files.text
    n = len(harness.standin.calls_to("sendDocument"))
    harness.standin.press(EXPERT, files, files.button("p6.pdf"))
    await harness.standin.wait_for(lambda: len(harness.standin.calls_to("sendDocument")) > n)

    prompt = await expert.press(unit, unit.button("优秀"))
    assert "优秀" in prompt.text
    done = await expert.say("教材与题库完备。")
    assert f"{ORG} · {CERT_B} 评定为 <b>优秀</b>" in done.text
    unit_a = await expert.tap(await expert.tap(await expert.say("/menu"), ORG), CERT_A)
    await expert.press(unit_a, unit_a.button("整改"))
    await expert.say("师资培训覆盖不足。")
    graded = {(g.institution_id, g.certificate_id): g.grade for g in await oversight.all_grades(harness.deps.db.read)}
    assert graded == {(s.org_id, s.cert_b): "优秀", (s.org_id, s.cert_a): "整改"}
    card = await expert.tap(await expert.say("/menu"), ORG)
    assert f"• {CERT_A}：已提交（第1版） · 佐证材料 {files_a} 份 · 评定：整改" in _lines(card.text)
    listing = await harness.chat(OFFICE).say("/grades")
    assert f"• {ORG} · {CERT_B}：<b>优秀</b>" in listing.text and f"• {ORG} · {CERT_A}：<b>整改</b>" in listing.text
    result = await export(
        harness.deps.db,
        harness.deps.outlines,
        year=2020,
        evidence_root=harness.settings.evidence_dir,
        out=tmp_path / "out" / "汇总.xlsx",
        with_bundle=False,
    )
    sheet = load_workbook(result.workbook)["专家评定"]
    assert [[c.value for c in row][:4] for row in sheet.iter_rows(min_row=4)] == [
        [f"{ORG} · {CERT_A}", "测试", "整改", "师资培训覆盖不足。"],
        [f"{ORG} · {CERT_B}", "测试", "优秀", "教材与题库完备。"],
    ]


async def test_no_grade_on_a_report_with_nothing_submitted(harness: Harness) -> None:
    s = await _scenario(harness)
    rid_a = await _org_report(harness, s, s.cert_a)
    rid_b = await _org_report(harness, s, s.cert_b)
    await harness.fill(rid_a)
    await harness.fill(rid_b)
    await _submit(harness, rid_a, s.org_person())  # 证书乙 stays a draft
    school = await _school_report(harness, s.school_ids["芜湖职业技术学院"])
    await harness.fill(school)  # a draft too
    expert = await _assigned_expert(harness)
    menu = await expert.say("/menu")
    assert f"• {ORG} · {CERT_B}：填报中 · 未提交，不能评定" in _lines(menu.text)
    card = await expert.tap(menu, ORG)
    draft_files = len(await evidence_store.of_report(harness.deps.db.read, rid_b))
    assert f"• {CERT_B}：填报中 · 佐证材料 {draft_files} 份 · 未提交，不能评定" in _lines(card.text)
    unit_b = await expert.tap(card, CERT_B)
    assert "暂不能评定" in unit_b.text
    assert not any(g in label for label, _ in unit_b.buttons for g in ("优秀", "合格", "整改", "取消试点资格"))
    # A forged grade button for the draft, for the school's draft, or for a certificate of another
    # organization: refused, and no grade stored.
    for data in (f"x:{s.org_id}:g:0c{s.cert_b}", f"x:{s.school_ids['芜湖职业技术学院']}:g:0"):
        assert "暂不能评定" in await _alert(harness, EXPERT, unit_b, data), data
    for data in (f"x:{s.org_id}:g:0c999", f"x:{s.org_id}:g:0", f"x:{s.org_id}:g:9c{s.cert_a}", f"x:{s.org_id}:g:0c"):
        assert "该按钮已失效" in await _alert(harness, EXPERT, unit_b, data), data
    school_card = await expert.tap(await expert.say("/menu"), "芜湖职业技术学院")
    assert "暂不能评定" in school_card.text
    assert [label for label, _ in school_card.buttons] == ["📄 逐部分查看", "📎 佐证材料", "☰ 菜单"]
    # A grade chosen while the report was submitted, commented after it was returned: not stored.
    unit_a = await expert.tap(await expert.tap(await expert.say("/menu"), ORG), CERT_A)
    await expert.press(unit_a, unit_a.button("合格"))
    office = Person(OFFICE, "办公室", "office", None, None, None)
    await return_for_revision(harness.deps.db, office, rid_a, {"*": "请补充"}, at="t", update_id=None)
    refused = await expert.say("材料齐全。")
    assert "暂不能评定" in refused.text
    assert [g.grade for g in await oversight.all_grades(harness.deps.db.read)] == []


# --- cross-checks on submitted figures ---------------------------------------------------------------------
def _org_figures(registered: int, assessed: int, passed: int, paid: int) -> dict[str, dict[str, Any]]:
    return {
        "p1": {"rows": {"_": {"planned": 1000, "registered": registered}}, "confirmed": True},
        "p2": {"rows": {"_": {"assessed": assessed}}, "confirmed": True},
        "p3": {"rows": {"_": {"passed": passed}}, "confirmed": True},
        "p17": {"rows": {"_": {"fee_assessed": assessed, "fee_paid": paid}}, "confirmed": True},
    }


def _school_figures(s: Scenario, a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> dict[str, Any]:
    def rows(index: int, field: str) -> dict[str, dict[str, int]]:
        return {f"c{s.cert_a}": {field: a[index]}, f"c{s.cert_b}": {field: b[index]}}

    paid = {
        f"c{s.cert_a}": {"fee_assessed": a[1], "fee_paid": a[3]},
        f"c{s.cert_b}": {"fee_assessed": b[1], "fee_paid": b[3]},
    }
    return {
        "p1": {"rows": rows(0, "registered"), "confirmed": True},
        "p2": {"rows": rows(1, "assessed"), "confirmed": True},
        "p3": {"rows": rows(2, "passed"), "confirmed": True},
        "p20": {"rows": paid, "confirmed": True},
    }


async def test_cross_checks_use_the_last_submitted_versions_and_keep_drafts_apart(
    harness: Harness, tmp_path: Path
) -> None:
    s = await _scenario(harness)
    office = Person(OFFICE, "办公室", "office", None, None, None)
    # Three institutions submitted; the fourth is still a draft with numbers that would break every sum.
    submitted = ("合肥学院", "宿州学院", "芜湖职业技术学院")
    for name in SCHOOLS:
        rid = await _school_report(harness, s.school_ids[name])
        await harness.fill(rid)
        figures = _school_figures(s, (100, 90, 80, 90), (40, 30, 20, 30))
        if name not in submitted:
            figures = _school_figures(s, (999, 999, 999, 999), (999, 999, 999, 999))
        for item, value in figures.items():
            await _put(harness, rid, item, value)
        if name in submitted:
            await _submit(harness, rid, _school_person(s, name))
    # 芜湖 was returned and is changing its 证书甲 registrations in a draft: its submitted 100 still counts.
    wuhu = await _school_report(harness, s.school_ids["芜湖职业技术学院"])
    await return_for_revision(harness.deps.db, office, wuhu, {"*": "请核对"}, at="t", update_id=None)
    await _put(harness, wuhu, "p1", _school_figures(s, (5, 0, 0, 0), (40, 0, 0, 0))["p1"])
    # The organization submitted 证书甲 (registered 300 = 3 × 100; paid 250 ≠ 270), then was returned and
    # typed new figures into the draft; 证书乙 was never submitted and its draft disagrees with everything.
    rid_a = await _org_report(harness, s, s.cert_a)
    rid_b = await _org_report(harness, s, s.cert_b)
    for rid, figures in ((rid_a, _org_figures(300, 270, 240, 250)), (rid_b, _org_figures(7, 7, 7, 7))):
        await harness.fill(rid)
        for item, value in figures.items():
            await _put(harness, rid, item, value)
    await _submit(harness, rid_a, s.org_person())
    await return_for_revision(harness.deps.db, office, rid_a, {"p1": "请核对"}, at="t", update_id=None)
    await _put(harness, rid_a, "p1", _org_figures(1, 0, 0, 0)["p1"])

    flags = await harness.chat(OFFICE).say("/flags")
    lines = _lines(flags.text)
    assert "<b>院校与培训评价组织数据不一致</b>（均按最后一次提交的版本核对，草稿不计入）" in lines
    mismatches = [line for line in lines if "所院校合计" in line]
    assert mismatches == [f"• {CERT_A} 已支付人数：3 所院校合计 270，培训评价组织填报 250"]
    assert "<b>草稿（未提交，未核对）</b>" in lines
    assert f"• {CERT_A}：安徽财贸职业学院（院校草稿）" in lines
    assert f"• {CERT_B}：安徽财贸职业学院（院校草稿）" in lines
    assert f"• {CERT_B}：{ORG}（培训评价组织草稿）" in lines
    assert "不一致" not in "".join(line for line in lines if CERT_B in line)

    result = await export(
        harness.deps.db,
        harness.deps.outlines,
        year=2020,
        evidence_root=harness.settings.evidence_dir,
        out=tmp_path / "out" / "汇总.xlsx",
        with_bundle=False,
    )
    sheet = load_workbook(result.workbook)["交叉核对"]
    # Two title rows (campaign; 制表单位 and date) stand above the header.
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert rows[0] == ["证书", "比较项", "院校填报合计", "填报院校数", "培训评价组织填报", "差额", "是否一致"]
    assert rows[1:5] == [
        [CERT_A, "报名人数", 300, 3, 300, 0, "一致"],
        [CERT_A, "考核人数", 270, 3, 270, 0, "一致"],
        [CERT_A, "合格人数", 240, 3, 240, 0, "一致"],
        [CERT_A, "已支付人数", 270, 3, 250, 20, "不一致"],
    ]
    assert rows[5] == [None] * 7
    assert rows[6] == ["说明：均按各报告最后一次提交的版本核对；以下草稿未提交，未参与核对。"] + [None] * 6
    assert rows[7:] == [
        [CERT_A, "草稿", "安徽财贸职业学院", None, None, None, "草稿（未核对）"],
        [CERT_B, "草稿", "安徽财贸职业学院", None, None, None, "草稿（未核对）"],
        [CERT_B, "草稿", ORG, None, None, None, "草稿（未核对）"],
    ]


# --- evidence reused across certificate reports -----------------------------------------------------------
async def _org_chat(harness: Harness) -> Chat:
    await harness.bind(ORG_USER, "org", ORG)
    return harness.chat(ORG_USER)


async def test_org_picking_a_certificate_is_told_core_evidence_and_reuses_files_in_one_tap(
    harness: Harness, tmp_path: Path
) -> None:
    s = await _scenario(harness)
    chat = await _org_chat(harness)
    pick = await chat.say("/menu")
    rid_a = await _org_report(harness, s, s.cert_a)
    rid_b = await _org_report(harness, s, s.cert_b)
    menu_a = await chat.tap(pick, CERT_A)
    laid = harness.deps.outlines.training_org
    needing = [i for i in laid.items if i.point is not None and i.point.core and i.point.evidence]
    expected = "需附佐证材料的核心监测点：" + "、".join(f"★{i.point.no}" for i in needing if i.point)
    assert expected in _lines(menu_a.text)
    assert "尚缺佐证材料：全部" in _lines(menu_a.text)
    assert "选用已上传" not in str(menu_a.buttons)  # nothing uploaded anywhere yet
    # 证书甲: a file for ★6 and one for ★8, uploaded in the walk.
    point6 = await chat.press(menu_a, f"w:{rid_a}:p6:go:")
    assert "监测点 6" in point6.text
    saved = await chat.upload(pdf("教材目录"), "教材目录.pdf", "application/pdf")
    assert "教材目录.pdf" in saved.text
    await chat.press(saved, f"w:{rid_a}:p8:go:")
    await chat.upload(pdf("题库"), "题库.pdf", "application/pdf")
    # 证书乙: told what it still needs and that two of them can be taken from 证书甲.
    pick = await chat.tap(await chat.say("/menu"), "切换证书")
    menu_b = await chat.tap(pick, CERT_B)
    assert "♻️ ★6、★8 可直接选用其他证书报告已上传的文件" in _lines(menu_b.text)
    reuse = await chat.tap(menu_b, "选用已上传")
    assert [label for label, _ in reuse.buttons][:2] == ["➕ ★6 教材目录.pdf", "➕ ★8 题库.pdf"]
    taken = await chat.tap(reuse, "★6 教材目录.pdf")  # one tap
    assert "已附加到监测点 6：教材目录.pdf" in taken.text
    assert "★6" not in str([label for label, _ in taken.buttons])
    # From the point itself: its evidence list offers the files of other certificates, one tap each.
    point8 = await chat.press(taken, f"w:{rid_b}:p8:go:")
    listing = await chat.tap(point8, "佐证材料")
    # The same point's file first, then any other file of another certificate (here ★6's, already
    # attached to ★6 of this report but not to ★8).
    offered = [label for label, _ in listing.buttons if label.startswith("➕")]
    assert offered == ["➕ 题库.pdf（证书甲 ★8）", "➕ 教材目录.pdf（证书甲 ★6）"]
    after = await chat.tap(listing, "题库.pdf（证书甲")
    assert "题库.pdf" in after.text and "（1 份）" in after.text

    db = harness.deps.db.read
    in_a = {e.item: e for e in await evidence_store.of_report(db, rid_a)}
    in_b = {e.item: e for e in await evidence_store.of_report(db, rid_b)}
    assert set(in_b) == {"p6", "p8"}
    for item in ("p6", "p8"):
        assert in_b[item].sha256 == in_a[item].sha256 and in_b[item].name == in_a[item].name
        assert in_b[item].id != in_a[item].id
    blobs = [p for p in harness.settings.evidence_dir.rglob("*") if p.is_file() and p.parent.name != "tmp"]
    assert len(blobs) == 2 and blob_path(harness.settings.evidence_dir, in_a["p6"].sha256) in blobs
    # Both reports' bundles list the file in their manifests.
    for rid, cert in ((rid_a, CERT_A), (rid_b, CERT_B)):
        result = await export(
            harness.deps.db,
            harness.deps.outlines,
            year=2020,
            evidence_root=harness.settings.evidence_dir,
            out=tmp_path / str(rid) / "汇总.xlsx",
            report_id=rid,
        )
        assert result.bundle is not None
        with zipfile.ZipFile(result.bundle) as zf:
            manifest = list(csv.DictReader(io.StringIO(zf.read("manifest.csv").decode("utf-8-sig"))))
        assert {(m["sha256"], m["path"].split("/")[0]) for m in manifest} == {
            (in_a["p6"].sha256, f"{ORG}_{cert}"),
            (in_a["p8"].sha256, f"{ORG}_{cert}"),
        }
    # Twice the same tap, a file of another institution, a locked report: refused, nothing added.
    assert "已附加" in await _alert(harness, ORG_USER, reuse, reuse.button("★6 教材目录.pdf"))
    other_school = await _school_report(harness, s.school_ids["合肥学院"])
    await harness.fill(other_school)
    foreign = (await evidence_store.of_report(db, other_school))[0]
    assert "该按钮已失效" in await _alert(harness, ORG_USER, reuse, f"e:{rid_b}:p13:take:{foreign.id}")
    assert "该按钮已失效" in await _alert(harness, ORG_USER, reuse, f"e:{rid_b}:p13:take:{in_b['p6'].id}")
    # An institution's coordinator cannot take the organization's files either.
    await harness.bind(COORDINATOR, "coordinator", "合肥学院")
    assert "没有权限" in await _alert(harness, COORDINATOR, reuse, f"e:{rid_b}:p13:take:{in_a['p6'].id}")
    assert {e.item for e in await evidence_store.of_report(db, rid_b)} == {"p6", "p8"}


async def test_institution_coordinator_has_one_report_so_nothing_to_reuse(harness: Harness) -> None:
    """A coordinator speaks for one institution, and an institution has one report with a row per piloted
    certificate: there is no second report of theirs to reuse evidence from."""
    s = await _scenario(harness)
    await harness.bind(COORDINATOR, "coordinator", "合肥学院")
    chat = harness.chat(COORDINATOR)
    menu = await chat.say("/menu")
    assert "请选择要填写的证书" not in menu.text and "切换证书" not in str(menu.buttons)
    mine = await reports.of_institution(harness.deps.db.read, s.school_ids["合肥学院"])
    assert [(r.certificate_id, r.outline) for r in mine] == [(None, "institution")]
    ctx = await load_ctx(harness.deps.db.read, mine[0], harness.deps.outlines)
    assert [row.label for row in ctx.state.certificates] == [CERT_A, CERT_B]  # rows of the one report
    listing = await chat.press(menu, f"e:{mine[0].id}:p1:list:")
    assert "➕" not in str(listing.buttons)


async def test_existing_grades_become_whole_institution_grades(tmp_path: Path) -> None:
    """Migration 0014 keeps every grade recorded before it, as a grade of the institution as a whole."""
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        for version, sql in _migrations():
            if version < 14:
                conn.executescript(sql)
        conn.execute("INSERT INTO institutions (id, seq, kind, name) VALUES (24, 24, '高职', ?)", (LEAD,))
        conn.execute(
            "INSERT INTO grades (user_id, institution_id, grade, comment, graded_at) "
            "VALUES (900, 24, '合格', '好', 't')"
        )
        conn.execute("PRAGMA user_version = 13")
    db = Database(path)
    await db.connect()
    try:
        assert await oversight.all_grades(db.read) == [Grade(900, 24, 0, "合格", "好", "t")]
        with pytest.raises(sqlite3.IntegrityError):
            async with db.transaction() as conn:
                await conn.execute(
                    "INSERT INTO grades (user_id, institution_id, certificate_id, grade, graded_at) "
                    "VALUES (900, 24, -1, '合格', 't')"
                )
    finally:
        await db.close()
