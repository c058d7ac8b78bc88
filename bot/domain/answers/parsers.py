"""Parsers for typed answers. Pure: text in, value or Invalid out; nothing here touches storage."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Invalid(Exception):
    """Input that cannot be an answer; `code` and `params` pick and fill a message in messages/."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


_SEPARATORS = re.compile(r"[\s,;/、，；]+")
_UNITS = ("人次", "人", "名", "个", "所", "%")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
# 1,000 / 1，000 (NFKC folds the full-width comma) / 1 000: digit groups of three after a first group of 1–3.
_GROUPED = re.compile(r"(?<![\d.])\d{1,3}([, ])\d{3}(?:\1\d{3})*(?![\d.])")
# A group that only a thousands separator explains: no count is written "000" or "050".
_ZERO_GROUP = re.compile(r"^0\d{2}$")
_CHINESE_NUMERALS = set("〇零一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟")
# Characters that show nothing: zero-width space/joiners, word joiner, BOM, soft hyphen.
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARS), None)
# Control characters other than tab and line feed (a vertical tab pasted from a PDF, a NUL, the C1 range,
# a web form's carriage returns): nobody means them, and the workbook and Word files cannot hold them.
_CONTROLS = dict.fromkeys([*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)], None)

_YES = {"是", "是的", "有", "对", "已", "已经", "y", "yes", "1", "✅", "√"}
_NO = {"否", "不是", "无", "没有", "未", "不", "n", "no", "0", "❌", "×"}


def normalise(text: str) -> str:
    """NFKC folds full-width digits, punctuation and spaces, which phone keyboards often produce;
    invisible and control characters are dropped."""
    return unicodedata.normalize("NFKC", text.translate(_INVISIBLE).translate(_CONTROLS)).strip()


def printable(text: str) -> str:
    """The text without control characters (tab and line feed kept): what a document can hold."""
    # Every character dropped is a control character, which isprintable() refuses: most texts (no line feed,
    # no tab) are checked in C and returned as they are; the export passes every cell's text through here.
    return text if text.isprintable() else text.translate(_CONTROLS)


def _tokens(text: str) -> list[str]:
    return [t for t in _SEPARATORS.split(text) if t]


def _strip_unit(raw: str) -> str:
    token = raw
    for unit in _UNITS:
        token = token.removesuffix(unit)
    return token


def _number(raw: str, *, minimum: int, maximum: int) -> int:
    token = _strip_unit(raw)
    if not _NUMBER.match(token):
        if any(c in _CHINESE_NUMERALS for c in token):
            raise Invalid("chinese_numeral", {"token": raw[:20]})
        raise Invalid("not_number", {"token": raw[:20]})
    if "." in token:
        whole, fraction = token.split(".", 1)
        if fraction.strip("0"):
            raise Invalid("not_whole", {"token": raw[:20]})
        token = whole  # 421.0 is 421
    digits = token.lstrip("+-").lstrip("0")
    if len(digits) > 15:  # int() of thousands of digits is slow and may raise; no count is that big
        raise Invalid("above_max", {"value": token[:15] + "…", "max": maximum})
    number = int(token)
    if number < minimum:
        raise Invalid("below_min", {"value": number, "min": minimum})
    if number > maximum:
        raise Invalid("above_max", {"value": number, "max": maximum})
    return number


def parse_whole_numbers(text: str, *, count: int, maximum: int = 1_000_000, minimum: int = 0) -> list[int]:
    """Exactly `count` whole numbers between minimum and maximum, separated by spaces or commas.

    Thousands separators (1,000 / 1，000 / 1 000) and a zero fraction (421.0) are read as people mean
    them; where a message can be read both ways, the reading that gives `count` numbers wins."""
    cleaned = normalise(text)
    if not cleaned:
        raise Invalid("empty")
    split = _tokens(cleaned)
    joined = _tokens(_GROUPED.sub(lambda m: re.sub(r"[, ]", "", m.group(0)), cleaned))
    zero_group = any(_ZERO_GROUP.match(_strip_unit(t)) for t in split)
    # Splitting only wins when it alone gives the count asked for and no group needs a separator.
    tokens = joined if len(joined) == count or zero_group or len(split) != count else split
    values = [_number(t, minimum=minimum, maximum=maximum) for t in tokens]
    if len(values) != count:
        raise Invalid("count", {"expected": count, "got": len(values), "read": "、".join(map(str, values))})
    return values


def parse_yes_no(text: str) -> bool:
    word = normalise(text).lower().rstrip("。.!！")
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise Invalid("yesno")


def parse_choice(text: str, options: list[str]) -> str:
    word = normalise(text)
    if word.isascii() and word.isdigit() and 1 <= int(word) <= len(options):
        return options[int(word) - 1]
    for option in options:
        if word == normalise(option):
            return option
    raise Invalid("choice", {"options": options})


def visible(text: str) -> str:
    """The text without invisible characters at either end; "" when nothing visible is left."""
    # str.strip() already removes every Unicode space (full-width U+3000 too), but not these.
    cleaned = printable(text).strip()
    while cleaned and (cleaned[0] in _INVISIBLE_CHARS or cleaned[-1] in _INVISIBLE_CHARS):
        cleaned = cleaned.strip(_INVISIBLE_CHARS).strip()
    return cleaned


def parse_text(text: str, *, limit: int) -> str:
    cleaned = visible(text)
    if not cleaned:
        raise Invalid("empty")
    if len(cleaned) > limit:
        raise Invalid("too_long", {"limit": limit, "got": len(cleaned)})
    return cleaned
