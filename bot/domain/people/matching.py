"""Finding the unit a person means: 附件3 number, full name, or part of a name; role words in Chinese."""

from __future__ import annotations

from collections.abc import Iterable

from storage.models import Institution, Kind, Role

# What an office types for a role: the English name or a Chinese word.
ROLE_WORDS: dict[str, Role] = {
    "coordinator": "coordinator",
    "coordinators": "coordinator",
    "院校": "coordinator",
    "学校": "coordinator",
    "联络人": "coordinator",
    "org": "org",
    "机构": "org",
    "组织": "org",
    "评价组织": "org",
    "培训评价组织": "org",
    "city": "city",
    "市": "city",
    "地市": "city",
    "教育局": "city",
    "市教育局": "city",
    "expert": "expert",
    "专家": "expert",
    "office": "office",
    "办公室": "office",
}


def role_of(word: str) -> Role | None:
    return ROLE_WORDS.get(word.strip().lower())


def match(units: Iterable[Institution], ref: str) -> list[Institution]:
    """By 附件3 number, '#id', exact name; else every name starting with `ref`; else every name containing
    it. One result is the unit meant; several are the candidates to show; none is no match."""
    ref = ref.strip()
    pool = list(units)
    if not ref:
        return []
    # ASCII digits only: str.isdigit() also takes '²' (which int() refuses) and '١٢' (which it reads as 12).
    if ref.isascii() and ref.isdigit():
        return [u for u in pool if u.seq == int(ref)]
    if ref.startswith("#") and ref[1:].isascii() and ref[1:].isdigit():
        return [u for u in pool if u.id == int(ref[1:])]
    exact = [u for u in pool if u.name == ref]
    if exact:
        return exact
    prefix = [u for u in pool if u.name.startswith(ref)]
    return prefix or [u for u in pool if ref in u.name]


def find(units: Iterable[Institution], ref: str, kinds: Iterable[Kind]) -> list[Institution]:
    """As `match`, preferring units of the wanted kinds: `工商` for a coordinator means a school even if an
    organization's name contains it too. Only units of other kinds found: those are returned, so the caller
    can say the kind is wrong rather than that nothing matched."""
    found = match(units, ref)
    wanted = set(kinds)
    right = [u for u in found if u.kind in wanted]
    return right or found
