"""Without an optional dependency the SDK says which one is missing, instead of half-working.

These tests run only where the package is absent (``requires_absent``; deselected
elsewhere), so the core profile proves graceful degradation instead of only skipping.
The expected messages are the ones SDK 0.5.0 actually produces.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from live_checks import run_cli
from study_size import require_walkable

from imednet_live.core.settings import Settings
from imednet_live.sdk import compat as sdk_compat

if TYPE_CHECKING:  # the SDK (and pandas with it) is imported by the tests that run
    from imednet import ImednetSDK

pytestmark = pytest.mark.resource("optional_deps")

PANDAS_HINT = rf"pandas is required for [\w.]+\. Install with {sdk_compat.pandas_install_hint()}"


def _importable(package: str) -> bool:
    return importlib.util.find_spec(package) is not None


def _bounded_before_writing(sdk: ImednetSDK, settings: Settings, study_key: str, fn: str) -> None:
    """With pandas present the helper reads the whole study before the writer fails."""
    if _importable("pandas"):
        require_walkable(sdk, settings, study_key, "records", "records", fn, allow_empty=True)


@pytest.mark.requires_absent("pandas")
@pytest.mark.parametrize(
    ("function", "args"),
    [
        pytest.param(
            "export_to_csv",
            ("{tmp}/out.csv",),
            marks=pytest.mark.sdk_surface_change("export_mapper_plugin"),
        ),
        ("export_to_json", ("{tmp}/out.json",)),
        ("export_to_excel", ("{tmp}/out.xlsx",)),
        ("export_to_parquet", ("{tmp}/out.parquet",)),
        ("export_to_long_sql", ("answers", "sqlite:///{tmp}/out.db")),
    ],
)
def test_exports_without_pandas_name_pandas(
    sdk: ImednetSDK, study_key: str, tmp_path: Path, function: str, args: tuple[str, ...]
) -> None:
    from imednet.integrations import export

    resolved = [a.format(tmp=tmp_path) for a in args]
    with pytest.raises(ImportError, match=PANDAS_HINT):
        getattr(export, function)(sdk, study_key, *resolved)
    assert not list(tmp_path.iterdir()), "a failed export must not leave a file behind"


@pytest.mark.requires_absent("pandas")
@pytest.mark.requires_sdk("workflows")
def test_record_mapper_without_pandas_names_pandas(sdk: ImednetSDK, study_key: str) -> None:
    with pytest.raises(ImportError, match=PANDAS_HINT):
        sdk.workflows.record_mapper.dataframe(study_key)


@pytest.mark.requires_absent("sqlalchemy")
@pytest.mark.parametrize("function", ["export_to_sql", "export_to_sql_by_form"])
def test_sql_exports_without_sqlalchemy_name_it(
    sdk: ImednetSDK, study_key: str, tmp_path: Path, function: str
) -> None:
    from imednet.integrations import export

    url = f"sqlite:///{tmp_path / 'out.db'}"
    args = ("records", url) if function == "export_to_sql" else (url,)
    with pytest.raises(ModuleNotFoundError) as raised:
        getattr(export, function)(sdk, study_key, *args)
    assert raised.value.name == "sqlalchemy"


@pytest.mark.requires_absent("pyarrow")
@pytest.mark.requires_sdk("record_export")  # with pandas present, the mapper loads first
def test_parquet_export_without_pyarrow_names_the_missing_package(
    sdk: ImednetSDK, settings: Settings, study_key: str, tmp_path: Path
) -> None:
    """pandas is checked first; with pandas present, pandas itself names pyarrow."""
    from imednet.integrations.export import export_to_parquet

    _bounded_before_writing(sdk, settings, study_key, "export_to_parquet")
    missing = "pyarrow" if _importable("pandas") else "pandas"
    with pytest.raises(ImportError, match=missing):
        export_to_parquet(sdk, study_key, str(tmp_path / "out.parquet"))


@pytest.mark.requires_absent("openpyxl")
@pytest.mark.requires_sdk("record_export")  # with pandas present, the mapper loads first
def test_excel_export_without_openpyxl_names_the_missing_package(
    sdk: ImednetSDK, settings: Settings, study_key: str, tmp_path: Path
) -> None:
    from imednet.integrations.export import export_to_excel

    _bounded_before_writing(sdk, settings, study_key, "export_to_excel")
    missing = "openpyxl" if _importable("pandas") else "pandas"
    with pytest.raises(ImportError, match=missing):
        export_to_excel(sdk, study_key, str(tmp_path / "out.xlsx"))


@pytest.mark.requires_absent("airflow")
@pytest.mark.requires_sdk("airflow")
@pytest.mark.parametrize(
    "module", sdk_compat.AIRFLOW_SUBMODULES, ids=["package", "hooks", "operators"]
)
def test_airflow_integration_without_airflow_names_it(module: str) -> None:
    with pytest.raises(ModuleNotFoundError) as raised:
        importlib.import_module(sdk_compat.airflow_package() + module)
    assert raised.value.name == "airflow"


def _cli_fails_naming(
    settings: Settings, env: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    """Exit 1 with one line naming the package: no traceback, no file."""
    result = run_cli(settings, env, *args)
    assert result.exit_code == 1, f"imednet {' '.join(args)} exited {result.exit_code}"
    assert message in result.output, result.output
    assert "Traceback" not in result.output


CLI_CASES = [
    pytest.param(
        "pandas",
        ("export", "csv", "{study}", "{tmp}/out.csv"),
        "pandas is required for CSV export",
        marks=pytest.mark.requires_absent("pandas"),
        id="csv-without-pandas",
    ),
    pytest.param(
        "pandas",
        ("export", "json", "{study}", "{tmp}/out.json"),
        "pandas is required",
        marks=pytest.mark.requires_absent("pandas"),
        id="json-without-pandas",
    ),
    pytest.param(
        "pyarrow",
        ("export", "parquet", "{study}", "{tmp}/out.parquet"),
        "pyarrow is required for Parquet export",
        marks=pytest.mark.requires_absent("pyarrow"),
        id="parquet-without-pyarrow",
    ),
    pytest.param(
        "openpyxl",
        ("export", "excel", "{study}", "{tmp}/out.xlsx"),
        "pandas and openpyxl are required for Excel export",
        marks=pytest.mark.requires_absent("openpyxl"),
        id="excel-without-openpyxl",
    ),
    pytest.param(
        "sqlalchemy",
        ("export", "sql", "{study}", "records", "sqlite:///{tmp}/out.db"),
        "SQLAlchemy is required for SQL export",
        marks=pytest.mark.requires_absent("sqlalchemy"),
        id="sql-without-sqlalchemy",
    ),
]


@pytest.mark.parametrize(("package", "args", "message"), CLI_CASES)
def test_cli_export_without_package_says_so(
    settings: Settings,
    cli_env: dict[str, str],
    study_key: str,
    tmp_path: Path,
    package: str,
    args: tuple[str, ...],
    message: str,
) -> None:
    resolved = tuple(a.format(study=study_key, tmp=tmp_path) for a in args)
    _cli_fails_naming(settings, cli_env, resolved, message)
    assert not list(tmp_path.iterdir()), f"export without {package} left a file behind"
