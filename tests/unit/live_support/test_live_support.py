"""The live suite's helpers: write tags, validator-safe data, Airflow set-up, masked env."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imednet_live.config import Settings
from imednet_live.discovery.rules import FormRef, VariableRef
from imednet_live.live_support import (
    SecretEnv,
    airflow_connection,
    airflow_environment,
    first_variable,
    validator_safe_data,
    write_tag,
)

FORM = FormRef(
    form_key="DEMOG",
    form_id=2,
    variables=(
        VariableRef(name="VISDAT", type="DATE"),
        VariableRef(name="AGE", type="Integer"),
        VariableRef(name="NOTES", type="TEXT"),
        VariableRef(name="WEIGHT", type="float"),
        VariableRef(name="COMMENT", type="text"),
    ),
)
SETTINGS = Settings.from_env(
    {
        "IMEDNET_API_KEY": "api-SECRET-1",
        "IMEDNET_SECURITY_KEY": "sec-SECRET-2",
        "IMEDNET_BASE_URL": "http://127.0.0.1:9",
    }
)


def test_write_tags_are_unique_and_filter_safe() -> None:
    tags = {write_tag("gw-3") for _ in range(500)}
    assert len(tags) == 500
    assert all(t.isalnum() and t.startswith("lt") and t.endswith("gw3") for t in tags)


def test_first_variable_matches_type_case_insensitively_in_form_order() -> None:
    assert first_variable(FORM, {"TEXT"}) == VariableRef(name="NOTES", type="TEXT")
    assert first_variable(FORM, {"checkbox"}) is None


def test_validator_safe_data_targets_only_types_the_sdk_validates() -> None:
    assert validator_safe_data(FORM, "lt123") == {"NOTES": "lt123", "AGE": 7, "WEIGHT": 2.5}


def test_validator_safe_data_needs_a_text_variable_for_the_tag() -> None:
    form = FormRef(form_key="VS", form_id=3, variables=(VariableRef("PULSE", "number"),))
    with pytest.raises(LookupError, match="form VS has no text variable"):
        validator_safe_data(form, "lt1")


def test_airflow_connection_carries_credentials_for_the_hook() -> None:
    conn = json.loads(airflow_connection(SETTINGS))
    assert conn["login"] == "api-SECRET-1"
    assert conn["password"] == "sec-SECRET-2"
    assert conn["extra"] == {"base_url": "http://127.0.0.1:9"}


def test_airflow_connection_refuses_missing_credentials() -> None:
    with pytest.raises(ValueError, match="IMEDNET_API_KEY and IMEDNET_SECURITY_KEY"):
        airflow_connection(Settings.from_env({}))


def test_airflow_environment_is_isolated_per_home(tmp_path: Path) -> None:
    env = airflow_environment(tmp_path, SETTINGS)
    assert env["AIRFLOW_HOME"] == str(tmp_path)
    assert Path(env["AIRFLOW__CORE__DAGS_FOLDER"]).is_dir()
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].endswith(str(tmp_path / "airflow.db"))
    assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "False"


def test_secret_env_never_prints_its_values() -> None:
    env = SecretEnv({"IMEDNET_API_KEY": "api-SECRET-1"})
    assert "SECRET" not in repr(env)
    assert "SECRET" not in str(env)
    assert "IMEDNET_API_KEY" in repr(env)
    assert env["IMEDNET_API_KEY"] == "api-SECRET-1"
