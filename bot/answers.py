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

_YES = {"是", "是的", "有", "对", "已", "已经", "y", "yes", "1", "✅", "√"}
_NO = {"否", "不是", "无", "没有", "未", "不", "n", "no", "0", "❌", "×"}


def normalise(text: str) -> str:
    """NFKC folds full-width digits and punctuation, which phone keyboards often produce."""
    return unicodedata.normalize("NFKC", text).strip()


def parse_whole_numbers(text: str, *, count: int, maximum: int = 1_000_000, minimum: int = 0) -> list[int]:
    """Exactly `count` whole numbers between minimum and maximum, separated by spaces or commas."""
    cleaned = normalise(text)
    if not cleaned:
        raise Invalid("empty")
    tokens = [t for t in _SEPARATORS.split(cleaned) if t]
    values: list[int] = []
    for raw in tokens:
        token = raw
        for unit in _UNITS:
            token = token.removesuffix(unit)
        if not _NUMBER.match(token):
            raise Invalid("not_number", {"token": raw[:20]})
        if "." in token:
            raise Invalid("not_whole", {"token": raw[:20]})
        digits = token.lstrip("+-").lstrip("0")
        if len(digits) > 15:  # int() of thousands of digits is slow and may raise; no count is that big
            raise Invalid("above_max", {"value": token[:15] + "…", "max": maximum})
        number = int(token)
        if number < minimum:
            raise Invalid("below_min", {"value": number, "min": minimum})
        if number > maximum:
            raise Invalid("above_max", {"value": number, "max": maximum})
        values.append(number)
    if len(values) != count:
        raise Invalid("count", {"expected": count, "got": len(values)})
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


def parse_text(text: str, *, limit: int) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise Invalid("empty")
    if len(cleaned) > limit:
        raise Invalid("too_long", {"limit": limit, "got": len(cleaned)})
    return cleaned
