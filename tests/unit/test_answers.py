"""Property-based tests of the answer parsers, and the rules over numbers."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.domain.answers.parsers import (
    _NO,
    _YES,
    Invalid,
    normalise,
    parse_choice,
    parse_text,
    parse_whole_numbers,
    parse_yes_no,
    visible,
)
from bot.domain.outlines import load_outlines
from bot.domain.walk.rules import Row, check_row, rates
from bot.domain.walk.state import State

SEPARATORS = st.sampled_from([" ", "  ", ",", "，", "、", " , ", "\u3000", ";"])
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@given(st.lists(st.integers(0, 1_000_000), min_size=1, max_size=4), SEPARATORS, st.booleans())
def test_whole_numbers_round_trip_with_any_separator_and_full_width_digits(
    values: list[int], sep: str, fullwidth: bool
) -> None:
    text = sep.join(str(v) for v in values)
    if fullwidth:
        text = text.translate(FULLWIDTH)
    assert parse_whole_numbers(text, count=len(values)) == values


@given(st.lists(st.integers(0, 1000), min_size=1, max_size=4), st.integers(1, 4))
def test_a_wrong_count_is_refused_with_both_counts(values: list[int], count: int) -> None:
    # "1 100" after a one-number prompt is one thousand one hundred (a thousands separator), tested apart.
    assume(len(values) == count or all(len(str(v)) != 3 for v in values[1:]))
    text = " ".join(map(str, values))
    if len(values) == count:
        assert parse_whole_numbers(text, count=count) == values
    else:
        with pytest.raises(Invalid) as err:
            parse_whole_numbers(text, count=count)
        read = "、".join(map(str, values))
        assert err.value.code == "count" and err.value.params == {"expected": count, "got": len(values), "read": read}


@given(st.integers(max_value=-1))
def test_negative_numbers_are_refused(value: int) -> None:
    with pytest.raises(Invalid) as err:
        parse_whole_numbers(str(value), count=1)
    assert err.value.code in ("below_min", "above_max")


@given(st.integers(min_value=1_000_001))
def test_huge_numbers_are_refused_without_hanging(value: int) -> None:
    with pytest.raises(Invalid) as err:
        parse_whole_numbers(str(value), count=1)
    assert err.value.code == "above_max"


def test_ten_thousand_digits_are_refused_quickly() -> None:
    with pytest.raises(Invalid) as err:
        parse_whole_numbers("9" * 10_000, count=1)
    assert err.value.code == "above_max"


@given(st.text(min_size=1, max_size=30).filter(lambda t: not any(c.isdigit() for c in t) and t.strip()))
def test_text_without_digits_is_never_a_number(text: str) -> None:
    with pytest.raises(Invalid):
        parse_whole_numbers(text, count=1)


@given(st.text(max_size=50))
def test_any_text_either_parses_or_raises_invalid(text: str) -> None:
    try:
        values = parse_whole_numbers(text, count=2)
    except Invalid:
        return
    assert len(values) == 2 and all(0 <= v <= 1_000_000 for v in values)


@pytest.mark.parametrize("word", ["是", "是的", "有", "Yes", "y", "１", "✅", "是。"])
def test_yes_words(word: str) -> None:
    assert parse_yes_no(word) is True


@pytest.mark.parametrize("word", ["否", "不是", "没有", "NO", "n", "0", "❌"])
def test_no_words(word: str) -> None:
    assert parse_yes_no(word) is False


@given(st.text(max_size=20))
def test_yes_no_never_guesses(text: str) -> None:
    try:
        result = parse_yes_no(text)
    except Invalid as err:
        assert err.code == "yesno"
        return
    # Accepted only as a word of the vocabulary for that answer, never a guess from a longer text.
    word = normalise(text).lower().rstrip("。.!！")
    assert word in (_YES if result else _NO), (text, result)


@given(st.text(max_size=3000))
def test_text_limit(text: str) -> None:
    try:
        out = parse_text(text, limit=2000)
    except Invalid as err:
        assert err.code in ("empty", "too_long")
        assert not visible(text) or len(visible(text)) > 2000
        return
    assert out == visible(text) and 0 < len(out) <= 2000


def test_choice_by_number_or_text() -> None:
    options = ["已全部上传", "部分上传", "尚未上传"]
    assert parse_choice("2", options) == "部分上传"
    assert parse_choice("尚未上传", options) == "尚未上传"
    with pytest.raises(Invalid):
        parse_choice("4", options)


# --- rules ---------------------------------------------------------------------------------------------
LAID = load_outlines(year=2020).institution
ROWS = [Row("c1", "甲", 150), Row("c2", "乙", 80)]


def test_checks_between_points_use_the_same_certificate_row() -> None:
    answers = {"p1": {"rows": {"c1": {"registered": 120}, "c2": {"registered": 40}}, "confirmed": True}}
    p2 = LAID.by_key["p2"]
    assert [f.severity for f in check_row(LAID, p2, answers, ROWS[1], {"assessed": 41})] == ["error"]
    assert check_row(LAID, p2, answers, ROWS[1], {"assessed": 40}) == []
    assert [f.severity for f in check_row(LAID, p2, answers, ROWS[1], {"assessed": 0})] == ["warn"]


def test_rates_per_row_and_overall() -> None:
    answers = {"p1": {"rows": {"c1": {"registered": 120}, "c2": {"registered": 40}}}}
    (line,) = rates(LAID, LAID.by_key["p1"], answers, ROWS)
    assert [r for _, r in line.per_row] == [0.8, 0.5]
    assert line.total == pytest.approx(160 / 230)


def test_a_rate_with_nothing_to_divide_by_is_unknown_not_zero() -> None:
    answers = {"p2": {"rows": {"c1": {"assessed": 0}}}, "p3": {"rows": {"c1": {"passed": 0}}}}
    (line,) = rates(LAID, LAID.by_key["p3"], answers, [ROWS[0]])
    assert line.per_row[0][1] is None and line.total is None


def test_progress_and_next_open_item() -> None:
    state = State(LAID, {"p4": {"yes": True, "note": None}, "p5": {"skipped": True}}, ROWS)
    sections = state.sections()
    assert sections[1].done == 2 and sections[1].total == 6
    assert state.next_open(LAID.by_key["p4"]) == LAID.by_key["p6"]
    # A core point "skipped" by forged data still counts as missing.
    assert not State(LAID, {"p4": {"skipped": True}}, ROWS).complete(LAID.by_key["p4"])
    # A practice question answered 否 is incomplete until explained.
    assert not State(LAID, {"p4": {"yes": False, "note": None}}, ROWS).complete(LAID.by_key["p4"])
