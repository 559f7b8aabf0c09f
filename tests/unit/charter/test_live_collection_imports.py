"""A worker's start-up is collection: collecting tests/live imports no SDK and no heavy extra.

Workers pay for what they import before their first test; the SDK (which imports pandas
when it is installed), pandas, Airflow and the rest are imported by the tests and
fixtures that use them. Checked in a real subprocess, on the real tests/live, in this
venv (the exports profile: the SDK, pandas, pyarrow, SQLAlchemy, vcrpy, openapi-core and
FastAPI are all installed, so an import of any of them would succeed and show).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from plugin_support import REPO_ROOT, enabled_env

HEAVY = (
    "imednet",
    "pandas",
    "pyarrow",
    "numpy",
    "sqlalchemy",
    "airflow",
    "vcr",
    "openapi_core",
    "fastapi",
    "uvicorn",
    "psycopg",
    "openpyxl",
    "httpx",
    "pydantic",
)

PROBE = f"""
import json, sys
import pytest
code = pytest.main(["--collect-only", "-q", "-p", "no:cacheprovider"])
loaded = sorted(name for name in {HEAVY!r} if name in sys.modules)
print("PROBE " + json.dumps({{"exit": int(code), "loaded": loaded}}))
"""


def test_collecting_the_live_suite_imports_no_heavy_package() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMEDNET_", "PYTEST_"))}
    env.update(enabled_env(), IMEDNET_ALLOW_MUTATION="1", PYTHONDONTWRITEBYTECODE="1")
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO_ROOT / "tests" / "live", env=env,
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.startswith("PROBE ")]
    assert lines, done.stdout + done.stderr
    result = json.loads(lines[-1].removeprefix("PROBE "))
    assert result["exit"] == 0, done.stdout + done.stderr
    assert "collected" in done.stdout, done.stdout  # it did collect the suite
    assert result["loaded"] == [], f"collection imported {result['loaded']}"
