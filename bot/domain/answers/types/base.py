"""What every answer type does. An answer type is the pydantic model of a point's `answer` in the outline
JSON and owns everything that differs between types: reading a typed message, a button or a web form,
whether a stored value is complete, its text for chat (HTML-escaped), the web and exports, the buttons and
prompt of its walk screen, its web form fields and how `xcheck outline show` describes it.

Stored values are plain dicts (`{"yes": true, "note": …}`, `{"choice": …}`, `{"n": …}`, `{"text": …}`,
`{"rows": {…}, "confirmed": …}`); callers handle what is common to every item before asking the type: no value,
a skipped item (`{"skipped": true}`) and narratives. Nothing here imports telegram or aiohttp: buttons are
payloads of bot.core.buttons with their labels, web fields are plain descriptions the web channel draws.

What a type needs of its report (a table's rows, the rates over them) comes through `Scope`; the outline
loader imports these classes, so they must not import the outline or rule modules at run time."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeAlias

from pydantic import BaseModel, ConfigDict

from bot.core import buttons as bt

if TYPE_CHECKING:
    from bot.domain.answers.types.numbers import NumberField, Numbers
    from bot.domain.walk.figures import Table
    from bot.domain.walk.rules import Finding, RateLine, Row

Value: TypeAlias = dict[str, Any]
# A walk screen's answer buttons: rows of (label, payload).
ButtonRows: TypeAlias = list[list[tuple[str, bt.Walk]]]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scope(Protocol):
    """What an answer sees of its report: the rows of its table and the figures over them
    (bot.domain.answers.types.scope
    builds one from a report's outline, answers and certificates)."""

    def rows(self) -> list[Row]: ...

    def rates(self) -> list[RateLine]: ...

    def table(self, label: str) -> Table: ...

    def check(self, row: Row, values: dict[str, int]) -> list[Finding]: ...

    def earlier(self, row: Row) -> list[tuple[str, int]]: ...


@dataclass(frozen=True, slots=True)
class FormRead:
    """What a web form gives for one point: the new value (None: leave the stored one), the table's findings
    (errors refuse it, warnings need confirming) and whether an explanation the answer needs is missing."""

    value: Value | None
    findings: list[Finding] = field(default_factory=list)
    needs_note: bool = False


# --- web form fields: plain descriptions, drawn by bot/web -----------------------------------------------
@dataclass(frozen=True, slots=True)
class Options:
    """Radio buttons named `name`: (value sent, label) each; `stored` the value now stored ("" for none);
    `boxed`: in a block of their own (an explanation box follows)."""

    name: str
    options: list[tuple[str, str]]
    stored: str
    boxed: bool = False


@dataclass(frozen=True, slots=True)
class NumberBox:
    name: str
    label: str
    lo: int
    hi: int
    unit: str
    stored: Any


@dataclass(frozen=True, slots=True)
class TextBox:
    """A text area; `prompt` labels it (above), `limit` says how long it may be (below)."""

    name: str
    stored: Any
    prompt: str = ""
    limit: str = ""


@dataclass(frozen=True, slots=True)
class TableForm:
    """A table of number inputs, one row per certificate or level (the web page draws it with live rates)."""

    answer: Numbers


WebField: TypeAlias = Options | NumberBox | TextBox | TableForm


class AnswerType(Strict):
    """The behaviour every answer type implements. `type` is the discriminator in the outline JSON."""

    type: str
    # Whether ★ evidence may be waived by the answer (the outline's evidence_waived_by).
    waives_evidence: ClassVar[bool] = False

    # --- reading input ---------------------------------------------------------------------------------
    @abstractmethod
    def parse(self, text: str, *, long_limit: int) -> Value:
        """The value one typed message gives (a table: one row's cells by field id); Invalid when it cannot be."""
        raise NotImplementedError

    def from_button(self, action: bt.WalkAction, arg: int | None) -> Value | None:
        """The value an answer button gives; None when the button is not one of this type's (stale)."""
        return None

    def carry_over(self, old: Value, new: Value) -> Value:
        """The value to store when `new` replaces `old` (a yes/no keeps its explanation if unchanged)."""
        return new

    def add_note(self, old: Value, text: str, *, long_limit: int) -> Value | None:
        """The stored value with a typed explanation added; None when this type asks for none."""
        return None

    @abstractmethod
    def read_form(self, form: Mapping[str, str], key: str, scope: Scope, *, long_limit: int) -> FormRead:
        """This point's new value from a web section form (fields named after `key`); Invalid when it cannot be."""
        raise NotImplementedError

    # --- what a value means ----------------------------------------------------------------------------
    @abstractmethod
    def complete(self, value: Value, scope: Scope) -> bool:
        """Whether a stored (not skipped) value answers the point in full."""
        raise NotImplementedError

    def asks_note(self, value: Value) -> bool:
        """Whether the walk asks for an explanation of this value now (a 否 on a practice question…)."""
        return False

    def waived(self, value: Value, waiver: str) -> bool:
        """Whether this value waives the point's evidence (the outline's evidence_waived_by `waiver`)."""
        return False

    def takes_text(self, *, followup: bool) -> bool:
        """Whether a typed free text is this point's answer (at its follow-up step when `followup`)."""
        return False

    def as_table(self) -> Numbers | None:
        """The numbers table this answer is, for the table's own steps (confirm, pick a row); None otherwise."""
        return None

    def number_fields(self) -> list[NumberField]:
        """The number fields this answer asks (other points' checks and rates refer to them by id)."""
        return []

    def signals_breach(self) -> bool:
        """Whether a 是 here reports a breach (a violation question), so the outline may tag it as an alert."""
        return False

    # --- text ------------------------------------------------------------------------------------------
    @abstractmethod
    def chat_text(self, value: Value, scope: Scope) -> str | None:
        """The stored answer in a few words for chat, HTML-escaped; None when there is none."""
        raise NotImplementedError

    @abstractmethod
    def web_text(self, value: Value, scope: Scope) -> str | None:
        """The stored answer in plain words for a web page (the page escapes it); None when there is none."""
        raise NotImplementedError

    @abstractmethod
    def export_text(self, value: Value, scope: Scope) -> str | None:
        """The stored answer as plain text for the workbook and the Word report; None when there is none."""
        raise NotImplementedError

    def saved_label(self, what: str) -> str:
        """The chat's one-line acknowledgement of a typed answer: `what` (its chat text) as shown there."""
        return what

    def note_of(self, value: Value) -> tuple[str, int] | None:
        """(the answer in a word, the explanation's length) when the value carries an explanation."""
        return None

    def note_question(self) -> str | None:
        """What the explanation an answer needs should say (shown when it is missing); None: none is asked."""
        return None

    @abstractmethod
    def describe(self, labels: dict[str, str]) -> str:
        """How `xcheck outline show` describes the answer; `labels` names every number field by id."""
        raise NotImplementedError

    # --- the walk's screen and the web form ------------------------------------------------------------
    def buttons(self, report: int, item: str) -> ButtonRows:
        """The answer buttons of the walk screen asking this point."""
        return []

    @abstractmethod
    def ask_lines(self, value: Value, scope: Scope, *, row: int, redo: bool, long_limit: int) -> list[str]:
        """The walk screen's prompt (chat HTML): what to send or press; `row` is the table row asked."""
        raise NotImplementedError

    def followup_lines(self, value: Value, *, long_limit: int) -> list[str]:
        """The prompt of the follow-up step asking for an explanation (chat HTML); [] when there is none."""
        return []

    @abstractmethod
    def web_fields(self, key: str, value: Value) -> list[WebField]:
        """The inputs of this point on the web section page, named after `key` (as read_form reads them)."""
        raise NotImplementedError
