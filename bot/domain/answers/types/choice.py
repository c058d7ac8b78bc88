"""One of a few options, picked with a button or by its number."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Literal

from pydantic import Field

from bot.core import buttons as bt
from bot.domain.answers.parsers import parse_choice
from bot.domain.answers.types.base import AnswerType, ButtonRows, FormRead, Options, Scope, Value, WebField
from messages import zh


class Choice(AnswerType):
    type: Literal["choice"]
    options: list[str] = Field(min_length=2, max_length=8)

    def parse(self, text: str, *, long_limit: int) -> Value:
        return {"choice": parse_choice(text, self.options)}

    def from_button(self, action: bt.WalkAction, arg: int | None) -> Value | None:
        if action != "ch" or arg is None or arg >= len(self.options):
            return None
        return {"choice": self.options[arg]}

    def read_form(self, form: Mapping[str, str], key: str, scope: Scope, *, long_limit: int) -> FormRead:
        raw = form.get(key, "")
        word = raw.strip()
        if not word:
            return FormRead(None)
        # A radio button sends the option's index, in ASCII digits ('²'.isdigit() is true too).
        if word.isascii() and word.isdigit() and int(word) < len(self.options):
            return FormRead({"choice": self.options[int(word)]})
        return FormRead({"choice": parse_choice(raw, self.options)})

    def complete(self, value: Value, scope: Scope) -> bool:
        return "choice" in value

    def chat_text(self, value: Value, scope: Scope) -> str | None:
        return escape(str(value.get("choice", "")))

    def web_text(self, value: Value, scope: Scope) -> str | None:
        return str(value.get("choice", ""))

    def export_text(self, value: Value, scope: Scope) -> str | None:
        return str(value.get("choice", ""))

    def describe(self, labels: dict[str, str]) -> str:
        return zh.OUTLINE_CHOICE + " / ".join(self.options)

    def buttons(self, report: int, item: str) -> ButtonRows:
        return [[(f"{n + 1}. {option}", bt.Walk(report, item, "ch", n))] for n, option in enumerate(self.options)]

    def ask_lines(self, value: Value, scope: Scope, *, row: int, redo: bool, long_limit: int) -> list[str]:
        return [zh.ASK_CHOICE]

    def web_fields(self, key: str, value: Value) -> list[WebField]:
        stored = str(self.options.index(value["choice"])) if value.get("choice") in self.options else ""
        return [Options(key, [(str(n), option) for n, option in enumerate(self.options)], stored)]
