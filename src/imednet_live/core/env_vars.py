"""Every environment variable the project reads: its name and its registry entry.

The docs tables and the ``--help`` texts are rendered from ``ENV_VARS``; what a value
means is written there once (``EnvVar.meaning``). Reading and checking values is
``core/settings.py``'s job.
"""

from __future__ import annotations

from imednet_live.core.env_schema import EnvVar, Reader, VarScope

DEFAULT_BASE_URL = "https://edc.prod.imednetapi.com"

# Each variable's name; what it means, its default and who reads it are its entry in
# ENV_VARS below (the one place they are written). The charter's (section 4) first.
API_KEY = "IMEDNET_API_KEY"
SECURITY_KEY = "IMEDNET_SECURITY_KEY"
BASE_URL = "IMEDNET_BASE_URL"
RUN_E2E = "IMEDNET_RUN_E2E"
ALLOW_MUTATION = "IMEDNET_ALLOW_MUTATION"
STUDY_KEY = "IMEDNET_STUDY_KEY"
FORM_KEY = "IMEDNET_FORM_KEY"
BATCH_ID = "IMEDNET_BATCH_ID"
EXPORT_DB_URL = "IMEDNET_EXPORT_DB_URL"
# Ours: the harness, the sandbox, the SDK build under test, recording and replay.
TARGET = "IMEDNET_TARGET"
TARGET_KIND = "IMEDNET_LIVE_TARGET_KIND"
PROFILE = "IMEDNET_LIVE_PROFILE"
REPORT_DIR = "IMEDNET_LIVE_REPORT_DIR"
CACHE_DIR = "IMEDNET_LIVE_CACHE_DIR"
RUN_ID = "IMEDNET_LIVE_RUN_ID"
SANDBOX_AUDIT = "IMEDNET_LIVE_SANDBOX_AUDIT"
SESSION = "IMEDNET_LIVE_SESSION"
SANDBOX_LATENCY_MS = "IMEDNET_LIVE_SANDBOX_LATENCY_MS"
SANDBOX_SCENARIO = "IMEDNET_LIVE_SANDBOX_SCENARIO"
MAX_RECORDS = "IMEDNET_LIVE_MAX_RECORDS"
SANDBOX_SUBJECTS = "IMEDNET_LIVE_SANDBOX_SUBJECTS"
POSTGRES_URL = "IMEDNET_LIVE_POSTGRES_URL"
POSTGRES_ERROR = "IMEDNET_LIVE_POSTGRES_ERROR"
SANDBOX_FAIL = "IMEDNET_LIVE_SANDBOX_FAIL"
SDK = "IMEDNET_SDK"
SDK_WORKFLOWS = "IMEDNET_SDK_WORKFLOWS"
SDK_AIRFLOW = "IMEDNET_SDK_AIRFLOW"
SDK_MATRIX = "IMEDNET_LIVE_SDK_MATRIX"
OPENAPI_PATH = "IMEDNET_OPENAPI_PATH"
POSTMAN_PATH = "IMEDNET_POSTMAN_PATH"
SDK_STRICT = "IMEDNET_LIVE_SDK_STRICT"
STRICT_MODE = "IMEDNET_STRICT_MODE"
REPORTS_ROOT = "IMEDNET_LIVE_REPORTS_ROOT"
SANDBOX_JOB_SECONDS = "IMEDNET_LIVE_SANDBOX_JOB_SECONDS"
RECORD = "IMEDNET_LIVE_RECORD"
RECORDING_DIR = "IMEDNET_LIVE_RECORDING_DIR"
RECORD_KEY = "IMEDNET_LIVE_RECORD_KEY"
REPLAY_DIR = "IMEDNET_REPLAY_DIR"
KEEP_PERSONAL = "IMEDNET_LIVE_KEEP_PERSONAL"
PERSONAL_DIR = "IMEDNET_LIVE_PERSONAL_DIR"
JOB_TIMEOUT = "IMEDNET_LIVE_JOB_TIMEOUT"
SMOKE_BATCH_ID = "IMEDNET_LIVE_SMOKE_BATCH_ID"
SMOKE_HEARTBEAT = "IMEDNET_LIVE_SMOKE_HEARTBEAT_SECONDS"
HISTORY = "IMEDNET_LIVE_HISTORY"
HISTORY_FILE_NAME = ".imednet-live-history.jsonl"
PARALLEL_SESSIONS = "IMEDNET_LIVE_PARALLEL_SESSIONS"
CONCURRENCY = "IMEDNET_LIVE_CONCURRENCY"
SANDBOX_IDENTITY = "IMEDNET_LIVE_SANDBOX_IDENTITY"
RESOLUTION = "IMEDNET_LIVE_RESOLUTION"
LOCK_FILE = "IMEDNET_LIVE_LOCK_FILE"

DEFAULT_MAX_RECORDS = 1000
# The smoke's --timeout default, and the live suite's job timeout (charter: 300 s).
DEFAULT_JOB_TIMEOUT_S = 300.0


_NOX, _SMOKE, _LIVE = Reader.NOX, Reader.SMOKE, Reader.LIVE

# The registry. Adding a variable: its constant above, then one entry here; `nox -s docs`.
# A table, kept as written (scope and readers on one line): fmt: off.
# fmt: off
ENV_VARS: tuple[EnvVar, ...] = (
    EnvVar(
        API_KEY,
        "API key for authentication; a secret, never printed",
        VarScope.CHARTER, (_NOX, _SMOKE, _LIVE),
        required=True,
    ),
    EnvVar(
        SECURITY_KEY,
        "security key for authentication; a secret, never printed",
        VarScope.CHARTER, (_NOX, _SMOKE, _LIVE),
        required=True,
    ),
    EnvVar(
        RUN_E2E,
        "must be `1` to run any live test",
        VarScope.CHARTER, (_LIVE,),
        required=True,
        set_by_nox=True,
    ),
    EnvVar(
        BASE_URL,
        "host root of the API",
        VarScope.CHARTER, (_NOX, _SMOKE, _LIVE),
        default=f"`{DEFAULT_BASE_URL}`",
    ),
    EnvVar(
        STUDY_KEY,
        "pin a study instead of discovering one; used without validation",
        VarScope.CHARTER, (_SMOKE, _LIVE),
        default="auto-discover",
    ),
    EnvVar(
        FORM_KEY,
        "pin a form instead of discovering one; used without validation",
        VarScope.CHARTER, (_SMOKE, _LIVE),
        default="auto-discover",
    ),
    EnvVar(
        BATCH_ID,
        "a known batch for the job-status tests, which then run without writing",
        VarScope.CHARTER, (_LIVE,),
    ),
    EnvVar(
        ALLOW_MUTATION,
        "`1` enables write tests",
        VarScope.CHARTER, (_LIVE,),
        default="read-only",
        set_by_nox=True,
    ),
    EnvVar(
        TARGET,
        "`live`, `sandbox` or `replay`: force the target instead of inferring it from the "
        "credentials",
        VarScope.HARNESS, (_NOX,),
        default="inferred",
    ),
    EnvVar(
        TARGET_KIND,
        "the resolved target (`sandbox`/`live`/`replay`), for the banner and the report",
        VarScope.HARNESS, (_LIVE,),
        default="inferred from the base URL",
        set_by_nox=True,
    ),
    EnvVar(
        PROFILE,
        "the dependency profile whose expected skips the plugin enforces",
        VarScope.HARNESS, (_LIVE,),
        set_by_nox=True,
    ),
    EnvVar(
        SESSION,
        "the session name written to `outcomes.json`",
        VarScope.HARNESS, (_LIVE,),
        default="the report folder's name",
        set_by_nox=True,
    ),
    EnvVar(
        REPORT_DIR,
        "folder for `outcomes.json` and `warnings.log`",
        VarScope.HARNESS, (_LIVE,),
        default="none written",
        set_by_nox=True,
    ),
    EnvVar(
        RUN_ID,
        "one id per `nox` invocation: processes of one run share discovery",
        VarScope.HARNESS, (_SMOKE, _LIVE),
        default="no sharing",
        set_by_nox=True,
    ),
    EnvVar(
        CACHE_DIR,
        "folder of the shared discovery cache",
        VarScope.HARNESS, (_SMOKE, _LIVE),
        default="`.imednet-live-cache/` under nox, else the temp dir",
        set_by_nox=True,
    ),
    EnvVar(
        PARALLEL_SESSIONS,
        "how many live sessions `nox -j` runs at once, which bounds each session's workers",
        VarScope.HARNESS, (_NOX,),
        default="`1`",
        set_by_nox=True,
    ),
    EnvVar(
        CONCURRENCY,
        "the xdist workers the session chose and why (cores, round-trip, parallel sessions)",
        VarScope.HARNESS, (_LIVE,),
        default="not shown",
        set_by_nox=True,
    ),
    EnvVar(
        SANDBOX_AUDIT,
        "the sandbox's JSON-lines request audit, checked by read-only sessions",
        VarScope.HARNESS, (_LIVE,),
        set_by_nox=True,
    ),
    EnvVar(
        EXPORT_DB_URL,
        "an external PostgreSQL URL for the SQL export tests, "
        "instead of the one the session starts",
        VarScope.HARNESS, (_LIVE,),
        default="a PostgreSQL the session starts",
    ),
    EnvVar(
        POSTGRES_URL,
        "the URL of the PostgreSQL the live suite's controller started, for its xdist workers",
        VarScope.HARNESS, (_LIVE,),
        default="set by the controller",
    ),
    EnvVar(
        POSTGRES_ERROR,
        "why the controller could not start a PostgreSQL, for its xdist workers",
        VarScope.HARNESS, (_LIVE,),
        default="set by the controller",
    ),
    EnvVar(
        SANDBOX_LATENCY_MS,
        "milliseconds added to every sandbox request, for benchmarks of the fan-out",
        VarScope.SANDBOX, (_NOX,),
        default="`0`",
    ),
    EnvVar(
        SANDBOX_SCENARIO,
        "the sandbox scenario every session runs against (`imednet-live sandbox serve --help`)",
        VarScope.SANDBOX, (_NOX,),
        default="`default`",
    ),
    EnvVar(
        SANDBOX_FAIL,
        "sandbox fault rules `METHOD PATH_GLOB=STATUS`, `;`-separated: every session's sandbox "
        "answers matching requests with STATUS",
        VarScope.SANDBOX, (_NOX, _LIVE),
        default="no faults",
    ),
    EnvVar(
        SANDBOX_SUBJECTS,
        "subjects in the sandbox's first study (`--subjects`; about 5 records each)",
        VarScope.SANDBOX, (_NOX, _LIVE),
        default="the seed's 5",
    ),
    EnvVar(
        MAX_RECORDS,
        "most items a live test may read by walking a whole resource; above it the test "
        "skips as `study-too-large`",
        VarScope.HARNESS, (_LIVE,),
        default=f"`{DEFAULT_MAX_RECORDS}`",
    ),
    EnvVar(
        SDK,
        "the `imednet` build under test: a version (`==0.5.6`), a wheel/sdist path, a "
        "source checkout (installed editable) or the SDK's monorepo root (its `packages/core`, "
        "`packages/plugins-workflows`, `packages/providers-airflow`, editable)",
        VarScope.HARNESS, (_NOX,),
        default="the pinned release (0.5.0)",
    ),
    EnvVar(
        SDK_WORKFLOWS,
        "the `imednet-workflows` build (0.8 line), named as `IMEDNET_SDK`; only in profiles "
        "with pandas",
        VarScope.HARNESS, (_NOX,),
        default="not installed",
    ),
    EnvVar(
        SDK_AIRFLOW,
        "the `apache-airflow-providers-imednet` build (0.8 line), named as `IMEDNET_SDK`; "
        "only in profiles with Airflow",
        VarScope.HARNESS, (_NOX,),
        default="not installed",
    ),
    EnvVar(
        SDK_MATRIX,
        "`nox -s sdk-matrix`: the builds to run, `;`-separated; each is space-separated "
        "versions, wheels/sdists, a checkout or `pinned`, plus the contract file the build "
        "needs (`*.json`: its `IMEDNET_POSTMAN_PATH`; `*.yaml`: its `IMEDNET_OPENAPI_PATH`)",
        VarScope.HARNESS, (_NOX,),
        default="pinned plus each wheel set in `../shared/sdk` and its folders (SDK main with "
        "the collection beside its wheels)",
    ),
    EnvVar(
        POSTMAN_PATH,
        "the SDK's own: the Postman collection SDK main builds its models from (its wheels "
        "carry none); passed through to every session and named in the banner",
        VarScope.HARNESS, (_NOX, _SMOKE, _LIVE),
        default="unset (main's models have no fields: a known defect, red at once)",
    ),
    EnvVar(
        OPENAPI_PATH,
        "the SDK's own: an OpenAPI contract SDK main builds its models from, before "
        "`IMEDNET_POSTMAN_PATH`; passed through and named in the banner",
        VarScope.HARNESS, (_NOX, _SMOKE, _LIVE),
    ),
    EnvVar(
        SDK_STRICT,
        "`1` runs the SDK with its strict drift check on where the build has one (main: "
        "`IMEDNET_STRICT_MODE=1`, an undefined response field raises)",
        VarScope.HARNESS, (_SMOKE, _LIVE),
        default="off",
    ),
    EnvVar(
        STRICT_MODE,
        "the SDK's own (main): `1` makes a response field its model lacks an error "
        "(`Drift detected (additive)`); set for you by `IMEDNET_LIVE_SDK_STRICT=1` where the "
        "build reads it",
        VarScope.HARNESS, (_SMOKE, _LIVE),
        default="unset (such fields are only logged)",
    ),
    EnvVar(
        REPORTS_ROOT,
        "where the sessions write their reports (`sdk-matrix` gives each build its own)",
        VarScope.HARNESS, (_NOX,),
        default="`reports/`",
    ),
    EnvVar(
        SANDBOX_JOB_SECONDS,
        "seconds a sandbox job stays in progress before it finishes (`--job-seconds`)",
        VarScope.SANDBOX, (_NOX,),
        default="`0.25`",
    ),
    EnvVar(
        JOB_TIMEOUT,
        "seconds the live suite waits for a job to reach `COMPLETED` (the smoke's `--timeout`)",
        VarScope.HARNESS, (_LIVE,),
        default="`300`",
    ),
    EnvVar(
        SMOKE_HEARTBEAT,
        "seconds between the smoke's `still waiting` lines while it polls its jobs",
        VarScope.HARNESS, (_SMOKE,),
        default="`15`",
    ),
    EnvVar(
        SMOKE_BATCH_ID,
        "a batch the smoke wrote earlier in this run (live target), for `jobs.get` in read-only "
        "sessions",
        VarScope.HARNESS, (_LIVE,),
        default="read from `reports/smoke/smoke.json`",
        set_by_nox=True,
    ),
    EnvVar(
        RECORD,
        "`1` records each session's HTTP traffic, scrubbed, to `reports/<session>/recording/`",
        VarScope.HARNESS, (_NOX, _SMOKE, _LIVE),
        default="off",
    ),
    EnvVar(
        RECORDING_DIR,
        "this session's recording folder",
        VarScope.HARNESS, (_SMOKE, _LIVE),
        default="set by nox",
        set_by_nox=True,
    ),
    EnvVar(
        RECORD_KEY,
        "the key of the pseudonyms in a recording (a keyed hash); never written anywhere",
        VarScope.HARNESS, (_NOX, _SMOKE, _LIVE),
        default="a new one per `nox` run",
        set_by_nox=True,
    ),
    EnvVar(
        KEEP_PERSONAL,
        "`1` turns the output boundary off: a live run's reports and output keep personal "
        "values (debugging on your own machine; named in the banner; CI never sets it)",
        VarScope.HARNESS, (_NOX, _LIVE),
        default="off: everything a live run writes or prints is pseudonymised, then leak-scanned",
    ),
    EnvVar(
        PERSONAL_DIR,
        "a private temporary folder (outside `reports/`) for the personal values a live "
        "session saw, read by the leak scan and deleted after it",
        VarScope.HARNESS, (_SMOKE, _LIVE),
        default="set by nox",
        set_by_nox=True,
    ),
    EnvVar(
        SANDBOX_IDENTITY,
        "a digest of what the session's sandbox serves (scenario and data options): the "
        "sessions of one run share one discovery against fresh sandboxes of the same data",
        VarScope.HARNESS, (_SMOKE, _LIVE),
        default="discovery keyed by URL",
        set_by_nox=True,
    ),
    EnvVar(
        HISTORY,
        "the run history `nox -s report` appends one line to per run (the trend in "
        "`summary.html`, the runs table in `summary.md`, the default `--previous`)",
        VarScope.HARNESS, (Reader.REPORT,),
        default=f"`{HISTORY_FILE_NAME}` beside the reports folder (the checkout root under "
        "nox); `sdk-matrix`: one per build, `.imednet-live-history.sdk-<build>.jsonl`",
    ),
    EnvVar(
        RESOLUTION,
        "which dependency versions every session installs: `locked` (the constraints "
        "files), `latest` (the newest the declared ranges allow, as `pip install` gives "
        "today) or `lowest` (the lowest our extras declare); each has its own venvs",
        VarScope.HARNESS, (_NOX, _LIVE),
        default="locked",
    ),
    EnvVar(
        LOCK_FILE,
        "the constraints file of the session's profile: the banner, outcomes.json and the "
        "report list every installed version that differs from it",
        VarScope.HARNESS, (_LIVE,),
        default="set by nox",
        set_by_nox=True,
    ),
    EnvVar(
        REPLAY_DIR,
        "where `IMEDNET_TARGET=replay` reads the recordings",
        VarScope.HARNESS, (_NOX, _LIVE),
        default="`reports/`",
    ),
)
# fmt: on


def env_var(name: str) -> EnvVar:
    """The registry entry for ``name``; KeyError names an unregistered variable."""
    for var in ENV_VARS:
        if var.name == name:
            return var
    raise KeyError(f"{name} is not in env_vars.ENV_VARS; register it there")
