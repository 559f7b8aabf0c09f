"""Sample record data: one value of the documented JSON type for each variable."""

from __future__ import annotations

import datetime

import pytest

from imednet_live.discovery.record_data import value_for_type
from imednet_live.discovery.rules import FormRef, VariableRef, sample_record_data

ALL_TYPES = ("text", "memo", "number", "integer", "float", "date", "radio", "dropdown", "checkbox")


def _form(*variables: tuple[str, str]) -> FormRef:
    return FormRef("F", 1, tuple(VariableRef(name, kind) for name, kind in variables))


@pytest.mark.parametrize("kind", ["text", "memo", "radio", "dropdown", "TEXT", "Radio"])
def test_string_types_get_strings(kind):
    assert isinstance(value_for_type(kind), str)


@pytest.mark.parametrize("kind", ["number", "integer", "INTEGER"])
def test_whole_number_types_get_ints_not_bools(kind):
    value = value_for_type(kind)
    assert type(value) is int


def test_float_gets_a_float():
    assert type(value_for_type("float")) is float


@pytest.mark.parametrize("kind", ["checkbox", "CHECKBOX", "boolean"])
def test_checkbox_gets_a_json_boolean(kind):
    assert value_for_type(kind) is True


def test_date_is_an_iso_date_string():
    value = value_for_type("date")
    assert isinstance(value, str)
    datetime.date.fromisoformat(value)


def test_every_variable_of_a_known_type_gets_a_value():
    form = _form(*((f"V_{kind}", kind) for kind in ALL_TYPES))
    data = sample_record_data(form)
    assert set(data) == {f"V_{kind}" for kind in ALL_TYPES}
    assert data["V_checkbox"] is True
    assert type(data["V_integer"]) is int
    assert type(data["V_float"]) is float


def test_unknown_types_are_left_out_rather_than_guessed():
    data = sample_record_data(_form(("SIG", "signature"), ("AETERM", "text")))
    assert data == {"AETERM": value_for_type("text")}


def test_form_without_variables_gives_empty_data():
    assert sample_record_data(FormRef("F", 0)) == {}
