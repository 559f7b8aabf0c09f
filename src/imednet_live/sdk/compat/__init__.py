"""The one package that knows how SDK releases differ (0.5.0 to the 0.8 packages).

Everything else (smoke, discovery, the live fixtures and tests, the plugin) asks here
(one module per surface: builds, models, clients, jobs, workflows, cli, listings)
instead of testing a version: where workflows and the Airflow integration live, how an
async client is closed, how a job is polled and what a FAILED job raises, what the CLI
entry point is and what the extras are called. Decisions are feature detection on the
installed files and objects, never version strings, so an unreleased checkout is judged
by what it has. Surfaces are probed without importing the SDK (``find_spec`` and the
package folder), so the plugin can ask at start-up without importing ``imednet``.

What changed, per public tag (../shared/imednet-api/REAL-API-OBSERVATIONS.md):
0.5.3 ``AsyncImednetSDK.close()`` raises TypeError; 0.5.5 POST no longer retried on 5xx;
0.8 workflows (and the SDK's own job poller and record export) move to
``imednet-workflows``, Airflow to ``apache-airflow-providers-imednet``, extras renamed
(``export``, ``cli``); after 0.8 the CLI becomes a plain function and ``poll_job``
raises ``JobFailedError``. SDK main (0.8.0+main) makes every ``list()`` a lazy iterator,
dispatches ``list``/``get``/``create`` to async on ``AsyncImednetSDK`` endpoints instead of
``async_list``/``async_create``, and makes the CLI an argparse function (``app(argv)``);
the deliberate ones that break user code are declared in ``surface_changes``. It also
builds its models at import time from an API contract it looks for outside the package
(``contract_defect`` says when it found none) and has a strict drift check
(``strict_mode_variable``, ``strict_drift``). Builds are named apart by their local
label or checkout commit (``build_versions``).
"""

from imednet_live.sdk.compat.builds import (
    AIRFLOW_DIST,
    AIRFLOW_SUBMODULES,
    SURFACES,
    WORKFLOWS_DIST,
    SurfaceMissing,
    build_description,
    build_versions,
    checkout_label,
    extras,
    installed_distributions,
    missing_surfaces,
    named_version,
    pandas_install_hint,
    sdk_version,
)
from imednet_live.sdk.compat.cli import (
    CliResult,
    cli_entry,
    cli_is_click,
    cli_script,
    run_cli,
)
from imednet_live.sdk.compat.clients import (
    async_create,
    async_get,
    async_list,
    close_async,
    has_async_prefix,
    open_async,
    open_sync,
)
from imednet_live.sdk.compat.jobs import (
    job_failed_error,
    job_failed_pattern,
    poll_job,
)
from imednet_live.sdk.compat.listings import (
    first,
    has_field,
    is_lazy,
    items,
)
from imednet_live.sdk.compat.models import (
    CONTRACT_FILE,
    CONTRACT_VARIABLES,
    MODELS_WITHOUT_FIELDS,
    RESOURCE_FIELDS,
    apply_strict,
    contract_defect,
    contract_source,
    describe_strict_drift,
    missing_model_fields,
    models_from_contract,
    strict_drift,
    strict_mode_variable,
)
from imednet_live.sdk.compat.workflows import (
    airflow_integration,
    airflow_package,
    workflow_module,
)

__all__ = [
    "AIRFLOW_DIST",
    "AIRFLOW_SUBMODULES",
    "CONTRACT_FILE",
    "CONTRACT_VARIABLES",
    "MODELS_WITHOUT_FIELDS",
    "RESOURCE_FIELDS",
    "SURFACES",
    "WORKFLOWS_DIST",
    "CliResult",
    "SurfaceMissing",
    "airflow_integration",
    "airflow_package",
    "apply_strict",
    "async_create",
    "async_get",
    "async_list",
    "build_description",
    "build_versions",
    "checkout_label",
    "cli_entry",
    "cli_is_click",
    "cli_script",
    "close_async",
    "contract_defect",
    "contract_source",
    "describe_strict_drift",
    "extras",
    "first",
    "has_async_prefix",
    "has_field",
    "installed_distributions",
    "is_lazy",
    "items",
    "job_failed_error",
    "job_failed_pattern",
    "missing_model_fields",
    "missing_surfaces",
    "models_from_contract",
    "named_version",
    "open_async",
    "open_sync",
    "pandas_install_hint",
    "poll_job",
    "run_cli",
    "sdk_version",
    "strict_drift",
    "strict_mode_variable",
    "workflow_module",
]
