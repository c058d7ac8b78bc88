"""What needs the office's attention: answers that signal a breach, implausible rates, and per certificate
the institutions' numbers against those its training organization reported for the province."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from messages import zh

# Rates under these are "unusually low" for a pilot in its first year; above 100% is always impossible.
LOW_RATES = {"registration": 0.3, "assessment": 0.5, "pass": 0.5}
RATE_NAMES = zh.RATE_NAMES
SCHOOL_ALERTS = zh.SCHOOL_ALERTS
ORG_ALERTS = zh.ORG_ALERTS

# Which school field is compared with which organization field, and what the office reads for it.
CROSS_FIELDS = tuple(zh.CROSS_LABELS.items())
SCHOOL_OWNER = {"registered": "p1", "assessed": "p2", "passed": "p3", "fee_paid": "p20"}
ORG_OWNER = {"registered": "p1", "assessed": "p2", "passed": "p3", "fee_paid": "p17"}


def answered_yes(answers: dict[str, Any], key: str) -> bool:
    value = answers.get(key)
    return isinstance(value, dict) and value.get("yes") is True


def _row_values(answers: dict[str, Any], item: str) -> dict[str, dict[str, int]]:
    value = answers.get(item)
    return value.get("rows", {}) if isinstance(value, dict) else {}


def rate_flags(answers: dict[str, Any], cert_names: dict[str, str], scales: dict[str, int]) -> list[str]:
    """Per certificate rates of an institution outside the plausible range."""
    out = []
    reg, ass, pas = _row_values(answers, "p1"), _row_values(answers, "p2"), _row_values(answers, "p3")
    for row, name in cert_names.items():
        pairs = (
            ("registration", reg.get(row, {}).get("registered"), scales.get(row)),
            ("assessment", ass.get(row, {}).get("assessed"), reg.get(row, {}).get("registered")),
            ("pass", pas.get(row, {}).get("passed"), ass.get(row, {}).get("assessed")),
        )
        for which, num, den in pairs:
            if num is None or not den:
                continue
            rate = num / den
            if rate > 1 or rate < LOW_RATES[which]:
                out.append(zh.flag_rate(f"{name} {RATE_NAMES[which]}", rate, high=rate > 1))
    return out


def overall_rate(answers: dict[str, Any], scales: dict[str, int]) -> float | None:
    reg = _row_values(answers, "p1")
    num = sum(v.get("registered", 0) for v in reg.values())
    den = sum(scales.get(row, 0) for row in reg)
    return num / den if den else None


def school_flags(answers: dict[str, Any], cert_names: dict[str, str], scales: dict[str, int]) -> list[str]:
    out = [label for key, label in SCHOOL_ALERTS.items() if answered_yes(answers, key)]
    total = overall_rate(answers, scales)
    if total is not None and (total > 1 or total < LOW_RATES["registration"]):
        out.append(zh.flag_total(total, high=total > 1))
    return out + rate_flags(answers, cert_names, scales)


def org_flags(answers: dict[str, Any]) -> list[str]:
    return [label for key, label in ORG_ALERTS.items() if answered_yes(answers, key)]


@dataclass(frozen=True, slots=True)
class CrossCheck:
    certificate_id: int
    field: str
    label: str
    schools_total: int
    schools_reporting: int
    org_value: int

    @property
    def matches(self) -> bool:
        return self.schools_total == self.org_value


def cross_checks(
    school_answers: list[dict[str, Any]], org_answers_by_cert: dict[int, dict[str, Any]]
) -> list[CrossCheck]:
    """For each certificate with an organization report, each compared number: the sum over the
    institutions that reported it, beside the organization's province-wide figure."""
    sums: dict[tuple[int, str], list[int]] = defaultdict(list)
    for answers in school_answers:
        for fld, _ in CROSS_FIELDS:
            for row, values in _row_values(answers, SCHOOL_OWNER[fld]).items():
                if row.startswith("c") and fld in values:
                    sums[(int(row[1:]), fld)].append(int(values[fld]))
    out = []
    for cert_id, answers in sorted(org_answers_by_cert.items()):
        for fld, label in CROSS_FIELDS:
            org_value = _row_values(answers, ORG_OWNER[fld]).get("_", {}).get(fld)
            reported = sums.get((cert_id, fld))
            if org_value is None or not reported:
                continue
            out.append(CrossCheck(cert_id, fld, label, sum(reported), len(reported), int(org_value)))
    return out
