"""Record data the API accepts for any form: one typed value per variable.

Values follow the vendor's "Data value types" (CONTRACT 1.5) via the SDK's own
``imednet.testing.typed_values``, so smoke and live writes agree with the SDK's tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

# Types typed_values does not know but the API documents as booleans.
_EXTRA_VALUES: dict[str, object] = {"bool": True, "boolean": True}


class _Variable(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...


class _Form(Protocol):
    """What ``sample_record_data`` reads of a form (``discovery.FormRef`` fits)."""

    @property
    def variables(self) -> Iterable[_Variable]: ...


def value_for_type(variable_type: str) -> object | None:
    """An example value for ``variable_type`` (case-insensitive), or None if unknown."""
    name = variable_type.strip()
    from imednet.testing.typed_values import value_for  # the SDK: when a value is needed

    value = value_for(name)
    if value is None:
        value = _EXTRA_VALUES.get(name.lower())
    return value


def sample_record_data(form: _Form) -> dict[str, object]:
    """``{variableName: value}`` for every variable of a known type; unknown types are left out.

    Leaving a variable out is always valid for the API; guessing a value for a type we do
    not know could turn a healthy environment red.
    """
    data: dict[str, object] = {}
    for variable in form.variables:
        value = value_for_type(variable.type)
        if value is not None and variable.name:
            data.setdefault(variable.name, value)
    return data
