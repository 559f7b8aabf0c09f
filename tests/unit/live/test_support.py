"""The live suite's helpers: write tags, validator-safe data, Airflow set-up, masked env."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

from imednet_live.core.settings import Settings
from imednet_live.discovery.rules import FormRef, VariableRef
from imednet_live.live.support import (
    AirflowSetupError,
    SecretEnv,
    airflow_connection,
    airflow_environment,
    first_variable,
    prepare_airflow_db,
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


class _FakeMigrate:
    """Stands in for ``airflow db migrate``: writes the DB its environment names, counts."""

    def __init__(self, fail: bool = False) -> None:
        self.calls = 0
        self.fail = fail

    def __call__(self, env: Mapping[str, str], secrets: Iterable[str]) -> None:
        self.calls += 1
        assert "sec-SECRET-2" in set(secrets)  # redaction of its output knows the keys
        if self.fail:
            raise AirflowSetupError("airflow db migrate exited 1")
        db = Path(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].removeprefix("sqlite:///"))
        db.write_text(f"migrated schema #{self.calls}", encoding="utf-8")


def test_airflow_db_is_migrated_once_per_version_and_copied_into_each_home(
    tmp_path: Path,
) -> None:
    migrate = _FakeMigrate()
    templates = tmp_path / "templates"
    homes = [tmp_path / "a", tmp_path / "b"]
    for home in homes:
        home.mkdir()
        db = prepare_airflow_db(
            home, SETTINGS, version="3.3.2", templates=templates, migrate=migrate
        )
        assert db == home / "airflow.db"
        assert db.read_text(encoding="utf-8") == "migrated schema #1"
    assert migrate.calls == 1
    (homes[0] / "airflow.db").write_text("written by a dag.test()", encoding="utf-8")
    assert (homes[1] / "airflow.db").read_text(encoding="utf-8") == "migrated schema #1"
    other = tmp_path / "c"
    other.mkdir()
    prepare_airflow_db(other, SETTINGS, version="3.4.0", templates=templates, migrate=migrate)
    assert migrate.calls == 2  # another Airflow version has its own template
    assert sorted(p.name for p in templates.glob("*.db")) == [
        "airflow-3_3_2.db",
        "airflow-3_4_0.db",
    ]


def test_a_failed_migration_leaves_no_template_behind(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    home = tmp_path / "home"
    home.mkdir()
    with pytest.raises(AirflowSetupError, match="exited 1"):
        prepare_airflow_db(
            home, SETTINGS, version="3.3.2", templates=templates, migrate=_FakeMigrate(fail=True)
        )
    assert not list(templates.glob("*.db"))
    assert not [p for p in templates.iterdir() if p.is_dir()]  # no scratch home left
    migrate = _FakeMigrate()
    prepare_airflow_db(home, SETTINGS, version="3.3.2", templates=templates, migrate=migrate)
    assert migrate.calls == 1  # the next session migrates afresh
