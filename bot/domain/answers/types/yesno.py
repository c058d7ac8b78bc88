"""是/否: a practice question (a 否 needs an explanation) or a violation question (a 是 needs one)."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import ClassVar, Literal

from bot.core import buttons as bt
from bot.domain.answers.parsers import parse_text, parse_yes_no
from bot.domain.answers.types.base import AnswerType, ButtonRows, FormRead, Options, Scope, TextBox, Value, WebField
from messages import web, zh


class YesNo(AnswerType):
    type: Literal["yesno"]
    # practice: explain a 否; violation: describe a 是.
    flavour: Literal["practice", "violation"]
    followup: str

    waives_evidence: ClassVar[bool] = True

    def needs_followup(self, yes: bool) -> bool:
        return (self.flavour == "practice" and not yes) or (self.flavour == "violation" and yes)

    def parse(self, text: str, *, long_limit: int) -> Value:
        return {"yes": parse_yes_no(text)}

    def from_button(self, action: bt.WalkAction, arg: int | None) -> Value | None:
        return {"yes": arg == 1} if action == "yn" and arg in (1, 0) else None

    def carry_over(self, old: Value, new: Value) -> Value:
        # Keep an earlier explanation if the answer did not change, so a re-tap loses nothing.
        yes = new["yes"]
        return {"yes": yes, "note": old.get("note") if old.get("yes") == yes else None}

    def add_note(self, old: Value, text: str, *, long_limit: int) -> Value | None:
        value = dict(old)
        value["note"] = parse_text(text, limit=long_limit)
        return value

    def read_form(self, form: Mapping[str, str], key: str, scope: Scope, *, long_limit: int) -> FormRead:
        raw = form.get(key, "")
        if not raw.strip():
            return FormRead(None)
        yes = parse_yes_no(raw)
        note_raw = form.get(f"{key}.note", "")
        note = parse_text(note_raw, limit=long_limit) if note_raw.strip() else None
        needed = self.needs_followup(yes)
        return FormRead({"yes": yes, "note": note if needed else None}, needs_note=needed and note is None)

    def complete(self, value: Value, scope: Scope) -> bool:
        if "yes" not in value:
            return False
        return not self.needs_followup(bool(value["yes"])) or bool(value.get("note"))

    def asks_note(self, value: Value) -> bool:
        return self.needs_followup(bool(value.get("yes"))) and not value.get("note")

    def waived(self, value: Value, waiver: str) -> bool:
        return "yes" in value and bool(value["yes"]) == (waiver == "yes")

    def takes_text(self, *, followup: bool) -> bool:
        return followup

    def signals_breach(self) -> bool:
        return self.flavour == "violation"

    def chat_text(self, value: Value, scope: Scope) -> str | None:
        if "yes" not in value:
            return None
        note = value.get("note")
        return zh.yes_no_text(bool(value["yes"])) + (f"；{escape(zh.clip(str(note), 120))}" if note else "")

    def web_text(self, value: Value, scope: Scope) -> str | None:
        if "yes" not in value:
            return None
        note = value.get("note")
        return zh.yes_no_text(bool(value["yes"])) + (f"；{note}" if note else "")

    def export_text(self, value: Value, scope: Scope) -> str | None:
        text = zh.EXPORT_YES if value.get("yes") else zh.EXPORT_NO
        return text + (f"；{value['note']}" if value.get("note") else "")

    def note_of(self, value: Value) -> tuple[str, int] | None:
        note = value.get("note")
        return (zh.yes_no_text(bool(value.get("yes"))), len(str(note))) if note else None

    def note_question(self) -> str | None:
        return self.followup

    def describe(self, labels: dict[str, str]) -> str:
        return zh.OUTLINE_YESNO[self.flavour]

    def buttons(self, report: int, item: str) -> ButtonRows:
        return [[(zh.BTN_YES, bt.Walk(report, item, "yn", 1)), (zh.BTN_NO, bt.Walk(report, item, "yn", 0))]]

    def ask_lines(self, value: Value, scope: Scope, *, row: int, redo: bool, long_limit: int) -> list[str]:
        return [zh.ASK_YESNO]

    def followup_lines(self, value: Value, *, long_limit: int) -> list[str]:
        return [zh.followup(bool(value.get("yes")), self.followup), zh.ASK_TEXT.format(limit=long_limit)]

    def web_fields(self, key: str, value: Value) -> list[WebField]:
        stored = "1" if value.get("yes") is True else ("0" if value.get("yes") is False else "")
        return [
            Options(key, [("1", web.YES), ("0", web.NO)], stored, boxed=True),
            TextBox(f"{key}.note", value.get("note"), prompt=f"{web.NOTE_PROMPT}（{self.followup}）"),
        ]
