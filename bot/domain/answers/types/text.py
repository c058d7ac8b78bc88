"""Free text: short (`text`, up to SHORT_LIMIT characters) or long (`longtext`, up to the configured limit)."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Literal

from bot.domain.answers.parsers import parse_text
from bot.domain.answers.types.base import AnswerType, FormRead, Scope, TextBox, Value, WebField
from messages import web, zh

SHORT_LIMIT = 200
WEB_LONG_LIMIT = 2000  # what the web page says a long text may hold


class Text(AnswerType):
    type: Literal["text", "longtext"]

    def limit(self, long_limit: int) -> int:
        return SHORT_LIMIT if self.type == "text" else long_limit

    def parse(self, text: str, *, long_limit: int) -> Value:
        return {"text": parse_text(text, limit=self.limit(long_limit))}

    def read_form(self, form: Mapping[str, str], key: str, scope: Scope, *, long_limit: int) -> FormRead:
        raw = form.get(key, "")
        return FormRead(self.parse(raw, long_limit=long_limit) if raw.strip() else None)

    def complete(self, value: Value, scope: Scope) -> bool:
        return bool(value.get("text"))

    def takes_text(self, *, followup: bool) -> bool:
        return True

    def chat_text(self, value: Value, scope: Scope) -> str | None:
        return escape(zh.clip(str(value["text"]))) if "text" in value else None

    def web_text(self, value: Value, scope: Scope) -> str | None:
        return str(value["text"]) if "text" in value else None

    def export_text(self, value: Value, scope: Scope) -> str | None:
        return str(value["text"]) if "text" in value else None

    def describe(self, labels: dict[str, str]) -> str:
        return zh.OUTLINE_TEXT

    def ask_lines(self, value: Value, scope: Scope, *, row: int, redo: bool, long_limit: int) -> list[str]:
        return [zh.ASK_TEXT.format(limit=self.limit(long_limit))]

    def web_fields(self, key: str, value: Value) -> list[WebField]:
        return [TextBox(key, value.get("text"), limit=web.ANSWER_LIMIT.format(limit=self.limit(WEB_LONG_LIMIT)))]
