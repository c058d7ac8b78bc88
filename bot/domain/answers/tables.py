"""A whole per-certificate table typed in one message. Pure: text and row labels in, values or Invalid out.

Two forms, which may not be mixed:
- one line per row, in the order the rows are shown ("120" or "120 100" per line);
- `name numbers` lines in any order, where the name is a row's label or a prefix of exactly one label.
"""

from __future__ import annotations

import re

from bot.domain.answers.parsers import Invalid, normalise, parse_whole_numbers
from bot.domain.walk.rules import Row

_NAME_END = re.compile(r"[\s:：]")


def _key(text: str) -> str:
    """Names compare without case, spaces or full-width forms: 'web前端' matches 'Web前端开发'."""
    return re.sub(r"\s+", "", normalise(text)).casefold()


def looks_like_table(text: str, rows: list[Row]) -> bool:
    """More than one line, or one line that starts with a name and then has a number ("物流管理 40")."""
    lines = [normalise(line) for line in text.splitlines() if normalise(line)]
    if len(lines) > 1:
        return True
    if not lines or len(rows) < 2:
        return False
    line = lines[0]
    return not (line[0].isdigit() or line[0] in "+-") and re.search(r"\d", line) is not None


def _named(line: str, rows: list[Row]) -> tuple[int, str] | None:
    """(row index, the numbers part) when the line starts with a row's name; None when it starts with a digit."""
    cleaned = normalise(line)
    if not cleaned or cleaned[0].isdigit() or cleaned[0] in "+-":
        return None
    key = _key(cleaned)
    # A full label first (labels may hold spaces or digits, e.g. 建筑信息模型(BIM)), the longest one wins.
    full = sorted(
        ((n, r) for n, r in enumerate(rows) if r.label and key.startswith(_key(r.label))),
        key=lambda nr: -len(nr[1].label),
    )
    if full:
        n, row = full[0]
        return n, _after(cleaned, row.label)
    match = _NAME_END.search(cleaned)
    name = cleaned[: match.start()] if match else cleaned
    rest = cleaned[len(name) :]
    # A name glued to its number ("物流120"): cut at the first digit.
    digit = re.search(r"\d", name)
    if digit:
        name, rest = name[: digit.start()], name[digit.start() :] + rest
    candidates = [n for n, r in enumerate(rows) if _key(r.label).startswith(_key(name))] if name else []
    if len(candidates) == 1:
        return candidates[0], rest
    if not candidates:
        raise Invalid("table_unknown_name", {"name": name[:30]})
    raise Invalid("table_ambiguous_name", {"name": name[:30], "matches": "、".join(rows[n].label for n in candidates)})


def _after(cleaned: str, label: str) -> str:
    """The text after a label that may be written with other spacing or case."""
    want = _key(label)
    seen = ""
    for i, ch in enumerate(cleaned):
        if len(_key(seen)) >= len(want):
            return cleaned[i:]
        seen += ch
    return ""


def parse_table(text: str, rows: list[Row], *, count: int, maximum: int, start: int = 0) -> dict[int, list[int]]:
    """Row index → the `count` numbers typed for it. Positional lines fill the rows in order: all of them,
    or from `start` (the row being asked) on."""
    lines = [line for line in text.splitlines() if normalise(line)]
    named = [_named(line, rows) for line in lines]
    out: dict[int, list[int]] = {}
    if all(n is not None for n in named):
        for found, line in zip(named, lines, strict=True):
            assert found is not None
            index, rest = found
            if index in out:
                raise Invalid("table_twice", {"name": rows[index].label})
            out[index] = _numbers(rest, line, count=count, maximum=maximum)
        return out
    if any(n is not None for n in named):
        raise Invalid("table_mixed")
    if len(lines) == len(rows):
        first = 0
    elif start + len(lines) <= len(rows):
        first = start
    else:
        raise Invalid("table_lines", {"expected": len(rows), "got": len(lines)})
    for offset, line in enumerate(lines):
        out[first + offset] = _numbers(line, line, count=count, maximum=maximum)
    return out


def _numbers(part: str, line: str, *, count: int, maximum: int) -> list[int]:
    try:
        return parse_whole_numbers(part.strip(" :："), count=count, maximum=maximum)
    except Invalid as invalid:
        raise Invalid("table_line", {"line": normalise(line)[:40], "why": invalid.code, **invalid.params}) from None
