"""One typed view of the environment, built once and handed to everything else.

Every operator-facing variable is read here and nowhere else, so an invalid value
is explained in one place, in one line, naming the variable and what to do.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TypedDict
from urllib.parse import urlsplit

from imednet_live.redaction import MIN_SECRET_CHARS, safe_url, url_secrets

DEFAULT_BASE_URL = "https://edc.prod.imednetapi.com"

# Environment variable names, as the Live Test Charter (section 4) spells them.
API_KEY = "IMEDNET_API_KEY"
SECURITY_KEY = "IMEDNET_SECURITY_KEY"
BASE_URL = "IMEDNET_BASE_URL"
RUN_E2E = "IMEDNET_RUN_E2E"
ALLOW_MUTATION = "IMEDNET_ALLOW_MUTATION"
STUDY_KEY = "IMEDNET_STUDY_KEY"
FORM_KEY = "IMEDNET_FORM_KEY"
BATCH_ID = "IMEDNET_BATCH_ID"
# Where the SQL export tests write (default: a SQLite file per test); its password is a secret.
EXPORT_DB_URL = "IMEDNET_EXPORT_DB_URL"
# Harness variables (ours, not the charter's).
TARGET = "IMEDNET_TARGET"  # live | sandbox | replay: forces the target, else chosen by credentials
TARGET_KIND = "IMEDNET_LIVE_TARGET_KIND"  # set by the harness once it resolved the target
PROFILE = "IMEDNET_LIVE_PROFILE"
REPORT_DIR = "IMEDNET_LIVE_REPORT_DIR"
CACHE_DIR = "IMEDNET_LIVE_CACHE_DIR"
RUN_ID = "IMEDNET_LIVE_RUN_ID"
SANDBOX_AUDIT = "IMEDNET_LIVE_SANDBOX_AUDIT"  # JSON-lines audit of the session's sandbox
# Set by the harness: what the session's sandbox serves, so one run shares one discovery.
SANDBOX_IDENTITY = "IMEDNET_LIVE_SANDBOX_IDENTITY"
SESSION = "IMEDNET_LIVE_SESSION"  # the nox session name, for outcomes.json
SANDBOX_LATENCY_MS = "IMEDNET_LIVE_SANDBOX_LATENCY_MS"  # added ms per sandbox request; default 0
SANDBOX_SCENARIO = "IMEDNET_LIVE_SANDBOX_SCENARIO"  # every session's sandbox scenario; "default"
# Most items (records, subjects, ...) a live test may read by walking a whole resource,
# for SDK helpers without a bounded call; above it the test skips as study-too-large.
MAX_RECORDS = "IMEDNET_LIVE_MAX_RECORDS"  # default DEFAULT_MAX_RECORDS
DEFAULT_MAX_RECORDS = 1000
# Sandbox scale for every nox session: `--subjects N`.
SANDBOX_SUBJECTS = "IMEDNET_LIVE_SANDBOX_SUBJECTS"  # default: unset (the seed's 5 subjects)
EXPORT_DB_URL = (
    "IMEDNET_EXPORT_DB_URL"  # external PostgreSQL for the SQL export tests; default unset
)
# Set by the live suite's controller for its workers: the URL of the PostgreSQL it started
# (no password: trust auth on 127.0.0.1), or the one-line reason it could not start one.
POSTGRES_URL = "IMEDNET_LIVE_POSTGRES_URL"
POSTGRES_ERROR = "IMEDNET_LIVE_POSTGRES_ERROR"
# Sandbox fault rules, ";"-separated "METHOD PATH_GLOB=STATUS" (fault_rules.py); nox passes
# each on as --fail to every session's sandbox. Default: none (no request fails on purpose).
SANDBOX_FAIL = "IMEDNET_LIVE_SANDBOX_FAIL"
# The SDK build under test (sdk/selection.py): each is a version specifier (==0.5.6), a
# wheel/sdist path or a source checkout (installed editable); IMEDNET_SDK may also be the
# SDK's monorepo root (all three packages, editable). Unset: the pinned release.
SDK = "IMEDNET_SDK"  # the imednet distribution; default: the constraints pin (0.5.0)
SDK_WORKFLOWS = "IMEDNET_SDK_WORKFLOWS"  # imednet-workflows (0.8 line); default: not installed
SDK_AIRFLOW = "IMEDNET_SDK_AIRFLOW"  # apache-airflow-providers-imednet; default: not installed
# nox -s sdk-matrix: the builds to run, separated by ";"; each build is space-separated
# versions (imednet), wheels/sdists (assigned by their file name) or "pinned" (e.g.
# "pinned; ==0.5.6; core.whl workflows.whl"), plus a contract file for the build
# ("main.whl imednet.postman_collection.json": its IMEDNET_POSTMAN_PATH). Default: pinned
# plus each wheel set in ../shared/sdk and its folders.
SDK_MATRIX = "IMEDNET_LIVE_SDK_MATRIX"
# Where SDK main finds the API contract it builds its models from (its own variables,
# read by the SDK; passed through to every session and named in the banner).
OPENAPI_PATH = "IMEDNET_OPENAPI_PATH"
POSTMAN_PATH = "IMEDNET_POSTMAN_PATH"
# 1: run the SDK with its strict drift check on where the build has one (main:
# IMEDNET_STRICT_MODE=1, an unknown response field raises). Default: off.
SDK_STRICT = "IMEDNET_LIVE_SDK_STRICT"
STRICT_MODE = "IMEDNET_STRICT_MODE"  # the SDK's own switch (main); set by SDK_STRICT
REPORTS_ROOT = "IMEDNET_LIVE_REPORTS_ROOT"  # where sessions write reports; default: reports/
# The run history `nox -s report` appends to (report/run_history.py); default: beside the
# reports folder, so that cleaning reports/ keeps it.
HISTORY = "IMEDNET_LIVE_HISTORY"
HISTORY_FILE_NAME = ".imednet-live-history.jsonl"
# Seconds a sandbox job stays in progress before it finishes (default: 0.25); --job-seconds.
SANDBOX_JOB_SECONDS = "IMEDNET_LIVE_SANDBOX_JOB_SECONDS"
# Recording and replay (src/imednet_live/recording/).
RECORD = "IMEDNET_LIVE_RECORD"  # 1: record each session's traffic, scrubbed (default: off)
RECORDING_DIR = "IMEDNET_LIVE_RECORDING_DIR"  # set by the harness: this session's recording dir
RECORD_KEY = "IMEDNET_LIVE_RECORD_KEY"  # set by nox per run: pseudonym key, never written
REPLAY_DIR = "IMEDNET_REPLAY_DIR"  # IMEDNET_TARGET=replay reads here (default reports/)
# 1: a live run's reports and output keep personal values (an operator's own machine; never CI).
KEEP_PERSONAL = "IMEDNET_LIVE_KEEP_PERSONAL"
# Set by nox: a private temp folder (outside reports/) where each process of a live session
# leaves the personal values it saw, for the leak scan; deleted after the scan.
PERSONAL_DIR = "IMEDNET_LIVE_PERSONAL_DIR"
# Seconds the live suite waits for a job to reach COMPLETED (default: 300, the smoke's).
JOB_TIMEOUT = "IMEDNET_LIVE_JOB_TIMEOUT"
# A batch id the smoke wrote earlier in this run (live target), for jobs.get in read-only
# sessions; set by the noxfile from reports/smoke/smoke.json, or by CI from the smoke job.
SMOKE_BATCH_ID = "IMEDNET_LIVE_SMOKE_BATCH_ID"
# Seconds between the smoke's "still waiting" lines while it polls jobs (default: 15).
SMOKE_HEARTBEAT = "IMEDNET_LIVE_SMOKE_HEARTBEAT_SECONDS"
# How many live sessions `nox -j` runs at once: counted by the top-level nox from its
# command line, read by each session to bound its workers (target/concurrency.py).
PARALLEL_SESSIONS = "IMEDNET_LIVE_PARALLEL_SESSIONS"
# The worker count a live session chose and why, for its banner and outcomes.json.
CONCURRENCY = "IMEDNET_LIVE_CONCURRENCY"
# Which dependency versions every session installs (resolution.py): locked | latest | lowest.
RESOLUTION = "IMEDNET_LIVE_RESOLUTION"
LOCK_FILE = "IMEDNET_LIVE_LOCK_FILE"  # the constraints file a session's diff is against

# The smoke's --timeout default, and the live suite's job timeout (charter: 300 s).
DEFAULT_JOB_TIMEOUT_S = 300.0


class VarScope(str, Enum):
    """Who defines a variable's meaning."""

    CHARTER = "charter"  # the Live Test Charter, section 4
    HARNESS = "harness"  # ours: the nox sessions, the smoke script or the live suite
    SANDBOX = "sandbox"  # ours: shapes the embedded sandbox a session starts


class Reader(str, Enum):
    """Which part of the project reads a variable."""

    NOX = "nox"  # the noxfile, before any session venv exists
    SMOKE = "smoke"  # scripts/post_smoke_record.py
    LIVE = "live suite"  # tests/live and its pytest plugin
    REPORT = "report"  # python -m imednet_live.report (nox -s report)


@dataclass(frozen=True)
class EnvVar:
    """One environment variable: the docs tables and ``--help`` texts are rendered from these."""

    name: str
    meaning: str
    scope: VarScope
    read_by: tuple[Reader, ...]
    required: bool = False
    default: str = "unset"
    set_by_nox: bool = False  # the nox sessions set it; set it yourself only outside nox


_NOX, _SMOKE, _LIVE = Reader.NOX, Reader.SMOKE, Reader.LIVE

# The registry. Adding a variable: its constant above, then one line here; `nox -s docs`.
ENV_VARS: tuple[EnvVar, ...] = (
    EnvVar(
        API_KEY,
        "API key for authentication; a secret, never printed",
        VarScope.CHARTER,
        (_NOX, _SMOKE, _LIVE),
        required=True,
    ),
    EnvVar(
        SECURITY_KEY,
        "security key for authentication; a secret, never printed",
        VarScope.CHARTER,
        (_NOX, _SMOKE, _LIVE),
        required=True,
    ),
    EnvVar(
        RUN_E2E,
        "must be `1` to run any live test",
        VarScope.CHARTER,
        (_LIVE,),
        required=True,
        set_by_nox=True,
    ),
    EnvVar(
        BASE_URL,
        "host root of the API",
        VarScope.CHARTER,
        (_NOX, _SMOKE, _LIVE),
        default=f"`{DEFAULT_BASE_URL}`",
    ),
    EnvVar(
        STUDY_KEY,
        "pin a study instead of discovering one; used without validation",
        VarScope.CHARTER,
        (_SMOKE, _LIVE),
        default="auto-discover",
    ),
    EnvVar(
        FORM_KEY,
        "pin a form instead of discovering one; used without validation",
        VarScope.CHARTER,
        (_SMOKE, _LIVE),
        default="auto-discover",
    ),
    EnvVar(
        BATCH_ID,
        "a known batch for the job-status tests, which then run without writing",
        VarScope.CHARTER,
        (_LIVE,),
    ),
    EnvVar(
        ALLOW_MUTATION,
        "`1` enables write tests",
        VarScope.CHARTER,
        (_LIVE,),
        default="read-only",
        set_by_nox=True,
    ),
    EnvVar(
        TARGET,
        "`live`, `sandbox` or `replay`: force the target instead of inferring it from the "
        "credentials",
        VarScope.HARNESS,
        (_NOX,),
        default="inferred",
    ),
    EnvVar(
        TARGET_KIND,
        "the resolved target (`sandbox`/`live`/`replay`), for the banner and the report",
        VarScope.HARNESS,
        (_LIVE,),
        default="inferred from the base URL",
        set_by_nox=True,
    ),
    EnvVar(
        PROFILE,
        "the dependency profile whose expected skips the plugin enforces",
        VarScope.HARNESS,
        (_LIVE,),
        set_by_nox=True,
    ),
    EnvVar(
        SESSION,
        "the session name written to `outcomes.json`",
        VarScope.HARNESS,
        (_LIVE,),
        default="the report folder's name",
        set_by_nox=True,
    ),
    EnvVar(
        REPORT_DIR,
        "folder for `outcomes.json` and `warnings.log`",
        VarScope.HARNESS,
        (_LIVE,),
        default="none written",
        set_by_nox=True,
    ),
    EnvVar(
        RUN_ID,
        "one id per `nox` invocation: processes of one run share discovery",
        VarScope.HARNESS,
        (_SMOKE, _LIVE),
        default="no sharing",
        set_by_nox=True,
    ),
    EnvVar(
        CACHE_DIR,
        "folder of the shared discovery cache",
        VarScope.HARNESS,
        (_SMOKE, _LIVE),
        default="`.imednet-live-cache/` under nox, else the temp dir",
        set_by_nox=True,
    ),
    EnvVar(
        PARALLEL_SESSIONS,
        "how many live sessions `nox -j` runs at once, which bounds each session's workers",
        VarScope.HARNESS,
        (_NOX,),
        default="`1`",
        set_by_nox=True,
    ),
    EnvVar(
        CONCURRENCY,
        "the xdist workers the session chose and why (cores, round-trip, parallel sessions)",
        VarScope.HARNESS,
        (_LIVE,),
        default="not shown",
        set_by_nox=True,
    ),
    EnvVar(
        SANDBOX_AUDIT,
        "the sandbox's JSON-lines request audit, checked by read-only sessions",
        VarScope.HARNESS,
        (_LIVE,),
        set_by_nox=True,
    ),
    EnvVar(
        SANDBOX_IDENTITY,
        "a digest of what the session's sandbox serves (scenario and data options): the "
        "sessions of one run share one discovery against fresh sandboxes of the same data",
        VarScope.HARNESS,
        (_SMOKE, _LIVE),
        default="discovery keyed by URL",
        set_by_nox=True,
    ),
    EnvVar(
        EXPORT_DB_URL,
        "an external PostgreSQL URL for the SQL export tests, "
        "instead of the one the session starts",
        VarScope.HARNESS,
        (_LIVE,),
        default="a PostgreSQL the session starts",
    ),
    EnvVar(
        POSTGRES_URL,
        "the URL of the PostgreSQL the live suite's controller started, for its xdist workers",
        VarScope.HARNESS,
        (_LIVE,),
        default="set by the controller",
    ),
    EnvVar(
        POSTGRES_ERROR,
        "why the controller could not start a PostgreSQL, for its xdist workers",
        VarScope.HARNESS,
        (_LIVE,),
        default="set by the controller",
    ),
    EnvVar(
        SANDBOX_LATENCY_MS,
        "milliseconds added to every sandbox request, for benchmarks of the fan-out",
        VarScope.SANDBOX,
        (_NOX,),
        default="`0`",
    ),
    EnvVar(
        SANDBOX_SCENARIO,
        "the sandbox scenario every session runs against (`imednet-live sandbox serve --help`)",
        VarScope.SANDBOX,
        (_NOX,),
        default="`default`",
    ),
    EnvVar(
        SANDBOX_FAIL,
        "sandbox fault rules `METHOD PATH_GLOB=STATUS`, `;`-separated: every session's sandbox "
        "answers matching requests with STATUS",
        VarScope.SANDBOX,
        (_NOX, _LIVE),
        default="no faults",
    ),
    EnvVar(
        SANDBOX_SUBJECTS,
        "subjects in the sandbox's first study (`--subjects`; about 5 records each)",
        VarScope.SANDBOX,
        (_NOX, _LIVE),
        default="the seed's 5",
    ),
    EnvVar(
        MAX_RECORDS,
        "most items a live test may read by walking a whole resource; above it the test "
        "skips as `study-too-large`",
        VarScope.HARNESS,
        (_LIVE,),
        default=f"`{DEFAULT_MAX_RECORDS}`",
    ),
    EnvVar(
        SDK,
        "the `imednet` build under test: a version (`==0.5.6`), a wheel/sdist path, a "
        "source checkout (installed editable) or the SDK's monorepo root (its `packages/core`, "
        "`packages/plugins-workflows`, `packages/providers-airflow`, editable)",
        VarScope.HARNESS,
        (_NOX,),
        default="the pinned release (0.5.0)",
    ),
    EnvVar(
        SDK_WORKFLOWS,
        "the `imednet-workflows` build (0.8 line), named as `IMEDNET_SDK`; only in profiles "
        "with pandas",
        VarScope.HARNESS,
        (_NOX,),
        default="not installed",
    ),
    EnvVar(
        SDK_AIRFLOW,
        "the `apache-airflow-providers-imednet` build (0.8 line), named as `IMEDNET_SDK`; "
        "only in profiles with Airflow",
        VarScope.HARNESS,
        (_NOX,),
        default="not installed",
    ),
    EnvVar(
        SDK_MATRIX,
        "`nox -s sdk-matrix`: the builds to run, `;`-separated; each is space-separated "
        "versions, wheels/sdists, a checkout or `pinned`, plus the contract file the build "
        "needs (`*.json`: its `IMEDNET_POSTMAN_PATH`; `*.yaml`: its `IMEDNET_OPENAPI_PATH`)",
        VarScope.HARNESS,
        (_NOX,),
        default="pinned plus each wheel set in `../shared/sdk` and its folders (SDK main with "
        "the collection beside its wheels)",
    ),
    EnvVar(
        POSTMAN_PATH,
        "the SDK's own: the Postman collection SDK main builds its models from (its wheels "
        "carry none); passed through to every session and named in the banner",
        VarScope.HARNESS,
        (_NOX, _SMOKE, _LIVE),
        default="unset (main's models have no fields: a known defect, red at once)",
    ),
    EnvVar(
        OPENAPI_PATH,
        "the SDK's own: an OpenAPI contract SDK main builds its models from, before "
        "`IMEDNET_POSTMAN_PATH`; passed through and named in the banner",
        VarScope.HARNESS,
        (_NOX, _SMOKE, _LIVE),
    ),
    EnvVar(
        SDK_STRICT,
        "`1` runs the SDK with its strict drift check on where the build has one (main: "
        "`IMEDNET_STRICT_MODE=1`, an undefined response field raises)",
        VarScope.HARNESS,
        (_SMOKE, _LIVE),
        default="off",
    ),
    EnvVar(
        STRICT_MODE,
        "the SDK's own (main): `1` makes a response field its model lacks an error "
        "(`Drift detected (additive)`); set for you by `IMEDNET_LIVE_SDK_STRICT=1` where the "
        "build reads it",
        VarScope.HARNESS,
        (_SMOKE, _LIVE),
        default="unset (such fields are only logged)",
    ),
    EnvVar(
        REPORTS_ROOT,
        "where the sessions write their reports (`sdk-matrix` gives each build its own)",
        VarScope.HARNESS,
        (_NOX,),
        default="`reports/`",
    ),
    EnvVar(
        HISTORY,
        "the run history `nox -s report` appends one line to per run (the trend in "
        "`summary.html`, the runs table in `summary.md`, the default `--previous`)",
        VarScope.HARNESS,
        (Reader.REPORT,),
        default=f"`{HISTORY_FILE_NAME}` beside the reports folder (the checkout root under "
        "nox); `sdk-matrix`: one per build, `.imednet-live-history.sdk-<build>.jsonl`",
    ),
    EnvVar(
        SANDBOX_JOB_SECONDS,
        "seconds a sandbox job stays in progress before it finishes (`--job-seconds`)",
        VarScope.SANDBOX,
        (_NOX,),
        default="`0.25`",
    ),
    EnvVar(
        JOB_TIMEOUT,
        "seconds the live suite waits for a job to reach `COMPLETED` (the smoke's `--timeout`)",
        VarScope.HARNESS,
        (_LIVE,),
        default="`300`",
    ),
    EnvVar(
        SMOKE_HEARTBEAT,
        "seconds between the smoke's `still waiting` lines while it polls its jobs",
        VarScope.HARNESS,
        (_SMOKE,),
        default="`15`",
    ),
    EnvVar(
        SMOKE_BATCH_ID,
        "a batch the smoke wrote earlier in this run (live target), for `jobs.get` in read-only "
        "sessions",
        VarScope.HARNESS,
        (_LIVE,),
        default="read from `reports/smoke/smoke.json`",
        set_by_nox=True,
    ),
    EnvVar(
        RECORD,
        "`1` records each session's HTTP traffic, scrubbed, to `reports/<session>/recording/`",
        VarScope.HARNESS,
        (_NOX, _SMOKE, _LIVE),
        default="off",
    ),
    EnvVar(
        RECORDING_DIR,
        "this session's recording folder",
        VarScope.HARNESS,
        (_SMOKE, _LIVE),
        default="set by nox",
        set_by_nox=True,
    ),
    EnvVar(
        RECORD_KEY,
        "the key of the pseudonyms in a recording (a keyed hash); never written anywhere",
        VarScope.HARNESS,
        (_NOX, _SMOKE, _LIVE),
        default="a new one per `nox` run",
        set_by_nox=True,
    ),
    EnvVar(
        KEEP_PERSONAL,
        "`1` turns the output boundary off: a live run's reports and output keep personal "
        "values (debugging on your own machine; named in the banner; CI never sets it)",
        VarScope.HARNESS,
        (_NOX, _LIVE),
        default="off: everything a live run writes or prints is pseudonymised, then leak-scanned",
    ),
    EnvVar(
        PERSONAL_DIR,
        "a private temporary folder (outside `reports/`) for the personal values a live "
        "session saw, read by the leak scan and deleted after it",
        VarScope.HARNESS,
        (_SMOKE, _LIVE),
        default="set by nox",
        set_by_nox=True,
    ),
    EnvVar(
        RESOLUTION,
        "which dependency versions every session installs: `locked` (the constraints "
        "files), `latest` (the newest the declared ranges allow, as `pip install` gives "
        "today) or `lowest` (the lowest our extras declare); each has its own venvs",
        VarScope.HARNESS,
        (_NOX, _LIVE),
        default="locked",
    ),
    EnvVar(
        LOCK_FILE,
        "the constraints file of the session's profile: the banner, outcomes.json and the "
        "report list every installed version that differs from it",
        VarScope.HARNESS,
        (_LIVE,),
        default="set by nox",
        set_by_nox=True,
    ),
    EnvVar(
        REPLAY_DIR,
        "where `IMEDNET_TARGET=replay` reads the recordings",
        VarScope.HARNESS,
        (_NOX, _LIVE),
        default="`reports/`",
    ),
)


def env_help(variables: Iterable[EnvVar]) -> str:
    """Indented ``--help`` lines: name, meaning, and whether it is required or its default."""
    rows = list(variables)
    width = max((len(v.name) for v in rows), default=0)
    return "\n".join(
        f"  {v.name:<{width}}  {v.meaning} "
        f"({'required' if v.required else f'default: {v.default}'})".replace("`", "")
        for v in rows
    )


def env_var(name: str) -> EnvVar:
    """The registry entry for ``name``; KeyError names an unregistered variable."""
    for var in ENV_VARS:
        if var.name == name:
            return var
    raise KeyError(f"{name} is not in config.ENV_VARS; register it there")


class SdkKwargs(TypedDict):
    """Keyword arguments for ``ImednetSDK``/``AsyncImednetSDK``: credentials and base URL."""

    api_key: str
    security_key: str
    base_url: str


class ConfigError(ValueError):
    """An operator mistake in the environment; its message is one line, safe to print."""


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip() == "1"


def read_var(env: Mapping[str, str], name: str) -> str | None:
    """A variable's value stripped, or None when unset or blank: the one reading rule."""
    value = env.get(name, "").strip()
    return value or None


def validate_credential(value: str | None, variable: str) -> str | None:
    """Refuse a credential too short to be masked without garbling output (redaction.py)."""
    if value is not None and len(value) < MIN_SECRET_CHARS:
        raise ConfigError(
            f"{variable} is {len(value)} characters long; a credential must have at least "
            f"{MIN_SECRET_CHARS} so that it can be masked in every output without masking "
            "ordinary words (check that the whole key was set)"
        )
    return value


def env_secrets(env: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Every secret the environment holds, read without validation.

    For code that must scrub output even when the settings are invalid (the smoke's
    first error line, the report): raw and stripped keys, and the secret parts of URLs.
    """
    env = os.environ if env is None else env
    keys = [env.get(name, "") for name in (API_KEY, SECURITY_KEY)]
    found = {k for k in (*keys, *(k.strip() for k in keys)) if k}
    for name in (BASE_URL, EXPORT_DB_URL):
        found.update(url_secrets(read_var(env, name)))
    return tuple(sorted(found))


def read_count(
    env: Mapping[str, str], name: str, default: int | None, *, unit: str | None = None
) -> int | None:
    """A whole number >= 0 from ``name``, ``default`` when unset; a one-line ConfigError else.

    ``unit`` names what is counted in the message (``subjects``, ``milliseconds``).
    """
    value = read_var(env, name)
    if value is None:
        return default
    if not value.isdigit():
        what = f"a whole number of {unit}" if unit else "a whole number >= 0"
        raise ConfigError(f"{name} must be {what}, not {value!r}")
    return int(value)


def read_seconds(
    env: Mapping[str, str], name: str, *, allow_zero: bool, example: str
) -> float | None:
    """A finite number of seconds from ``name``, None when unset; a one-line ConfigError else."""
    raw = read_var(env, name)
    if raw is None:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    above = seconds >= 0 if allow_zero else seconds > 0  # NaN fails either comparison
    if not (above and seconds < float("inf")):
        bound = ">= 0" if allow_zero else "> 0"
        raise ConfigError(
            f"{name} must be a number of seconds {bound} (e.g. {example}), not {raw!r}"
        )
    return seconds


def job_timeout_s(env: Mapping[str, str] | None = None) -> float:
    """The live suite's job timeout: JOB_TIMEOUT seconds, else DEFAULT_JOB_TIMEOUT_S."""
    env = os.environ if env is None else env
    seconds = read_seconds(env, JOB_TIMEOUT, allow_zero=False, example="300")
    return DEFAULT_JOB_TIMEOUT_S if seconds is None else seconds


DEFAULT_SMOKE_HEARTBEAT_S = 15.0


def smoke_heartbeat_s(env: Mapping[str, str] | None = None) -> float:
    """Seconds between the smoke's heartbeat lines: SMOKE_HEARTBEAT, else 15."""
    env = os.environ if env is None else env
    seconds = read_seconds(env, SMOKE_HEARTBEAT, allow_zero=False, example="15")
    return DEFAULT_SMOKE_HEARTBEAT_S if seconds is None else seconds


def validate_base_url(value: str, variable: str = BASE_URL) -> str:
    """Return the URL without a trailing slash, or raise a one-line ConfigError."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"{variable} is not a valid http(s) URL: {safe_url(value)!r}; "
            "set it to the host root, e.g. https://edc.prod.imednetapi.com"
        )
    try:
        parts.port  # noqa: B018 - urlsplit validates the port lazily
    except ValueError:
        raise ConfigError(
            f"{variable} has an invalid port: {safe_url(value)!r}; use e.g. http://127.0.0.1:8080"
        ) from None
    return value.rstrip("/")


@dataclass(frozen=True)
class Settings:
    """What a run is pointed at and allowed to do. Secrets are excluded from repr."""

    api_key: str | None = field(default=None, repr=False)
    security_key: str | None = field(default=None, repr=False)
    base_url: str = DEFAULT_BASE_URL
    run_e2e: bool = False
    allow_mutation: bool = False
    study_key: str | None = None
    form_key: str | None = None
    batch_id: str | None = None
    target_kind: str | None = None
    profile: str | None = None
    export_db_url: str | None = field(default=None, repr=False)
    max_records: int = DEFAULT_MAX_RECORDS
    sdk_strict: bool = False  # IMEDNET_LIVE_SDK_STRICT: the SDK's strict drift check on

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        raw_url = read_var(env, BASE_URL)
        return cls(
            api_key=validate_credential(read_var(env, API_KEY), API_KEY),
            security_key=validate_credential(read_var(env, SECURITY_KEY), SECURITY_KEY),
            base_url=validate_base_url(raw_url) if raw_url else DEFAULT_BASE_URL,
            run_e2e=_flag(env, RUN_E2E),
            allow_mutation=_flag(env, ALLOW_MUTATION),
            study_key=read_var(env, STUDY_KEY),
            form_key=read_var(env, FORM_KEY),
            batch_id=read_var(env, BATCH_ID),
            target_kind=read_var(env, TARGET_KIND),
            profile=read_var(env, PROFILE),
            export_db_url=read_var(env, EXPORT_DB_URL),
            max_records=read_count(env, MAX_RECORDS, DEFAULT_MAX_RECORDS) or 0,
            sdk_strict=_flag(env, SDK_STRICT),
        )

    @property
    def has_credentials(self) -> bool:
        return bool(self.api_key and self.security_key)

    @property
    def missing_credentials(self) -> list[str]:
        """Names of the credential variables that are unset, in charter order."""
        return [
            name
            for name, value in ((API_KEY, self.api_key), (SECURITY_KEY, self.security_key))
            if not value
        ]

    def require_credentials(self) -> None:
        missing = self.missing_credentials
        if missing:
            raise ConfigError(
                f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set; "
                "export the iMednet API credentials (or unset them all to use the sandbox)"
            )

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values that must never appear in any output: the keys and the URLs' secret parts."""
        keys = tuple(s for s in (self.api_key, self.security_key) if s)
        return keys + url_secrets(self.base_url) + url_secrets(self.export_db_url)

    def sdk_kwargs(self) -> SdkKwargs:
        """Keyword arguments for ``ImednetSDK``/``AsyncImednetSDK``."""
        self.require_credentials()
        return {
            "api_key": self.api_key or "",
            "security_key": self.security_key or "",
            "base_url": self.base_url,
        }
