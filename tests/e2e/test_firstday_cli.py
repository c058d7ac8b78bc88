"""The office's first day on the command line (issue 15): roster cities and template, invitations by partial
name and at scale, Chinese help, export/sample/backup/deadline/campaign, Chinese-keyboard settings."""

from __future__ import annotations

import argparse
import csv
import re
import sqlite3
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from bot.cli import _parser
from bot.cli import main as cli_main
from bot.config import SettingsError, load_settings
from bot.domain.campaign.reminders import parse_due
from bot.domain.people.roster import ANHUI_CITIES, seed_rows, seed_sources
from storage.db import _migrations
from tests.support.files import roster_book

LATEST = _migrations()[-1][0]  # the newest migration's number: init reports the schema it reached

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "roster-cities.csv"
NO_CITY = [
    (84, "安徽科技贸易学校"), (89, "安徽省汽车工业学校"), (94, "安徽电子工程学校"), (95, "安徽机械工业学校"),
    (98, "皖北电子信息工程学校"), (99, "安徽机电工程学校"), (101, "安徽省第一轻工业学校"), (105, "安徽省徽州学校"),
    (121, "安徽理工学校"), (130, "安徽天柱山旅游学校"), (139, "皖北经济技术学校"), (141, "安徽新华学校"),
    (144, "安徽能源技术学校"), (148, "安徽红十字会卫生学校"), (150, "安徽兴鹏科技学校"),
    (170, "安徽省特殊教育中专学校"), (171, "安徽交通技术学校"), (181, "皖南医药卫生学校"), (186, "安徽华夏旅游学校"),
]  # fmt: skip


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    for var in ("XCHECK_BOT_TOKEN", "XCHECK_ADMIN_IDS", "XCHECK_DEADLINE", "XCHECK_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XCHECK_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.chdir(tmp_path)  # no .env from the checkout
    assert cli_main(["init"]) == 0
    capsys.readouterr()
    return tmp_path / "d" / "xcheck.sqlite3"


def _rows(db: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return [tuple(r) for r in conn.execute(sql, args)]
    finally:
        conn.close()


# --- roster cities ----------------------------------------------------------------------------------------
def test_shipped_roster_has_170_cities_each_with_its_source() -> None:
    rows = seed_rows()
    sources = seed_sources()
    with_city = [r for r in rows if r.city]
    assert len(with_city) == 170
    assert [(r.seq, r.name) for r in rows if not r.city] == NO_CITY
    assert all(sources[r.name] for r in with_city) and not any(sources[r.name] for r in rows if not r.city)
    assert Counter(sources[r.name] == "name" for r in with_city) == {True: 119, False: 51}
    assert {r.city for r in with_city} == set(ANHUI_CITIES)
    assert sources["安徽工商职业学院"].startswith("https://")
    # Before: 73 blank, and the 合肥 bureau saw 11 schools.
    assert sum(1 for r in rows if r.city == "合肥" and r.kind == "中职") == 15


@pytest.mark.skipif(not REFERENCE.exists(), reason="the shared reference is not beside this checkout")
def test_shipped_roster_is_the_reference_list() -> None:
    with REFERENCE.open(encoding="utf-8") as f:
        reference = [(int(r["no"]), r["name"], r["city"] or None, r["source"]) for r in csv.DictReader(f)]
    sources = seed_sources()
    assert [(r.seq, r.name, r.city, sources[r.name]) for r in seed_rows()] == reference


def test_roster_check_lists_the_19_without_a_city(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["roster", "check"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "19 所院校尚未填写所在市 (no city yet)，填写前所在市的教育局看不到它们：请在名册工作簿“院校”表的“所在市”列"
        "填写后用 xcheck roster import 导入。",
        *[f"  {seq}\t中职\t{name}" for seq, name in NO_CITY],
    ]
    book = roster_book(data.parent / "c.xlsx", [[seq, "中职", name, "合肥"] for seq, name in NO_CITY], [], [])
    assert cli_main(["roster", "import", str(book)]) == 0
    capsys.readouterr()
    assert cli_main(["roster", "check"]) == 0
    assert capsys.readouterr().out == "全部 189 所院校都已填写所在市 (every institution has a city)。\n"


def test_roster_template_has_three_sheets_examples_and_drop_downs(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = data.parent / "名册.xlsx"
    assert cli_main(["roster", "template", str(path)]) == 0
    assert capsys.readouterr().out == (
        f"空白名册工作簿已写入 {path}（院校 / 证书 / 试点 三张表，各有一行以“示例：”开头的示例，导入时跳过）"
        " (empty roster workbook written)\n"
    )
    wb = load_workbook(path)
    assert wb.sheetnames == ["院校", "证书", "试点"]
    assert [list(r) for r in wb["院校"].iter_rows(values_only=True)] == [
        ["序号", "类型", "名称", "所在市"],
        [190, "中职", "示例：某某职业学校", "合肥"],
    ]
    assert [list(r) for r in wb["证书"].iter_rows(values_only=True)] == [
        ["证书名称", "培训评价组织", "牵头院校"],
        ["示例：Web前端开发", "示例：某培训评价组织", "示例：某某职业学院"],
    ]
    assert [list(r) for r in wb["试点"].iter_rows(values_only=True)] == [
        ["院校名称", "证书名称", "试点规模"],
        ["示例：某某职业学校", "示例：Web前端开发", 100],
    ]
    checks = {
        (sheet, str(dv.sqref)): (dv.type, dv.formula1)
        for sheet in ("院校", "试点")
        for dv in wb[sheet].data_validations.dataValidation
    }
    assert checks == {
        ("院校", "B2:B1000"): ("list", '"本科,高职,中职,培训评价组织"'),
        ("院校", "D2:D1000"): ("list", '"' + ",".join(ANHUI_CITIES) + '"'),
        ("试点", "C2:C1000"): ("whole", "0"),
    }
    # Imported as it is, the example rows are skipped and nothing is wrong.
    assert cli_main(["roster", "import", str(path)]) == 0
    assert capsys.readouterr().out == "imported 0 institutions, 0 certificates, 0 pilots\n"
    assert cli_main(["roster", "template", str(data.parent / "名册")]) == 2


def test_init_says_what_to_do_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XCHECK_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.chdir(tmp_path)
    assert cli_main(["init"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"database ready (schema v{LATEST}); 189 pilot institutions loaded: " + "{'中职': 107, '本科': 16, '高职': 66}",
        "下一步 (next)：19 所院校尚未填写所在市，见 .venv/bin/xcheck roster check；导入名册工作簿"
        "（.venv/bin/xcheck roster template 名册.xlsx 生成空白模板），然后 "
        ".venv/bin/xcheck invite --all coordinators --out 邀请.xlsx",
    ]


# --- invitations by partial name ------------------------------------------------------------------------
def _invite_lines(out: str) -> list[tuple[str, str]]:
    return [(line.split("\t")[0], line.split("\t")[1]) for line in out.strip().splitlines()]


def test_invite_by_part_of_a_name_and_chinese_role_words(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["invite", "coordinator", "工商"]) == 0
    assert _invite_lines(capsys.readouterr().out) == [("coordinator", "安徽工商职业学院")]
    assert cli_main(["invite", "院校", "24"]) == 0
    assert _invite_lines(capsys.readouterr().out) == [("coordinator", "安徽工商职业学院")]
    assert cli_main(["invite", "院校", "安徽工商"]) == 0
    assert _invite_lines(capsys.readouterr().out) == [("coordinator", "安徽工商职业学院")]
    assert cli_main(["invite", "市", "合肥市"]) == 0
    assert _invite_lines(capsys.readouterr().out) == [("city", "合肥")]
    # Ambiguous: the candidates, and nothing issued.
    before = _rows(data, "SELECT COUNT(*) FROM invitations")
    assert cli_main(["invite", "coordinator", "宿州"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "“宿州” 对应多个单位 (ambiguous)，请写得更具体：",
        "  1\t宿州学院",
        "  55\t宿州职业技术学院",
        "  125\t宿州应用技术学校",
        "  133\t宿州环保工程学校",
        "  158\t宿州中原航空中等专业学校",
    ]  # names starting with 宿州; 安徽省宿州工业学校 only contains it
    assert cli_main(["invite", "coordinator", "不存在"]) == 2
    assert capsys.readouterr().err == "错误 (error)：找不到 “不存在” (no match)：请使用附件3序号、全称或名称中的一段\n"
    assert _rows(data, "SELECT COUNT(*) FROM invitations") == before


def test_invite_expert_with_assigned_institutions(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["invite", "expert", "24", "97"]) == 0
    out = capsys.readouterr().out
    assert _invite_lines(out) == [("expert", "安徽工商职业学院、合肥工业学校")]
    assert _rows(data, "SELECT role, scope FROM invitations") == [("expert", "[24, 97]")]


def test_invite_org_matches_roster_organizations_or_lists_them(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["invite", "org", "工信"]) == 2
    assert capsys.readouterr().err == (
        "错误 (error)：名册中还没有培训评价组织，找不到 “工信” (no organizations yet)："
        "请先导入名册工作簿（证书表的培训评价组织列）\n"
    )
    book = roster_book(
        data.parent / "orgs.xlsx",
        [],
        [["Web前端开发", "工业和信息化部教育与考试中心", ""], ["物流管理", "北京中物联物流采购培训中心", ""]],
        [],
    )
    assert cli_main(["roster", "import", str(book)]) == 0
    capsys.readouterr()
    assert cli_main(["invite", "org", "中物联"]) == 0
    assert _invite_lines(capsys.readouterr().out) == [("org", "北京中物联物流采购培训中心")]
    assert cli_main(["invite", "org", "某协会"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "名册中没有名称包含 “某协会” 的培训评价组织 (no such organization)；名册中的培训评价组织：",
        "  -\t北京中物联物流采购培训中心",
        "  -\t工业和信息化部教育与考试中心",
    ]
    assert cli_main(["invite", "org", "24"]) == 2
    assert "不是培训评价组织" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["invite", "coordinator", "24", "--days", "0"], "--days 应为 1–365 之间的整数，收到 “0”"),
        (["invite", "coordinator", "24", "--days", "-3"], "--days 应为 1–365 之间的整数，收到 “-3”"),
        (["invite", "coordinator", "24", "--days", "abc"], "--days 应为 1–365 之间的整数，收到 “abc”"),
        (["invite", "coordinator", "24", "--count", "0"], "--count 应为 1–500 之间的整数，收到 “0”"),
        (["invite", "coordinator", "24", "--count", "501"], "--count 应为 1–500 之间的整数，收到 “501”"),
    ],
)
def test_nonsense_numbers_are_refused(
    data: Path, capsys: pytest.CaptureFixture[str], argv: list[str], error: str
) -> None:
    with pytest.raises(SystemExit) as stop:
        cli_main(argv)
    assert stop.value.code == 2
    assert error in capsys.readouterr().err.splitlines()[-1]
    assert _rows(data, "SELECT COUNT(*) FROM invitations") == [(0,)]


# --- invitations at scale ---------------------------------------------------------------------------------
def _set_username(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('bot_username', 'xcheck_test_bot')")
    conn.commit()
    conn.close()


def test_invite_all_writes_workbook_with_qr_and_a_letter_per_unit(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = roster_book(data.parent / "orgs.xlsx", [], [["Web前端开发", "工业和信息化部教育与考试中心", ""]], [])
    assert cli_main(["roster", "import", str(book)]) == 0
    out = data.parent / "邀请.xlsx"
    capsys.readouterr()
    _set_username(data)  # without it: tests/e2e/test_invite_all_web.py
    assert cli_main(["invite", "--all", "coordinators", "--out", str(out)]) == 0
    letters = data.parent / "邀请_邀请函"
    assert capsys.readouterr().out == f"已生成 206 个邀请 (invitations)：工作簿 {out}，可打印邀请函 {letters}\n"
    wb = load_workbook(out)
    ws = wb["邀请"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == ["单位", "角色", "邀请链接", "二维码", "有效期至", "网页版链接"]
    body = rows[1:]
    assert len(body) == 189 + 16 + 1
    assert [r[0] for r in body[:2]] == ["宿州学院", "蚌埠学院"]
    assert [r[:2] for r in body[189:191]] == [["合肥市教育局", "市教育局"], ["芜湖市教育局", "市教育局"]]
    assert body[-1][:2] == ["工业和信息化部教育与考试中心", "培训评价组织联络人"]
    assert all(str(r[2]).startswith("https://t.me/xcheck_test_bot?start=") for r in body)
    assert len({r[2] for r in body}) == len(body)
    assert all(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", str(r[4])) for r in body)
    with zipfile.ZipFile(out) as z:
        assert sum(1 for n in z.namelist() if n.startswith("xl/media/")) == len(body)
    files = sorted(p.name for p in letters.iterdir())
    assert len(files) == len(body) and files[:2] == ["001_宿州学院.docx", "002_蚌埠学院.docx"]
    doc = Document(str(letters / "024_安徽工商职业学院.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    link = next(r[2] for r in body if r[0] == "安徽工商职业学院")
    assert f"链接：{link}" in text and "安徽工商职业学院：" in text and len(doc.inline_shapes) == 1
    # Again: new links, and the earlier unused ones stay valid unless --renew.
    assert cli_main(["invite", "--all", "coordinators", "--out", str(out)]) == 0
    assert "此前未使用的 206 个邀请仍然有效" in capsys.readouterr().out
    assert _rows(data, "SELECT COUNT(*) FROM invitations WHERE expires_at > created_at") == [(412,)]
    assert cli_main(["invite", "--all", "coordinators", "--out", str(out), "--renew"]) == 0
    assert "此前未使用的 412 个邀请已作废" in capsys.readouterr().out
    latest = "(SELECT MAX(created_at) FROM invitations)"
    assert _rows(data, f"SELECT COUNT(*) FROM invitations WHERE expires_at > {latest}") == [(206,)]


def test_invite_all_refuses_a_wrong_shape(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _set_username(data)
    assert cli_main(["invite", "--all", "coordinators"]) == 2
    assert capsys.readouterr().err == "错误 (error)：--all 需要 --out 工作簿.xlsx (where to write the invitations)\n"
    assert cli_main(["invite", "--all", "coordinators", "--out", "x"]) == 2
    assert capsys.readouterr().err == "错误 (error)：--out “x” 应以 .xlsx 结尾，例如 --out x.xlsx (must end in .xlsx)\n"
    assert cli_main(["invite", "--all", "experts", "--out", "x.xlsx"]) == 2
    assert "--all 只能与 coordinators 一起使用" in capsys.readouterr().err
    assert _rows(data, "SELECT COUNT(*) FROM invitations") == [(0,)]


# --- help --------------------------------------------------------------------------------------------------
def _all_parsers(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    found = [(path, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _all_parsers(sub, (*path, name))
    return found


def test_every_help_is_chinese_and_every_option_described(capsys: pytest.CaptureFixture[str]) -> None:
    parsers = _all_parsers(_parser())
    assert len(parsers) == 16
    for path, parser in parsers:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                action = action._choices_actions[0]  # each subcommand's one-line help
            assert action.help and any("\u4e00" <= ch <= "\u9fff" for ch in action.help), (path, action.dest)
        with pytest.raises(SystemExit):
            cli_main([*path, "--help"])
        text = capsys.readouterr().out
        assert text.startswith("用法 (usage): xcheck"), path
        for english in ("usage:", "positional arguments", "options:", "show this help message"):
            assert english not in text, (path, english)


def test_argparse_errors_are_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli_main(["roster"])
    assert capsys.readouterr().err.splitlines()[-1].startswith("xcheck roster: 错误 (error)：")


# --- export, sample, backup, deadline -----------------------------------------------------------------------
def test_export_refuses_unknown_city_bad_name_and_empty_result(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main(["export", "--city", "北京", "--out", "x.xlsx"]) == 2
    assert capsys.readouterr().err == (
        "错误 (error)：“北京” 不是安徽省的地级市 (unknown city)；可选：" + "、".join(ANHUI_CITIES) + "\n"
    )
    assert cli_main(["export", "--out", "x"]) == 2
    assert capsys.readouterr().err == "错误 (error)：--out “x” 应以 .xlsx 结尾，例如 --out x.xlsx (must end in .xlsx)\n"
    assert not (tmp_path / "x").exists() and not (tmp_path / "x.xlsx").exists()
    assert cli_main(["export", "--out", "合肥.xlsx", "--city", "合肥市", "--no-bundle"]) == 0
    assert capsys.readouterr().out.startswith("workbook 合肥.xlsx (")
    # A fresh database with no roster: the export says there is nothing to export.
    monkeypatch.setenv("XCHECK_DATA_DIR", str(tmp_path / "empty"))
    assert cli_main(["export", "--out", "all.xlsx"]) == 1
    assert (
        capsys.readouterr().err
        == "错误 (error)：没有可导出的内容 (nothing to export)：名册为空，请先运行 xcheck init\n"
    )
    assert not (tmp_path / "all.xlsx").exists()


def test_export_of_a_city_whose_zhongzhi_have_no_city_yet_says_so(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conn = sqlite3.connect(data)
    conn.execute("UPDATE institutions SET city = NULL WHERE city = '黄山'")
    conn.commit()
    conn.close()
    assert cli_main(["export", "--out", "h.xlsx", "--city", "黄山"]) == 1
    assert capsys.readouterr().err == (
        "错误 (error)：没有可导出的内容 (nothing to export)："
        "黄山市没有中职院校（或尚未填写所在市，见 xcheck roster check）\n"
    )


def test_sample_shows_draws_confirms_and_dry_runs(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["sample"]) == 0
    assert capsys.readouterr().out == "尚未抽取样本 (no sample yet)；运行 xcheck sample --draw 抽取并记录\n"
    assert cli_main(["sample", "--dry-run", "--seed", "s1"]) == 0
    dry = capsys.readouterr().out.splitlines()
    assert dry[0] == "试抽（未记录）(dry run, not recorded) seed s1"
    assert _rows(data, "SELECT COUNT(*) FROM samples") == [(0,)]
    assert cli_main(["sample", "--draw", "--seed", "s1"]) == 0
    drawn = capsys.readouterr().out.splitlines()
    assert drawn[0] == "sample #1 seed s1" and drawn[1:] == dry[1:]
    assert cli_main(["sample"]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert shown[0] == "sample #1 seed s1" and sorted(shown[1:]) == sorted(dry[1:])
    asked: list[str] = []
    assert cli_main(["sample", "--draw"], ask=lambda q: asked.append(q) or "no") == 1
    assert asked == ["已有样本 #1（种子 s1）。重新抽取将替换它，确定吗？输入 yes 确认 (type yes to replace): "]
    assert capsys.readouterr().out == "未重新抽取，样本 #1 保持不变 (kept)\n"
    assert _rows(data, "SELECT COUNT(*) FROM samples") == [(1,)]
    assert cli_main(["sample", "--draw", "--seed", "s2"], ask=lambda q: "yes") == 0
    assert capsys.readouterr().out.splitlines()[0] == "sample #2 seed s2"
    assert cli_main(["sample", "--draw", "--seed", "s3", "--yes"], ask=lambda q: pytest.fail("asked")) == 0
    assert _rows(data, "SELECT seed FROM samples ORDER BY id") == [("s1",), ("s2",), ("s3",)]


def test_backup_never_overwrites_without_force(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = data.parent / "copy.sqlite3"
    target.write_bytes(b"precious")
    assert cli_main(["backup", str(target)]) == 1
    assert capsys.readouterr().err == f"错误 (error)：{target} 已存在，未覆盖 (exists)；如需覆盖请加 --force\n"
    assert target.read_bytes() == b"precious"
    assert cli_main(["backup", str(target), "--force"]) == 0
    assert capsys.readouterr().out == f"数据库已复制到 {target} (database copied)\n"
    assert _rows(target, "SELECT COUNT(*) FROM institutions") == [(189,)]


def test_deadline_report_changes_only_the_report_deadline(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["deadline", "report", "12月20日"]) == 0
    assert capsys.readouterr().out == "report\t2020-12-20\nquestionnaire\t2020-12-15\n"
    assert _rows(data, "SELECT kind, due_on FROM deadlines") == [("report", "2020-12-20")]
    assert cli_main(["deadline", "questionnaire", "12-18"]) == 0
    assert capsys.readouterr().out == "report\t2020-12-20\nquestionnaire\t2020-12-18\n"
    assert cli_main(["deadline", "report", "明天"]) == 2
    assert capsys.readouterr().err == "错误 (error)：“明天” 不是日期 (not a date)；例如 2020-12-15、12-15 或 12月15日\n"


def test_campaign_close_now_on_a_date_and_reopen(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["campaign"]) == 0
    assert capsys.readouterr().out == "自查进行中 (open)；报告截止 2020年12月15日\n"
    assert cli_main(["campaign", "close", "--on", "2099年12月31日"]) == 0
    assert (
        capsys.readouterr().out
        == "自查将于 2099年12月31日 24 时结束 (closes at the end of that day)；报告截止 2020年12月15日\n"
    )
    assert _rows(data, "SELECT closes_at, set_by FROM campaign_close") == [("2099-12-31T16:00:00+00:00", "cli")]
    assert cli_main(["campaign", "close"]) == 0
    assert capsys.readouterr().out.startswith("自查已于 ")
    assert cli_main(["campaign", "reopen"]) == 0
    assert capsys.readouterr().out == "自查已重新开放 (reopened)\n自查进行中 (open)；报告截止 2020年12月15日\n"
    assert cli_main(["campaign", "close", "--on", "明天"]) == 2
    assert _rows(data, "SELECT COUNT(*) FROM campaign_close") == [(0,)]


# --- settings from a Chinese keyboard --------------------------------------------------------------------------
def test_settings_accept_chinese_keyboard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XCHECK_ADMIN_IDS", "１２３，456、789； 10")
    monkeypatch.setenv("XCHECK_REMINDER_DAYS", "7，3，1")
    monkeypatch.setenv("XCHECK_DEADLINE", "12月20日")
    s = load_settings(_env_file=None)
    assert (s.admin_ids, s.reminder_days, s.deadline.isoformat()) == ((123, 456, 789, 10), (7, 3, 1), "2020-12-20")
    for text, iso in (("12-15", "2020-12-15"), ("2021年1月5日", "2021-01-05"), ("2020/12/31", "2020-12-31")):
        monkeypatch.setenv("XCHECK_DEADLINE", text)
        assert load_settings(_env_file=None).deadline.isoformat() == iso


@pytest.mark.parametrize(
    ("name", "value", "line"),
    [
        (
            "XCHECK_ADMIN_IDS",
            "12，张三",
            "XCHECK_ADMIN_IDS=“12，张三” 无法识别（invalid: not a list of whole numbers）："
            "应为办公室人员的 Telegram 数字 id，"
            "逗号分隔 (comma-separated numeric ids)，例如 XCHECK_ADMIN_IDS=12345678，87654321。"
            "请在环境变量或 .env 中修改 (fix it in the environment or .env)",
        ),
        (
            "XCHECK_DEADLINE",
            "下周五",
            "XCHECK_DEADLINE=“下周五” 无法识别（invalid: not a date）：应为截止日期 (deadline)，"
            "例如 XCHECK_DEADLINE=12月15日、12-15 或 2020-12-15。"
            "请在环境变量或 .env 中修改 (fix it in the environment or .env)",
        ),
        (
            "XCHECK_PROXY",
            "127.0.0.1:1080",
            "XCHECK_PROXY=“127.0.0.1:1080” 无法识别（invalid: not a proxy URL）："
            "应为代理地址 (proxy URL: http, https or socks5)，"
            "例如 XCHECK_PROXY=socks5://127.0.0.1:1080。请在环境变量或 .env 中修改 (fix it in the environment or .env)",
        ),
    ],
)
def test_bad_setting_is_one_bilingual_line_with_value_and_example(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, line: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        load_settings(_env_file=None)
    assert str(err.value) == line


def test_the_token_is_never_echoed_in_a_setting_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SettingsError) as err:
        load_settings(_env_file=None, bot_token=["123456789:SECRETSECRETSECRETSECRETSECRET"])
    assert "SECRET" not in str(err.value) and str(err.value).startswith("XCHECK_BOT_TOKEN=“<token>”")


def test_deadline_command_reads_the_same_forms_as_the_settings() -> None:
    assert [parse_due(t, year=2020) for t in ("12月15日", "12-15", "２０２０年１２月１５日", "13月1日")] == [
        date(2020, 12, 15),
        date(2020, 12, 15),
        date(2020, 12, 15),
        None,
    ]
