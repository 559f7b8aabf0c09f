"""Run inside a venv holding one SDK build; prints what sdk_compat decides there, as JSON."""

from __future__ import annotations

import json

from imednet_live import sdk_compat

kwargs = {"api_key": "k", "security_key": "s", "base_url": "http://127.0.0.1:9"}
found: dict[str, object] = {
    "distributions": sdk_compat.installed_distributions(),
    "missing": sdk_compat.missing_surfaces(),
    "extras": sorted(sdk_compat.extras()),
    "pandas_hint": sdk_compat.pandas_install_hint(),
    "job_failed_error": sdk_compat.job_failed_error().__name__,
}
try:
    found["workflows"] = sdk_compat.workflow_module("study_structure").__name__
except sdk_compat.SurfaceMissing as exc:
    found["workflows"] = f"missing: {exc.distribution}"
try:
    found["airflow_package"] = sdk_compat.airflow_package()
except sdk_compat.SurfaceMissing as exc:
    found["airflow_package"] = f"missing: {exc.distribution}"
found["cli_is_click"] = sdk_compat.cli_is_click(sdk_compat.cli_entry())
with sdk_compat.open_sync(kwargs) as sync_client:  # type: ignore[arg-type]
    found["sync_open"] = type(sync_client).__name__
client = sdk_compat.open_async(kwargs)  # type: ignore[arg-type]
try:
    client.close()
    found["naive_async_close"] = "ok"
except TypeError:
    found["naive_async_close"] = "TypeError"
sdk_compat.close_async(client)
sdk_compat.close_async(client)  # idempotent
found["compat_async_close"] = "ok"
print(json.dumps(found))
