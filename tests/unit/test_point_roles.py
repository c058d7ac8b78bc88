"""Issue 13: the points that flags, rates, cross-checks and the workbook read are tagged in the outline data
(a point's `rate`, `compare` and `alert`), never named by number in Python."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from bot.cli import main as cli_main
from bot.domain.outlines import LaidOut, Outlines, load_outlines
from bot.domain.outlines.loader import check_pair
from bot.domain.outlines.models import Outline
from bot.domain.oversight.flags import alert_flags, cross_checks, school_flags

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = load_outlines(year=2020)

Raw = dict[str, Any]


def _raw(which: str) -> Raw:
    data: Raw = json.loads((ROOT / "bot" / "domain" / "outlines" / f"{which}.json").read_text(encoding="utf-8"))
    return data


def _point(data: Raw, no: int) -> Raw:
    point: Raw = next(p for s in data["sections"] for p in s["points"] if p["no"] == no)
    return point


def _laid(which: str, change: Callable[[Raw], object] = lambda d: None) -> LaidOut:
    data = _raw(which)
    change(data)
    return LaidOut(Outline.model_validate(data))


def _all_yes(laid: LaidOut) -> dict[str, Any]:
    return {i.key: {"yes": True, "note": "x"} for i in laid.items if i.point and i.point.answer.type == "yesno"}


# --- the shipped outlines reproduce what the Python constants used to say ---------------------------------------
def test_the_shipped_tags_name_the_points_the_constants_named() -> None:
    school, org = SHIPPED.institution, SHIPPED.training_org
    rates = {"registration": "p1", "assessment": "p2", "pass": "p3"}
    assert {role: item.key for role, item in school.by_rate.items()} == rates
    assert {role: item.key for role, item in org.by_rate.items()} == rates
    assert {f: i.key for f, i in school.compared.items()} == {
        "registered": "p1",
        "assessed": "p2",
        "passed": "p3",
        "fee_paid": "p20",
    }
    assert {f: i.key for f, i in org.compared.items()} == {
        "registered": "p1",
        "assessed": "p2",
        "passed": "p3",
        "fee_paid": "p17",
    }
    # Every yes/no question answered 是: only the tagged violation questions are flagged, worded as before.
    assert alert_flags(school, _all_yes(school)) == [
        "★24 收取学生考核费用",
        "25 组织考核违反考核纪律",
        "26 学生违反考核纪律",
    ]
    assert alert_flags(org, _all_yes(org)) == ["★21 收取学生考核费用", "22 强制院校购买软硬件或教材", "23 其他不当行为"]


# --- flags, rates and cross-checks follow the data --------------------------------------------------------------
def test_alerts_and_rate_flags_follow_the_tags() -> None:
    def retag(d: Raw) -> None:
        del _point(d, 24)["alert"]
        _point(d, 26)["alert"] = "学生考试作弊"
        del _point(d, 3)["rate"]

    answers = {
        **_all_yes(SHIPPED.institution),
        "p1": {"rows": {"c1": {"registered": 10}}},
        "p2": {"rows": {"c1": {"assessed": 10}}},
        "p3": {"rows": {"c1": {"passed": 1}}},
    }
    cert, scale = {"c1": "证书甲"}, {"c1": 20}
    assert school_flags(SHIPPED.institution, answers, cert, scale) == [
        "★24 收取学生考核费用",
        "25 组织考核违反考核纪律",
        "26 学生违反考核纪律",
        "证书甲 合格率 10.00% 偏低",
    ]
    assert school_flags(_laid("institution", retag), answers, cert, scale) == [
        "25 组织考核违反考核纪律",
        "26 学生考试作弊",
    ]


def test_cross_checks_compare_the_tagged_fields() -> None:
    schools = [{"p1": {"rows": {"c7": {"registered": 100}}}, "p20": {"rows": {"c7": {"fee_paid": 80}}}}]
    org = {7: {"p1": {"rows": {"_": {"registered": 100}}}, "p17": {"rows": {"_": {"fee_paid": 70}}}}}
    before = cross_checks(SHIPPED, schools, org)
    assert [(c.field, c.label, c.schools_total, c.org_value) for c in before] == [
        ("registered", "报名人数", 100, 100),
        ("fee_paid", "已支付人数", 80, 70),
    ]

    def untag(no: int) -> Callable[[Raw], object]:
        return lambda d: _point(d, no).update(compare=[])

    fewer = Outlines(_laid("institution", untag(20)), _laid("training_org", untag(17)))
    assert [c.field for c in cross_checks(fewer, schools, org)] == ["registered"]


# --- refused at load ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("breaks", "message"),
    [
        (lambda d: _point(d, 1).update(compare=["assessed"]), "point 1: compare names 'assessed', which this"),
        (lambda d: _point(d, 4).update(compare=["registered"]), "point 4: compare names 'registered', which this"),
        (lambda d: _point(d, 1).update(compare=["registered", "registered"]), "point 1: compare names a field twice"),
        (lambda d: _point(d, 2).update(rate="registration"), "rate 'registration' is given by points 1 and 2"),
        (lambda d: _point(d, 16).update(rate="pass"), "point 16: rate 'pass' needs a numbers answer with exactly"),
        (lambda d: _point(d, 1).update(rate="issue"), "Input should be 'registration', 'assessment' or 'pass'"),
        (lambda d: _point(d, 4).update(alert="未建立领导小组"), "point 4: alert is only for a yes/no question of"),
        (lambda d: _point(d, 20).update(alert="未支付"), "point 20: alert is only for a yes/no question of"),
    ],
)
def test_a_wrong_role_is_refused_at_load_with_a_clear_message(breaks: Callable[[Raw], object], message: str) -> None:
    data = _raw("institution")
    Outline.model_validate(data)  # the shipped file loads; the change alone breaks it
    breaks(data)
    with pytest.raises(ValidationError, match=re.escape(message)):
        Outline.model_validate(data)


def test_both_outlines_must_compare_the_same_fields() -> None:
    check_pair(SHIPPED.institution, SHIPPED.training_org)
    org = _laid("training_org", lambda d: _point(d, 17).update(compare=[]))
    message = (
        "the outlines compare different fields: institution ['registered', 'assessed', 'passed', 'fee_paid'],"
        " training_org ['registered', 'assessed', 'passed']"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        check_pair(SHIPPED.institution, org)


# --- outline show ---------------------------------------------------------------------------------------------
def test_outline_show_prints_the_roles(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["outline", "show", "training_org", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    points = [p for s in data["sections"] for p in s["points"]]
    tagged = {p["no"]: (p["rate"], p["compare"], p["alert"]) for p in points if p["rate"] or p["compare"] or p["alert"]}
    assert tagged == {
        1: ("registration", ["registered"], None),
        2: ("assessment", ["assessed"], None),
        3: ("pass", ["passed"], None),
        17: (None, ["fee_paid"], None),
        21: (None, [], "收取学生考核费用"),
        22: (None, [], "强制院校购买软硬件或教材"),
        23: (None, [], "其他不当行为"),
    }
    assert cli_main(["outline", "show", "institution"]) == 0
    lines = capsys.readouterr().out.splitlines()
    at = lines.index("   ★1. 院校年度总报考率（总报考率=已报名人数/年度试点总规模数）")
    assert lines[at + 2] == "       〈报考率取自本项；交叉核对：已报名人数〉"
    at = lines.index("   ★24. 是否收取学生考核费用?")
    assert lines[at + 2] == "       〈答“是”时列入 /flags：收取学生考核费用〉"


# --- no point number in the code -----------------------------------------------------------------------------
POINT_KEY = re.compile(r"(?<![A-Za-z0-9_])p\d+(?![A-Za-z0-9_])")
SCANNED = ("bot", "handlers", "storage", "messages")


def point_constants(source: str, name: str) -> list[str]:
    """String literals that name a point key (``"p20"``, ``"p1.c3"``) and comparisons of a `.no` with a number.
    Docstrings are left out: they may cite a point as an example (``p7`` in bot/domain/walk/sectionform.py documents the
    form field names); comments are not in the syntax tree at all. f-strings built from a point's number
    (``f"p{point.no}"``) are fine: their literal part is just ``p``."""
    tree = ast.parse(source)
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docs.add(id(first.value))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            out += [f"{name}:{node.lineno}: {node.value!r}"] if POINT_KEY.search(node.value) else []
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            numbered = any(isinstance(s, ast.Attribute) and s.attr == "no" for s in sides)
            if numbered and any(isinstance(s, ast.Constant) and isinstance(s.value, int) for s in sides):
                out.append(f"{name}:{node.lineno}: {ast.unparse(node)}")
    return out


def test_the_scan_finds_point_constants() -> None:
    source = '''"""Reads ``p7`` and p24."""
SCHOOL_OWNER = {"registered": "p1", "fee_paid": "p20"}
def f(point, no):
    """Only p3."""
    key = f"p{no}"  # p9 in a comment
    return point.no == 17 or answers.get("p24.note") or "mp4"
'''
    assert point_constants(source, "x.py") == [
        "x.py:2: 'p1'",
        "x.py:2: 'p20'",
        "x.py:6: point.no == 17",
        "x.py:6: 'p24.note'",
    ]


def test_no_python_module_names_a_point() -> None:
    found = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            found += point_constants(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert found == []
