"""Small pieces the live suite needs, kept in the package so they can be unit-tested.

Write tags make every write of every worker and every run distinguishable, so a
read-after-write check can never be satisfied by data an earlier run left behind.
Variable choice follows the SDK's local validator (``SchemaValidator``), which only
knows text, integer/number, float/decimal and bool: workflow data that targets any
other type would fail before reaching the API. The Airflow helpers give each session
its own metadata database, because ``dag.test()`` needs a migrated one.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from imednet_live.core.redaction import redact

if TYPE_CHECKING:
    from imednet_live.core.settings import Settings
    from imednet_live.discovery.rules import FormRef, VariableRef

# Variable types the SDK's SchemaValidator accepts, and the Python type it demands.
TEXT_TYPES: frozenset[str] = frozenset({"text", "string"})
INTEGER_TYPES: frozenset[str] = frozenset({"int", "integer", "number"})
FLOAT_TYPES: frozenset[str] = frozenset({"float", "decimal"})

_UNSAFE = re.compile(r"[^A-Za-z0-9]")
AIRFLOW_CONN_ENV = "AIRFLOW_CONN_IMEDNET_DEFAULT"
AIRFLOW_MIGRATE_TIMEOUT_S = 300.0
# Beside the venv (sys.prefix): migrated metadata DBs to copy, one per Airflow version.
AIRFLOW_DB_TEMPLATES = ".imednet-live-airflow-db"


class SecretEnv(dict[str, str]):
    """An environment mapping whose repr masks every value.

    pytest prints test arguments in failure reports; an env dict holding credentials
    must not turn a failing test into a leaked key.
    """

    def __repr__(self) -> str:
        return f"SecretEnv({', '.join(sorted(self))})"

    __str__ = __repr__


def write_tag(worker: str | None = None) -> str:
    """A value unique per call, worker and run: ``lt`` + 10 hex digits + worker id.

    Letters and digits only, so it survives any filter grammar unquoted.
    """
    from imednet_live.recording import session as recording_session

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main") if worker is None else worker
    # Recorded per test when recording, handed back on replay (see recording/session.py).
    return recording_session.write_tag(f"lt{uuid.uuid4().hex[:10]}{_UNSAFE.sub('', worker)}")


def first_variable(form: FormRef, types: Iterable[str]) -> VariableRef | None:
    """The form's first variable whose type is one of ``types`` (case-insensitive)."""
    wanted = {t.lower() for t in types}
    return next((v for v in form.variables if v.name and v.type.strip().lower() in wanted), None)


def validator_safe_data(form: FormRef, tag: str) -> dict[str, object]:
    """Data the SDK's local validator accepts: the tag in a text variable, typed numbers.

    Raises LookupError when the form has no text variable to carry the tag.
    """
    text = first_variable(form, TEXT_TYPES)
    if text is None:
        raise LookupError(f"form {form.form_key} has no text variable")
    data: dict[str, object] = {text.name: tag}
    integer = first_variable(form, INTEGER_TYPES)
    if integer is not None:
        data[integer.name] = 7
    decimal = first_variable(form, FLOAT_TYPES)
    if decimal is not None:
        data[decimal.name] = 2.5
    return data


def airflow_connection(settings: Settings) -> str:
    """The ``AIRFLOW_CONN_IMEDNET_DEFAULT`` JSON that ``ImednetHook`` reads (login/password)."""
    settings.require_credentials()
    return json.dumps(
        {
            "conn_type": "generic",
            "login": settings.api_key,
            "password": settings.security_key,
            "extra": {"base_url": settings.base_url},
        }
    )


def airflow_environment(home: Path, settings: Settings) -> dict[str, str]:
    """Variables that must be set before ``airflow`` is first imported in a process."""
    dags = home / "dags"
    dags.mkdir(parents=True, exist_ok=True)
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        AIRFLOW_CONN_ENV: airflow_connection(settings),
    }


class AirflowSetupError(RuntimeError):
    """``airflow db migrate`` failed; the message carries the tail of its output."""


def migrate_airflow_db(env: Mapping[str, str], secrets: Iterable[str] = ()) -> None:
    """Run ``airflow db migrate`` for the home in ``env`` in a child process.

    A child process because migration must not import Airflow into the test process
    with a half-built configuration. Output is redacted before it can reach a report.
    """
    result = subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=AIRFLOW_MIGRATE_TIMEOUT_S,
        check=False,
    )
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-20:])
        raise AirflowSetupError(
            f"airflow db migrate exited {result.returncode}:\n{redact(tail, secrets)}"
        )


def airflow_db_template(version: str, templates: Path | None = None) -> Path:
    """Where this venv keeps a migrated, empty metadata DB for Airflow ``version``."""
    templates = Path(sys.prefix) / AIRFLOW_DB_TEMPLATES if templates is None else templates
    return templates / f"airflow-{_UNSAFE.sub('_', version)}.db"


def prepare_airflow_db(
    home: Path,
    settings: Settings,
    *,
    version: str | None = None,
    templates: Path | None = None,
    migrate: Callable[[Mapping[str, str], Iterable[str]], None] = migrate_airflow_db,
) -> Path:
    """Give ``home`` a migrated metadata DB: a copy of this venv's template for the version.

    A migration costs seconds of CPU (a child process importing Airflow) and its result
    does not depend on the home: the schema and seed rows are the same, and DAG bundles
    are written by ``dag.test()`` itself. So the first session of a venv migrates once,
    into a template beside the venv, under a file lock; later ones copy it.
    """
    from filelock import FileLock

    version = version or importlib.metadata.version("apache-airflow-core")
    template = airflow_db_template(version, templates)
    template.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(f"{template}.lock"):
        if not template.exists():
            with tempfile.TemporaryDirectory(dir=template.parent, prefix="migrate-") as tmp:
                scratch = Path(tmp)
                migrate(airflow_environment(scratch, settings), settings.secrets)
                os.replace(scratch / "airflow.db", template)
    target = home / "airflow.db"
    shutil.copyfile(template, target)
    return target
