"""The spot-check draw (抽查): at least 20% of pilot institutions, rounded up, stratified by kind and spread
across cities and certificates; plus a share of training organizations. Reproducible from its seed."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

STRATA = ("本科", "高职", "中职")
ORG_STRATUM = "培训评价组织"


@dataclass(frozen=True, slots=True)
class Candidate:
    id: int
    stratum: str
    city: str | None
    certificates: frozenset[int]


@dataclass
class Draw:
    seed: str
    fraction: float
    picked: list[Candidate] = field(default_factory=list)
    strata: dict[str, dict[str, int]] = field(default_factory=dict)

    def ids(self, stratum: str | None = None) -> list[int]:
        return [c.id for c in self.picked if stratum is None or c.stratum == stratum]


def _spread(pool: list[Candidate], k: int, rng: random.Random) -> list[Candidate]:
    """k candidates in random order, each pick preferring one that adds a city not yet drawn, then one
    that adds a certificate not yet covered; the shuffle decides among equals."""
    order = sorted(pool, key=lambda c: c.id)
    rng.shuffle(order)
    chosen: list[Candidate] = []
    cities: set[str] = set()
    certs: set[int] = set()
    while order and len(chosen) < k:
        best = max(
            order,
            key=lambda c: (c.city is not None and c.city not in cities, bool(c.certificates - certs)),
        )
        order.remove(best)
        chosen.append(best)
        if best.city:
            cities.add(best.city)
        certs |= best.certificates
    return chosen


def draw(schools: list[Candidate], organizations: list[Candidate], *, seed: str, fraction: float = 0.2) -> Draw:
    rng = random.Random(f"xcheck-sample:{seed}")
    out = Draw(seed=seed, fraction=fraction)
    for stratum in STRATA:
        pool = [c for c in schools if c.stratum == stratum]
        k = math.ceil(fraction * len(pool) - 1e-9)
        out.picked += _spread(pool, k, rng)
        out.strata[stratum] = {"population": len(pool), "drawn": min(k, len(pool))}
    # Rounding each stratum up already meets the overall floor; this only guards odd fractions.
    floor = math.ceil(fraction * len(schools) - 1e-9)
    if len(out.picked) < floor:
        rest = [c for c in schools if c not in out.picked]
        extra = _spread(rest, floor - len(out.picked), rng)
        out.picked += extra
        for c in extra:
            out.strata[c.stratum]["drawn"] += 1
    k_org = math.ceil(fraction * len(organizations) - 1e-9) if organizations else 0
    out.picked += _spread(list(organizations), k_org, rng)
    out.strata[ORG_STRATUM] = {"population": len(organizations), "drawn": k_org}
    return out
