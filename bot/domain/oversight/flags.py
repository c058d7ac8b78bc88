"""What needs the office's attention: answers that signal a breach, implausible rates, and per certificate
the institutions' numbers against those its training organization reported for the province."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from bot.domain.outlines.loader import Item, LaidOut, Outlines
from bot.domain.outlines.models import Numbers
from messages import roles, zh

# Rates under these are "unusually low" for a pilot in its first year; above 100% is always impossible.
LOW_RATES = {"registration": 0.3, "assessment": 0.5, "pass": 0.5}
RATE_NAMES = zh.RATE_NAMES
# Which points give the rates, which fields are cross-checked and which answers raise an alert is outline data
# (a point's `rate`, `compare` and `alert`); what the office reads for a compared field is wording, here.
CROSS_LABELS = zh.CROSS_LABELS


def answered_yes(answers: dict[str, Any], key: str) -> bool:
    value = answers.get(key)
    return isinstance(value, dict) and value.get("yes") is True


def _row_values(answers: dict[str, Any], item: str) -> dict[str, dict[str, int]]:
    value = answers.get(item)
    return value.get("rows", {}) if isinstance(value, dict) else {}


def _numbers(item: Item) -> Numbers:
    table = item.point.answer.as_table() if item.point is not None else None
    assert table is not None, "the outline gives a rate role to a numbers point only"
    return table


def _field(laid: LaidOut, answers: dict[str, Any], fid: str, row: str, scales: dict[str, int]) -> int | None:
    """One row's value of a number field wherever the outline asks it; `scale` comes from the roster."""
    if fid == "scale":
        return scales.get(row)
    return _row_values(answers, laid.field_owner.get(fid, "")).get(row, {}).get(fid)


def alert_flags(laid: LaidOut, answers: dict[str, Any]) -> list[str]:
    """The violation questions the outline tags with an alert that were answered 是."""
    out = []
    for item, label in laid.alerts:
        assert item.point is not None
        if answered_yes(answers, item.key):
            out.append(roles.flag_alert(item.point.no, item.point.core, label))
    return out


def rate_flags(laid: LaidOut, answers: dict[str, Any], cert_names: dict[str, str], scales: dict[str, int]) -> list[str]:
    """Per certificate rates of an institution outside the plausible range."""
    out = []
    for row, name in cert_names.items():
        for which, item in laid.by_rate.items():
            rate = _numbers(item).rates[0]
            num = _field(laid, answers, rate.numerator, row, scales)
            den = _field(laid, answers, rate.denominator, row, scales)
            if num is None or not den:
                continue
            value = num / den
            if value > 1 or value < LOW_RATES[which]:
                out.append(zh.flag_rate(f"{name} {RATE_NAMES[which]}", value, high=value > 1))
    return out


def overall_rate(laid: LaidOut, answers: dict[str, Any], scales: dict[str, int]) -> float | None:
    """The 报考率 over all the rows the institution filled in."""
    item = laid.by_rate.get("registration")
    if item is None:
        return None
    rate = _numbers(item).rates[0]
    rows = _row_values(answers, item.key)
    num = sum(v.get(rate.numerator, 0) for v in rows.values())
    den = sum(_field(laid, answers, rate.denominator, row, scales) or 0 for row in rows)
    return num / den if den else None


def school_flags(
    laid: LaidOut, answers: dict[str, Any], cert_names: dict[str, str], scales: dict[str, int]
) -> list[str]:
    out = alert_flags(laid, answers)
    total = overall_rate(laid, answers, scales)
    if total is not None and (total > 1 or total < LOW_RATES["registration"]):
        out.append(zh.flag_total(total, high=total > 1))
    return out + rate_flags(laid, answers, cert_names, scales)


def org_flags(laid: LaidOut, answers: dict[str, Any]) -> list[str]:
    return alert_flags(laid, answers)


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


def _cross_label(item: Item, fid: str) -> str:
    return CROSS_LABELS.get(fid) or next(f.label for f in _numbers(item).fields if f.id == fid)


def cross_checks(
    outlines: Outlines, school_answers: list[dict[str, Any]], org_answers_by_cert: dict[int, dict[str, Any]]
) -> list[CrossCheck]:
    """For each certificate with an organization report, each compared number: the sum over the
    institutions that reported it, beside the organization's province-wide figure."""
    school, org = outlines.institution.compared, outlines.training_org.compared
    fields = [(fid, item, _cross_label(item, fid)) for fid, item in school.items() if fid in org]
    sums: dict[tuple[int, str], list[int]] = defaultdict(list)
    for answers in school_answers:
        for fld, item, _ in fields:
            for row, values in _row_values(answers, item.key).items():
                if row.startswith("c") and fld in values:
                    sums[(int(row[1:]), fld)].append(int(values[fld]))
    out = []
    for cert_id, answers in sorted(org_answers_by_cert.items()):
        for fld, _, label in fields:
            org_value = _row_values(answers, org[fld].key).get("_", {}).get(fld)
            reported = sums.get((cert_id, fld))
            if org_value is None or not reported:
                continue
            out.append(CrossCheck(cert_id, fld, label, sum(reported), len(reported), int(org_value)))
    return out
