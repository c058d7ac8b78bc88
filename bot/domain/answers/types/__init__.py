"""Answer types: one class per kind of answer a monitoring point takes (bot.domain.answers.types.base says what each
does), and the registry of them, `Answer`: the pydantic union the outline JSON is validated with. A new kind
of answer is a new module here, its class added to `Answer`, and its wording in messages/."""

from __future__ import annotations

from typing import Annotated, get_args

from pydantic import Field

from bot.domain.answers.types.base import AnswerType
from bot.domain.answers.types.choice import Choice
from bot.domain.answers.types.number import Number
from bot.domain.answers.types.numbers import Check, NumberField, Numbers, Rate
from bot.domain.answers.types.text import Text
from bot.domain.answers.types.yesno import YesNo

Answer = Annotated[YesNo | Choice | Number | Text | Numbers, Field(discriminator="type")]
# Every class of the union, for code that lists them (tests prove each implements every method).
ANSWER_TYPES: tuple[type[AnswerType], ...] = get_args(get_args(Answer)[0])

__all__ = [
    "ANSWER_TYPES",
    "Answer",
    "AnswerType",
    "Check",
    "Choice",
    "Number",
    "NumberField",
    "Numbers",
    "Rate",
    "Text",
    "YesNo",
]
