"""A table of whole numbers: a row per certificate, per level, or one row; with checks between its fields
and rates derived from them (never typed by a person)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from html import escape
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from bot.domain.answers.parsers import Invalid, parse_whole_numbers
from bot.domain.answers.types.base import AnswerType, FormRead, Scope, Strict, TableForm, Value, WebField
from messages import documents as words
from messages import entry as en
from messages import zh

if TYPE_CHECKING:
    from bot.domain.walk.rules import Finding


class NumberField(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    max: int = Field(default=1_000_000, ge=1)


class Check(Strict):
    """A rule between two numbers of the same row: `field op other` (other: a field id or a constant)."""

    field: str
    op: Literal["le", "eq", "gt"]
    other: str | int
    severity: Literal["error", "warn"]
    message: str


class Rate(Strict):
    """A derived value: numerator / denominator, per row and over all rows. Never typed by a person."""

    label: str
    numerator: str
    denominator: str


def _labelled(label: str, finding: Finding) -> Finding:
    """A finding of one row of a web form, its message led by the row's label."""
    return dataclasses.replace(
        finding, message=f"{label}：{finding.message}" if label else finding.message, row="", read=()
    )


class Numbers(AnswerType):
    type: Literal["numbers"]
    rows: Literal["certificates", "levels", "once"]
    fields: list[NumberField] = Field(min_length=1, max_length=4)
    rates: list[Rate] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    # Numbers shown beside each row but not asked (e.g. 试点规模 from the roster).
    shows_scale: bool = False

    def as_table(self) -> Numbers | None:
        return self

    def number_fields(self) -> list[NumberField]:
        return self.fields

    def row_label(self) -> str:
        """The heading of the rows' label column: 证书 or 级别."""
        return zh.CERT_COLUMN if self.rows == "certificates" else zh.LEVEL_COLUMN

    def parse(self, text: str, *, long_limit: int) -> Value:
        top = min(f.max for f in self.fields)
        numbers = parse_whole_numbers(text, count=len(self.fields), maximum=top)
        return {f.id: n for f, n in zip(self.fields, numbers, strict=True)}

    def read_form(self, form: Mapping[str, str], key: str, scope: Scope, *, long_limit: int) -> FormRead:
        def blank(name: str) -> bool:
            return not form.get(name, "").strip()

        rows = scope.rows()
        if not rows:
            raise Invalid("no_rows")
        if all(blank(f"{key}.{r.key}.{f.id}") for r in rows for f in self.fields):
            return FormRead(None)
        filled: dict[str, dict[str, int]] = {}
        warnings: list[Finding] = []
        for row in rows:
            names = [f"{key}.{row.key}.{f.id}" for f in self.fields]
            if all(blank(n) for n in names):
                continue
            values: dict[str, int] = {}
            for f, n in zip(self.fields, names, strict=True):
                (values[f.id],) = parse_whole_numbers(form.get(n, ""), count=1, maximum=f.max)
            found = scope.check(row, values)
            errors = [f for f in found if f.severity == "error"]
            if errors:
                return FormRead(None, [_labelled(row.label, e) for e in errors])
            warnings += [_labelled(row.label, w) for w in found]
            filled[row.key] = values
        if warnings and form.get(f"{key}.ok") != "1":
            return FormRead(None, warnings)
        return FormRead({"rows": filled, "confirmed": all(r.key in filled for r in rows)})

    def complete(self, value: Value, scope: Scope) -> bool:
        rows = scope.rows()
        filled = value.get("rows", {})
        return bool(rows) and all(r.key in filled for r in rows) and bool(value.get("confirmed"))

    def chat_text(self, value: Value, scope: Scope) -> str | None:
        rows = scope.rows()
        filled = value.get("rows", {})
        lines = scope.rates()
        out = []
        for n, row in enumerate(rows):
            got = filled.get(row.key)
            nums = "、".join(f"{f.label} {got[f.id] if got else '—'}" for f in self.fields)
            scale = zh.scale_note(row.scale) if self.shows_scale and row.scale is not None else ""
            rate = "；".join(f"{line.label} {zh.percent(line.per_row[n][1])}" for line in lines)
            label = f"{escape(row.label)}{scale}：" if row.label else ""
            out.append(f"• {label}{nums}" + (f" → {rate}" if rate and len(rows) > 0 else ""))
        if len(rows) > 1:
            table = scope.table(zh.CERT_COLUMN if self.rows == "certificates" else zh.LEVEL_COLUMN)
            assert table.total is not None
            cells = list(zip(table.columns, table.total, strict=True))
            counts = [(c.label, v) for c, v in cells if c.kind == "count"]
            out.append(words.total_counts(counts, [(c.label, zh.percent(v)) for c, v in cells if c.kind == "rate"]))
        return "\n".join(out) if out else zh.NO_ROWS_HINT

    def web_text(self, value: Value, scope: Scope) -> str | None:
        filled = value.get("rows", {})
        parts = []
        for r in scope.rows():
            cells = filled.get(r.key)
            if cells:
                numbers = "、".join(f"{f.label} {cells.get(f.id, '')}" for f in self.fields)
                parts.append(f"{r.label}：{numbers}" if r.label else numbers)
        for line in scope.rates():
            parts.append(f"{line.label} {zh.percent(line.total)}")
        return "；".join(parts) or None

    def export_text(self, value: Value, scope: Scope) -> str | None:
        table = scope.table(self.row_label())
        row = table.total if table.total is not None else (table.body[0] if len(table.body) == 1 else None)
        if row is None:
            return zh.NO_ROWS_HINT
        counts = [(c.label, v) for c, v in zip(table.columns, row, strict=True) if c.kind == "count"]
        rates = [(c.label, zh.percent(v)) for c, v in zip(table.columns, row, strict=True) if c.kind == "rate"]
        return words.counts_plain(counts, rates, total=table.total is not None)

    def describe(self, labels: dict[str, str]) -> str:
        text = zh.OUTLINE_ROWS[self.rows] + zh.OUTLINE_FILL + "、".join(f.label for f in self.fields)
        if self.rates:
            text += zh.OUTLINE_CALC + "、".join(
                f"{r.label}={labels[r.numerator]}/{labels[r.denominator]}" for r in self.rates
            )
        return text

    def example(self, scope: Scope) -> str:
        """`证书名 数字` lines for the first rows, with this point's own example numbers."""
        numbers = " ".join(str(n) for n in (120, 100, 95, 80)[: len(self.fields)])
        return "\n".join(f"{row.label} {numbers}" for row in scope.rows()[:2])

    def ask_lines(self, value: Value, scope: Scope, *, row: int, redo: bool, long_limit: int) -> list[str]:
        rows = scope.rows()
        if not rows:
            return [zh.invalid("no_rows", {})]
        lines = []
        if value.get("rows"):
            lines.append(self.chat_text(value, scope) or "")
        asked = rows[min(row, len(rows) - 1)]
        kind = zh.CERT_COLUMN if self.rows == "certificates" else zh.LEVEL_WORD
        scale = asked.scale if self.shows_scale else None
        if redo:
            lines.append(en.redo_row(asked.label))
        lines.append(zh.ask_row(asked.label, scale, row + 1, len(rows), [f.label for f in self.fields], kind))
        figures = scope.earlier(asked)
        if figures:
            lines.append(en.earlier(figures))
        if len(rows) > 1 and not redo:
            lines.append(en.table_hint(self.example(scope)))
        return lines

    def web_fields(self, key: str, value: Value) -> list[WebField]:
        return [TableForm(self)]
