"""One whole number within bounds, with its unit."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Literal

from bot.domain.answers.parsers import parse_whole_numbers
from bot.domain.answers.types.base import AnswerType, FormRead, NumberBox, Scope, Value, WebField
from messages import zh


class Number(AnswerType):
    type: Literal["number"]
    label: str
    unit: str = ""
    min: int = 0
    max: int = 1_000_000

    def parse(self, text: str, *, long_limit: int) -> Value:
        (n,) = parse_whole_numbers(text, count=1, minimum=self.min, maximum=self.max)
        return {"n": n}

    def read_form(self, form: Mapping[str, str], key: str, scope: Scope, *, long_limit: int) -> FormRead:
        raw = form.get(key, "")
        return FormRead(self.parse(raw, long_limit=long_limit) if raw.strip() else None)

    def complete(self, value: Value, scope: Scope) -> bool:
        return "n" in value

    def chat_text(self, value: Value, scope: Scope) -> str | None:
        return f"{value.get('n')}{self.unit}"

    def web_text(self, value: Value, scope: Scope) -> str | None:
        return f"{value.get('n')}{self.unit}"

    def export_text(self, value: Value, scope: Scope) -> str | None:
        return f"{value.get('n')}{self.unit}"

    def saved_label(self, what: str) -> str:
        return f"{escape(self.label)} {what}"

    def describe(self, labels: dict[str, str]) -> str:
        return zh.outline_number(self.min, self.max, self.unit)

    def ask_lines(self, value: Value, scope: Scope, *, row: int, redo: bool, long_limit: int) -> list[str]:
        return [zh.ask_number(self.label, self.min, self.max, self.unit)]

    def web_fields(self, key: str, value: Value) -> list[WebField]:
        return [NumberBox(key, self.label, self.min, self.max, self.unit, value.get("n"))]
