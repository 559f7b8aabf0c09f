"""A str enum whose members carry the words the docs tables and the runbook print.

Skip categories and failure kinds are both the charter's vocabulary: each member is its
wire value plus the condition that produces it, what the operator sees, and what to do.
Pure standard library, so the noxfile and the docs generator can import it.
"""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

E = TypeVar("E", bound="ExplainedEnum")


class ExplainedEnum(str, Enum):
    """``value`` is the name on the wire; ``condition``, ``outcome``, ``action`` explain it."""

    _value_: str
    condition: str
    outcome: str
    action: str

    def __new__(cls: type[E], value: str, condition: str, outcome: str, action: str) -> E:
        member = str.__new__(cls, value)
        member._value_ = value
        member.condition = condition
        member.outcome = outcome
        member.action = action
        return member

    def __str__(self) -> str:
        return self.value
